// `clab report`: the HTML report (and terminal tables) of a suite's runs, or a comparison of chosen
// runs (labelled by the settings that differ between them, seeds summarised as mean ± std).
import path from 'node:path';
import type { Command } from 'commander';
import { SpecError } from '../../experiments/index.js';
import { loadSuite } from '../../experiments/suite.js';
import { compareReport, type CompareRun } from '../../report/compare.js';
import { comparisonText } from '../../report/comparison-format.js';
import type { RunMeta, RunStore } from '../../runs/index.js';
import { withStore } from '../options.js';
import { addReadBackFlags, suiteOptionsOf } from '../suite-options.js';
import { Output } from '../output.js';
import { suiteFile } from '../paths.js';
import { printAndWriteReport } from '../print-report.js';
import { suiteReport } from '../../report/suite-report.js';

interface ReportOptions {
  suite?: string;
  set?: string[];
  seeds?: string;
  data?: string;
  cells?: string;
  preset: string;
  out?: string;
  root?: string;
  json?: boolean;
}

/** The chosen runs as the comparison reads them: spec, seed, final numbers, loss curve, environment. */
function compareRuns(store: RunStore, metas: RunMeta[]): CompareRun[] {
  return metas.map((m) => {
    const handle = store.open(m.id);
    const sample = m.summary?.['sample'] as CompareRun['sample'];
    return {
      id: m.id,
      name: m.name,
      seed: m.seed,
      spec: handle.run.spec,
      ...(m.summary ? { final: { finalLoss: m.summary.finalLoss, metrics: m.summary.metrics } } : {}),
      loss: handle
        .readMetrics()
        .filter((r) => Number.isFinite(r['loss']))
        .map((r) => ({ step: r.step, loss: r['loss']! })),
      environment: m.environment,
      codeVersion: m.codeVersion,
      ...(sample ? { sample } : {}),
    };
  });
}

/**
 * reports/<suite>/<preset>, refused (exit 2) when the suite name or preset would lead outside
 * reports/ (`../`, an absolute path): without --out, a report is only ever written under reports/.
 */
function insideReports(suiteId: string, preset: string): string {
  const root = path.resolve('reports');
  const out = path.resolve(root, suiteId, preset);
  const rel = path.relative(root, out);
  if (
    rel === '' ||
    rel.startsWith('..') ||
    path.isAbsolute(rel) ||
    suiteId.split(/[\\/]/).includes('..') ||
    preset.split(/[\\/]/).includes('..')
  )
    throw new SpecError('--suite', [
      `--suite/--preset: '${suiteId}' / '${preset}' would write the report outside reports/; give --out <dir> to choose where`,
    ]);
  return path.join('reports', suiteId, preset);
}

async function report(store: RunStore, ids: string[], opts: ReportOptions): Promise<void> {
  const output = Output.fromProcess(Boolean(opts.json));
  if (opts.suite !== undefined) {
    // The same resolution as `reproduce`, so the report finds exactly the runs that command trained.
    const suite = loadSuite(suiteFile(opts.suite), suiteOptionsOf(opts));
    return printAndWriteReport(
      await suiteReport(store, suite, opts.preset),
      opts.out ?? insideReports(suite.id, opts.preset),
      output,
    );
  }
  if (ids.length === 0) throw new SpecError('report', ['give run ids or --suite <name>']);
  const suiteOnly = (['set', 'seeds', 'data', 'cells'] as const).filter((k) => opts[k] !== undefined);
  if (suiteOnly.length > 0)
    throw new SpecError(
      'report',
      suiteOnly.map((k) => `--${k}: applies to a suite's report; give --suite <name>`),
    );
  const metas = ids.map((id) => store.open(id).meta());
  const input = compareReport(compareRuns(store, metas));
  if (!output.json) for (const t of input.comparisons ?? []) output.info(`\n${comparisonText(t)}`);
  await printAndWriteReport(input, opts.out ?? path.join('reports', 'runs'), output);
}

export function addReport(cli: Command): void {
  const cmd = cli
    .command('report')
    .argument('[runs...]', 'run ids (or unique prefixes)')
    .description('Write an HTML report (and print the tables) for a suite or for chosen runs.')
    .option('--suite <name>', 'report a suite’s cells next to the paper');
  addReadBackFlags(cmd)
    .option('--out <dir>', 'report folder (default: reports/<suite>/<preset> or reports/runs)')
    .option('--root <dir>', 'run store folder')
    .option('--json', 'machine-readable output')
    .action((ids: string[], opts: ReportOptions) => withStore(opts.root, (store) => report(store, ids, opts)));
}
