// `clab measure <run...> --metric …`: metrics a run's spec did not ask for, on its latest (for a
// finished run: final) checkpoint, without training again — e.g. the per-coordinate R² of a cell
// whose pooled R² needs explaining. Read-only: the run folder is not changed.
//
// The runs are named by id, or picked as `clab report --suite` picks them (--suite with the flags
// `reproduce` was given, and --cells): every finished run of the chosen cells, with each cell's mean.
// Every run and metric is checked before any is measured; a metric that does not validate for a
// run's spec (an unknown option, labels its data lacks, a name used twice) exits with code 2.
import type { Command } from 'commander';
import YAML from 'yaml';
import { measureCheckpoint, SpecError, validateSpec, type MetricConfig } from '../../experiments/index.js';
import { loadSuite } from '../../experiments/suite.js';
import type { RunHandle, RunStore } from '../../runs/index.js';
import { meanStd } from '../../report/compare.js';
import { suiteRuns } from '../../report/suite-report.js';
import { collect, withStore } from '../options.js';
import { Output } from '../output.js';
import { listSuites, suiteFile } from '../paths.js';
import { addReadBackFlags, suiteOptionsOf, type SuiteFlags } from '../suite-options.js';

interface MeasureOptions extends SuiteFlags {
  metric?: string[];
  suite?: string;
  root?: string;
  json?: boolean;
}

/** A run to measure, with the suite cell it belongs to when picked by --suite. */
interface Target {
  handle: RunHandle;
  cell?: string;
}

/** A --metric value as written: a kind name (`r2`) or a YAML/JSON mapping (`{kind: r2, perFactor: true}`). */
function parseMetric(text: string): unknown {
  try {
    return YAML.parse(text) as unknown;
  } catch {
    throw new SpecError('--metric', [`--metric: '${text}' is neither a metric kind nor a YAML mapping`]);
  }
}

/** The metrics validated against the run's own spec (so every check a spec's metrics get applies). */
function metricsFor(handle: RunHandle, metrics: unknown[]): MetricConfig[] {
  const { spec } = handle.run;
  const probe = { ...spec, eval: { ...spec.eval, metrics } };
  return validateSpec(probe, `--metric (run ${handle.id})`).eval.metrics;
}

/** The runs named on the command line, or every finished run of the suite's chosen cells. */
function targetsOf(store: RunStore, ids: string[], opts: MeasureOptions): Target[] {
  if (opts.suite === undefined) {
    if (ids.length === 0) throw new SpecError('measure', ['give run ids or --suite <name>']);
    const suiteOnly = (['set', 'seeds', 'data', 'cells'] as const).filter((k) => opts[k] !== undefined);
    if (suiteOnly.length > 0)
      throw new SpecError(
        'measure',
        suiteOnly.map((k) => `--${k}: picks a suite's runs; give --suite <name>`),
      );
    return ids.map((id) => ({ handle: store.open(id) }));
  }
  if (ids.length > 0) throw new SpecError('measure', ['give run ids or --suite <name>, not both']);
  let file: string;
  try {
    file = suiteFile(opts.suite);
  } catch {
    throw new SpecError('--suite', [`--suite: got '${opts.suite}'; allowed values: ${listSuites().join(', ')}`]);
  }
  // The same resolution as `reproduce`, so these are exactly the runs that command trained.
  const suite = loadSuite(file, suiteOptionsOf(opts));
  const targets = [...suiteRuns(store, suite)].flatMap(([cell, metas]) =>
    metas.sort((a, b) => a.seed - b.seed).map((m) => ({ handle: store.open(m.id), cell })),
  );
  if (targets.length === 0)
    throw new Error(`no finished run of ${suite.id} at preset '${opts.preset ?? 'quick'}' in this store`);
  return targets;
}

/** Per cell, each metric's mean ± sample std over its runs (text output of --suite). */
function cellMeans(measured: { cell?: string; values: Record<string, number> }[]): string[] {
  const byCell = new Map<string, Record<string, number>[]>();
  for (const m of measured) if (m.cell !== undefined) byCell.set(m.cell, [...(byCell.get(m.cell) ?? []), m.values]);
  return [...byCell].map(([cell, rows]) => {
    const parts = Object.keys(rows[0] ?? {}).map((k) => `${k}=${meanStd(rows.map((r) => r[k] ?? Number.NaN))}`);
    return `${cell}  ${parts.join('  ')}`;
  });
}

function formatValues(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v.toFixed(4)}`)
    .join('  ');
}

function measure(ids: string[], opts: MeasureOptions): Promise<void> {
  const asked = (opts.metric ?? []).map(parseMetric);
  if (asked.length === 0)
    throw new SpecError('--metric', [
      'give at least one --metric, e.g. --metric r2 or --metric "{kind: r2, perFactor: true}"',
    ]);
  return withStore(opts.root, (store) => {
    const output = Output.fromProcess(Boolean(opts.json));
    const planned = targetsOf(store, ids, opts).map((t) => ({ ...t, metrics: metricsFor(t.handle, asked) }));
    const measured: { cell?: string; values: Record<string, number> }[] = [];
    for (const { handle, cell, metrics } of planned) {
      const cp = handle.latestCheckpoint();
      if (cp === undefined)
        throw new Error(`run ${handle.id} has no checkpoint to measure (it stopped before its first)`);
      const { step } = cp;
      const final = step === handle.run.spec.train.iterations;
      const values = measureCheckpoint(handle.run, cp, metrics);
      measured.push({ ...(cell !== undefined ? { cell } : {}), values });
      const where = `${cell !== undefined ? `${cell}  ` : ''}${handle.id}  step ${step}`;
      output.info(`${where}${final ? '' : ' (NOT final: the run did not finish)'}  ${formatValues(values)}`, {
        event: 'measure',
        id: handle.id,
        ...(cell !== undefined ? { cell } : {}),
        step,
        final,
        metrics: values,
      });
    }
    if (!output.json && opts.suite !== undefined)
      output.info(['', 'mean ± std per cell:', ...cellMeans(measured)].join('\n'));
  });
}

export function addMeasure(cli: Command): void {
  const cmd = cli
    .command('measure')
    .argument('[runs...]', 'run ids or unique prefixes')
    .description(
      'Measure metrics a run’s spec did not ask for on its latest checkpoint (the held-out set rebuilt from its spec and seed), without training again.',
    )
    .option(
      '--metric <config>',
      'a metric kind (r2) or a YAML mapping ("{kind: r2, perFactor: true}"); repeatable',
      collect,
    )
    .option('--suite <name>', 'every finished run of a suite (as `clab report --suite` finds them), not run ids');
  addReadBackFlags(cmd)
    .option('--root <dir>', 'run store folder')
    .option('--json', 'one JSON object per run')
    .action((ids: string[], opts: MeasureOptions) => measure(ids, opts));
}
