// `clab show <run>`: one run's spec, status, environment, metrics and summary.
import type { Command } from 'commander';
import type { RunHandle } from '../../runs/index.js';
import { formatMetrics, withStore } from '../options.js';
import { jsonMeta, metricsCsv } from '../run-table.js';

function printRun(handle: RunHandle): void {
  const meta = handle.meta();
  const out = (s: string): boolean => process.stdout.write(s);
  out(`${meta.id}  (${meta.status})\nfolder: ${handle.dir}\n`);
  out(`seed ${meta.seed}  world size ${meta.worldSize ?? 1}  code ${meta.codeVersion}  created ${meta.createdAt}\n`);
  const env = Object.entries(meta.environment).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  if (env.length > 0) out(`environment: ${env.join(', ')}\n`);
  if (meta.error) out(`error: ${meta.error}\n`);
  out(`\nspec:\n${JSON.stringify(handle.run.spec, null, 2)}\n\nmetrics (every evaluation):\n`);
  for (const r of handle.readMetrics())
    out(`  step ${String(r.step).padStart(6)}  loss ${(r['loss'] ?? Number.NaN).toFixed(4)}  ${formatMetrics(r)}\n`);
  if (meta.summary)
    out(
      `\nfinal: loss ${meta.summary.finalLoss.toFixed(4)}  ${formatMetrics(meta.summary.metrics)}  (${meta.summary.seconds.toFixed(1)} s)\n`,
    );
}

export function addShow(cli: Command): void {
  cli
    .command('show')
    .argument('<run>', 'run id or unique prefix')
    .description('Show a run: its spec, status, environment, metrics and summary.')
    .option('--root <dir>', 'run store folder')
    .option('--json', 'as JSON')
    .option('--csv', 'its metrics (every evaluation) as CSV')
    .action((id: string, opts: { root?: string; json?: boolean; csv?: boolean }) =>
      withStore(opts.root, (store) => {
        const handle = store.open(id);
        if (opts.json)
          process.stdout.write(
            `${JSON.stringify({ meta: jsonMeta(handle.meta()), run: handle.run, metrics: handle.readMetrics() }, null, 2)}\n`,
          );
        else if (opts.csv) process.stdout.write(metricsCsv(handle.readMetrics()));
        else printRun(handle);
      }),
    );
}
