// `clab run <spec>`: every seed and sweep point of one spec, through the library's executor — or,
// with --nproc (or as a rank of torchrun), as a data-parallel job (cli/distributed.ts).
import path from 'node:path';
import type { Command } from 'commander';
import { expandRuns, runExperiment, type ExperimentSpec, type PlannedRun } from '../../experiments/index.js';
import { checkDistributable } from '../../experiments/distributed/gather.js';
import { trainPlannedRuns } from '../../experiments/distributed/rank.js';
import { INTERRUPTED_EXIT_CODE } from '../../experiments/executor.js';
import type { ProcessGroupOptions } from '../../torch/index.js';
import {
  addDistributedOptions,
  asRank,
  launch,
  launchOf,
  rankEnvironment,
  refuseWithRanks,
  type DistributedFlags,
} from '../distributed.js';
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

export type RunCommandOptions = RunOptions & DistributedFlags;

/** Runs a spec file; the exit code is 1 when a run failed. */
export async function runSpecFile(file: string, options: RunCommandOptions): Promise<number> {
  const spec = readSpec(file, options);
  const rank = rankEnvironment(options);
  const ranks = rank === undefined ? launchOf(options) : undefined;
  if (rank !== undefined || ranks !== undefined) refuseWithRanks(options);
  const parallel = parallelism(options.parallel);
  const remote = executorOption(options);
  const runs = expandRuns(spec);
  const labels = { spec: path.basename(file), ...(options.preset ? { preset: options.preset } : {}) };
  if (rank !== undefined) return runAsRank(file, spec, runs, labels, options, rank);
  if (ranks !== undefined) {
    // Every problem a rank would meet with its share of the batch, before any rank starts.
    checkDistributable(
      runs.map((r) => r.spec),
      ranks.worldSize,
      file,
    );
    return launch(ranks, ['run', file, ...rankArguments(options)]);
  }
  const output = Output.fromProcess(Boolean(options.json));
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

/** The options every rank gets from the launcher (the spec's resolution must be the same on each). */
function rankArguments(options: RunCommandOptions): string[] {
  return [
    ...(options.set ?? []).flatMap((s) => ['--set', s]),
    ...(options.preset !== undefined ? ['--preset', options.preset] : []),
    ...(options.seeds !== undefined ? ['--seeds', options.seeds] : []),
    ...(options.root !== undefined ? ['--root', options.root] : []),
    ...(options.json ? ['--json'] : []),
  ];
}

/** This process is one rank: rank 0 plans against the store and reports; the others follow quietly. */
async function runAsRank(
  file: string,
  spec: ExperimentSpec,
  runs: ReturnType<typeof expandRuns>,
  labels: Record<string, string>,
  options: RunCommandOptions,
  rank: ProcessGroupOptions,
): Promise<number> {
  const worldSize = rank.worldSize;
  const planned: PlannedRun[] = runs.map((run) => ({ run: worldSize > 1 ? { ...run, worldSize } : run, labels }));
  checkDistributable(
    runs.map((r) => r.spec),
    worldSize,
    file,
  );
  return asRank(rank, async (group) => {
    if (group.rank !== 0) {
      const result = await trainPlannedRuns(planned, { group });
      return result.interrupted ? INTERRUPTED_EXIT_CODE : 0;
    }
    const output = Output.fromProcess(Boolean(options.json));
    return withStore(options.root, async (store) => {
      output.info(
        `${spec.name}: ${runs.length} run${runs.length === 1 ? '' : 's'} on ${worldSize} rank${worldSize === 1 ? '' : 's'} → ${store.root}`,
        { event: 'plan', name: spec.name, runs: runs.length, root: store.root, worldSize },
      );
      const result = await trainPlannedRuns(planned, { group, store, onEvent: (e) => output.event(e) });
      if (!options.json)
        for (const m of result.finished) output.info(`${m.id}\t${formatMetrics(m.summary?.metrics ?? {})}`);
      if (result.interrupted) return INTERRUPTED_EXIT_CODE;
      return result.failed.length > 0 ? 1 : 0;
    });
  });
}

export function addRun(cli: Command): void {
  addDistributedOptions(
    addRunOptions(
      cli
        .command('run')
        .argument('<spec>', 'experiment spec (YAML or JSON)')
        .description(
          'Run an experiment (all its seeds and sweep points); finished runs are reused, interrupted ones resumed.',
        ),
    ),
  ).action(async (spec: string, opts: RunCommandOptions) => {
    process.exitCode = await runSpecFile(spec, opts);
  });
}
