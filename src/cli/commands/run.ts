// `clab run <spec>`: every seed and sweep point of one spec, through the library's executor.
import path from 'node:path';
import type { Command } from 'commander';
import { expandRuns, runExperiment, type PlannedRun } from '../../experiments/index.js';
import {
  addRunOptions,
  executorOption,
  formatMetrics,
  parallelism,
  readSpec,
  withStore,
  type RunOptions,
} from '../options.js';
import { Output } from '../output.js';

/** Runs a spec file; the exit code is 1 when a run failed. */
export async function runSpecFile(file: string, options: RunOptions): Promise<number> {
  const spec = readSpec(file, options);
  const parallel = parallelism(options.parallel);
  const remote = executorOption(options);
  const runs = expandRuns(spec);
  const output = Output.fromProcess(Boolean(options.json));
  const labels = { spec: path.basename(file), ...(options.preset ? { preset: options.preset } : {}) };
  const planned: PlannedRun[] = runs.map((run) => ({ run, labels }));
  return withStore(options.root, async (store) => {
    output.info(`${spec.name}: ${runs.length} run${runs.length === 1 ? '' : 's'} → ${store.root}`, {
      event: 'plan',
      name: spec.name,
      runs: runs.length,
      root: store.root,
    });
    const { finished, failed, submitted } = await runExperiment(planned, {
      store,
      parallel,
      ...remote,
      onEvent: (e) => output.event(e),
    });
    if (submitted !== undefined)
      output.info(`submitted ${submitted.note}`, { event: 'submitted', ids: submitted.ids, note: submitted.note });
    if (!options.json) for (const m of finished) output.info(`${m.id}\t${formatMetrics(m.summary?.metrics ?? {})}`);
    return failed.length > 0 ? 1 : 0;
  });
}

export function addRun(cli: Command): void {
  addRunOptions(
    cli
      .command('run')
      .argument('<spec>', 'experiment spec (YAML or JSON)')
      .description(
        'Run an experiment (all its seeds and sweep points); finished runs are reused, interrupted ones resumed.',
      ),
  ).action(async (spec: string, opts: RunOptions) => {
    process.exitCode = await runSpecFile(spec, opts);
  });
}
