// `clab measure <run...> --metric …`: metrics a run's spec did not ask for, on its latest (for a
// finished run: final) checkpoint, without training again — e.g. the per-coordinate R² of a cell
// whose pooled R² needs explaining. Read-only: the run folder is not changed.
//
// Every run and metric is checked before any is measured; a metric that does not validate for a
// run's spec (an unknown option, labels its data lacks, a name used twice) exits with code 2.
import type { Command } from 'commander';
import YAML from 'yaml';
import { measureCheckpoint, SpecError, validateSpec, type MetricConfig } from '../../experiments/index.js';
import type { RunHandle } from '../../runs/index.js';
import { collect, withStore } from '../options.js';
import { Output } from '../output.js';

interface MeasureOptions {
  metric?: string[];
  root?: string;
  json?: boolean;
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
    const planned = ids.map((id) => {
      const handle = store.open(id);
      return { handle, metrics: metricsFor(handle, asked) };
    });
    for (const { handle, metrics } of planned) {
      const cp = handle.latestCheckpoint();
      if (cp === undefined)
        throw new Error(`run ${handle.id} has no checkpoint to measure (it stopped before its first)`);
      const final = cp.step === handle.run.spec.train.iterations;
      const step = cp.step;
      const values = measureCheckpoint(handle.run, cp, metrics);
      output.info(
        `${handle.id}  step ${step}${final ? '' : ' (NOT final: the run did not finish)'}  ${formatValues(values)}`,
        {
          event: 'measure',
          id: handle.id,
          step,
          final,
          metrics: values,
        },
      );
    }
  });
}

export function addMeasure(cli: Command): void {
  cli
    .command('measure')
    .argument('<runs...>', 'run ids or unique prefixes')
    .description(
      'Measure metrics a run’s spec did not ask for on its latest checkpoint (the held-out set rebuilt from its spec and seed), without training again.',
    )
    .option(
      '--metric <config>',
      'a metric kind (r2) or a YAML mapping ("{kind: r2, perFactor: true}"); repeatable',
      collect,
    )
    .option('--root <dir>', 'run store folder')
    .option('--json', 'one JSON object per run')
    .action((ids: string[], opts: MeasureOptions) => measure(ids, opts));
}
