// `clab ls`: the runs of a store, newest first, optionally filtered; as a table, CSV or JSON lines.
import { Option, type Command } from 'commander';
import { RUN_STATUSES, type RunStatus } from '../../runs/index.js';
import { positiveIntOption, withStore } from '../options.js';
import { jsonMeta, lsCsv, lsTable } from '../run-table.js';

interface LsOptions {
  name?: string;
  status?: RunStatus;
  label?: string;
  limit: string;
  root?: string;
  json?: boolean;
  csv?: boolean;
}

export function addLs(cli: Command): void {
  cli
    .command('ls')
    .description('List runs, newest first.')
    .option('--name <name>', 'only runs of this spec name')
    .addOption(new Option('--status <status>', 'only runs with this status').choices([...RUN_STATUSES]))
    .option('--label <key=value>', 'only runs with this label (e.g. suite=loss-is-not-enough/table1)')
    .option('--limit <n>', 'at most n runs', '50')
    .option('--root <dir>', 'run store folder')
    .option('--json', 'one JSON object per run (ids, settings and numbers)')
    .option('--csv', 'CSV: one line per run, a column per final metric')
    .action((opts: LsOptions) =>
      withStore(opts.root, (store) => {
        // The folders are the truth: runs written by other machines (Slurm, queue workers) or
        // damaged since the index was last written show as they are now.
        store.reindex();
        const label = opts.label?.split('=') as [string, string] | undefined;
        const metas = store.list({
          ...(opts.name ? { name: opts.name } : {}),
          ...(opts.status ? { status: opts.status } : {}),
          ...(label && label.length === 2 ? { label } : {}),
          limit: positiveIntOption('--limit', opts.limit),
        });
        if (opts.json) for (const m of metas) process.stdout.write(`${JSON.stringify(jsonMeta(m))}\n`);
        else if (opts.csv) process.stdout.write(lsCsv(metas));
        else if (metas.length === 0) process.stdout.write(`no runs in ${store.root}\n`);
        else process.stdout.write(`${lsTable(metas)}\n`);
      }),
    );
}
