// `clab report`: the HTML report (and terminal tables) of a suite's runs or of chosen runs.
import path from 'node:path';
import type { Command } from 'commander';
import { SpecError } from '../../experiments/index.js';
import { loadSuite } from '../../experiments/suite.js';
import type { ReportInput } from '../../report/index.js';
import type { RunMeta, RunStore } from '../../runs/index.js';
import { collect, withStore } from '../options.js';
import { Output } from '../output.js';
import { suiteFile } from '../paths.js';
import { printAndWriteReport } from '../print-report.js';
import { suiteReport } from '../../report/suite-report.js';

interface ReportOptions {
  suite?: string;
  set?: string[];
  seeds?: string;
  data?: string;
  preset: string;
  out?: string;
  root?: string;
  json?: boolean;
}

const METRICS = ['r2', 'mcc', 'ape'];

type Sample = { truth: number[][]; recovered: number[][] } | undefined;

/** Final metrics, loss curves and (for 3-d latents) the recovered sphere of the chosen runs. */
function runsReportInput(store: RunStore, metas: RunMeta[]): ReportInput {
  return {
    title: `clab runs: ${metas.map((m) => m.id).join(', ')}`,
    generatedAt: new Date().toISOString(),
    environment: {},
    tables: [
      {
        id: 'runs',
        title: 'Final metrics',
        metric: 'r2',
        rows: metas.map((m) => m.id),
        columns: METRICS,
        ours: metas.flatMap((m) => METRICS.map((k) => ({ row: m.id, column: k, values: m.summary?.metrics[k] !== undefined ? [m.summary.metrics[k]] : [], runIds: [m.id] }))),
        published: {},
      },
    ],
    curves: [],
    lossCurves: metas.map((m) => ({
      runId: m.id,
      label: m.name,
      points: store
        .open(m.id)
        .readMetrics()
        .filter((r) => Number.isFinite(r['loss']))
        .map((r) => ({ step: r.step, loss: r['loss']! })),
    })),
    latentViews: metas.flatMap((m) => {
      const s = m.summary?.['sample'] as Sample;
      return s && s.truth[0]?.length === 3 && s.recovered[0]?.length === 3 ? [{ runId: m.id, label: m.name, truth: s.truth, recovered: s.recovered }] : [];
    }),
    theory: [],
    notes: [],
  };
}

async function report(store: RunStore, ids: string[], opts: ReportOptions): Promise<void> {
  const output = Output.fromProcess(Boolean(opts.json));
  if (opts.suite !== undefined) {
    // The same resolution as `reproduce`, so the report finds exactly the runs that command trained.
    const seeds = opts.seeds === undefined ? undefined : Number(opts.seeds);
    if (seeds !== undefined && (!Number.isInteger(seeds) || seeds < 1)) throw new SpecError('--seeds', [`--seeds: expected a positive integer, got '${opts.seeds}'`]);
    const suite = loadSuite(suiteFile(opts.suite), {
      preset: opts.preset,
      set: opts.set ?? [],
      ...(seeds !== undefined ? { seeds } : {}),
      ...(opts.data !== undefined ? { data: path.resolve(opts.data) } : {}),
    });
    return printAndWriteReport(await suiteReport(store, suite, opts.preset), opts.out ?? path.join('reports', suite.id, opts.preset), output);
  }
  if (ids.length === 0) throw new SpecError('report', ['give run ids or --suite <name>']);
  const metas = ids.map((id) => store.open(id).meta());
  await printAndWriteReport(runsReportInput(store, metas), opts.out ?? path.join('reports', 'runs'), output);
}

export function addReport(cli: Command): void {
  cli
    .command('report')
    .argument('[runs...]', 'run ids (or unique prefixes)')
    .description('Write an HTML report (and print the tables) for a suite or for chosen runs.')
    .option('--suite <name>', 'report a suite’s cells next to the paper')
    .option('--preset <name>', 'which preset’s runs of the suite', 'quick')
    .option('--set <key=value>', 'the overrides the suite was reproduced with (repeatable)', collect)
    .option('--seeds <n>', 'the --seeds the suite was reproduced with')
    .option('--data <path>', 'the --data the suite was reproduced with')
    .option('--out <dir>', 'report folder (default: reports/<suite>/<preset> or reports/runs)')
    .option('--root <dir>', 'run store folder')
    .option('--json', 'machine-readable output')
    .action((ids: string[], opts: ReportOptions) => withStore(opts.root, (store) => report(store, ids, opts)));
}
