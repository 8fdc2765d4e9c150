// `clab resume <run>`: one stored run, by id, from its last checkpoint to the end. A run trained by
// several data-parallel ranks resumes with as many (started here with its --nproc, or by
// torchrun with the same WORLD_SIZE).
import type { Command } from 'commander';
import { SpecError, trainStoredRun } from '../../experiments/index.js';
import { resumeStoredRun } from '../../experiments/distributed/rank.js';
import { INTERRUPTED_EXIT_CODE } from '../../experiments/executor.js';
import type { RunStore } from '../../runs/index.js';
import {
  addDistributedOptions,
  asRank,
  launch,
  launchOf,
  rankEnvironment,
  type DistributedFlags,
} from '../distributed.js';
import { withStore } from '../options.js';
import { Output } from '../output.js';

type ResumeOptions = { root?: string; json?: boolean } & DistributedFlags;

/** The run to resume, or undefined (after saying so) when it already finished. */
function resumable(store: RunStore, id: string, output: Output): string | undefined {
  store.recoverStale();
  const meta = store.open(id).meta();
  if (meta.status === 'done') {
    output.info(`${meta.id} already finished`, { event: 'cached', id: meta.id });
    return undefined;
  }
  if (meta.status === 'running')
    throw new Error(`run ${meta.id} is running (pid ${meta.pid ?? '?'}); nothing to resume`);
  return meta.id;
}

async function resume(store: RunStore, id: string, output: Output): Promise<void> {
  const runId = resumable(store, id, output);
  if (runId === undefined) return;
  const handle = store.open(runId);
  const meta = handle.meta();
  const cp = handle.latestCheckpoint();
  const from = cp?.step ?? 0;
  if (cp) for (const t of cp.tensors.values()) t.dispose();
  output.event({ kind: 'plan', total: 1, cached: 0 });
  output.event({ kind: 'started', id: meta.id, name: meta.name, total: handle.run.spec.train.iterations, from });
  // A failure is thrown (exit code 1 with its message), after the run has been marked failed.
  const done = await trainStoredRun(store, meta.id, (step, loss) =>
    output.event({ kind: 'step', id: meta.id, step, loss }),
  );
  if (done.summary !== undefined) output.event({ kind: 'finished', id: done.id, summary: done.summary });
}

async function resumeCommand(id: string, opts: ResumeOptions): Promise<number> {
  const rank = rankEnvironment(opts);
  if (rank !== undefined)
    // One rank of the job: rank 0 names the run, the others train whatever rank 0 announces.
    return asRank(rank, async (group) => {
      if (group.rank !== 0) {
        const result = await resumeStoredRun(undefined, { group });
        return result.interrupted ? INTERRUPTED_EXIT_CODE : 0;
      }
      const output = Output.fromProcess(Boolean(opts.json));
      return withStore(opts.root, async (store) => {
        // Already finished: the other ranks are told there is nothing to train.
        const runId = resumable(store, id, output);
        const result = await resumeStoredRun(runId, { group, store, onEvent: (e) => output.event(e) });
        if (result.interrupted) return INTERRUPTED_EXIT_CODE;
        return result.failed.length > 0 ? 1 : 0;
      });
    });
  const output = Output.fromProcess(Boolean(opts.json));
  return withStore(opts.root, async (store) => {
    const handle = store.open(id);
    const worldSize = handle.run.worldSize ?? 1;
    const perNode = worldSize / Number(opts.nnodes ?? 1);
    const ranks = launchOf(opts, worldSize > 1 && Number.isInteger(perNode) ? perNode : undefined);
    if (ranks === undefined) {
      await resume(store, id, output);
      return 0;
    }
    if (ranks.worldSize !== worldSize)
      throw new SpecError('--nproc', [
        `--nproc: run ${handle.id} was trained by ${worldSize} rank${worldSize === 1 ? '' : 's'}; it resumes only with the same number (--nproc × --nnodes = ${worldSize})`,
      ]);
    if (resumable(store, id, output) === undefined) return 0;
    return launch(ranks, ['resume', handle.id, '--root', store.root, ...(opts.json ? ['--json'] : [])]);
  });
}

export function addResume(cli: Command): void {
  addDistributedOptions(
    cli
      .command('resume')
      .argument('<run>', 'run id or unique prefix')
      .description(
        'Resume an interrupted run from its last checkpoint; it ends with the same numbers as an uninterrupted run.',
      )
      .option('--root <dir>', 'run store folder')
      .option('--json', 'machine-readable output'),
  ).action(async (id: string, opts: ResumeOptions) => {
    process.exitCode = await resumeCommand(id, opts);
  });
}
