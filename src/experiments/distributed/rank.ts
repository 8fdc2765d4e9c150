// One rank's part in a data-parallel job (issue 13), whoever started the ranks (`clab run --nproc`,
// torchrun, Slurm): rank 0 plans the runs against the run store, creates their folders, and for
// each run to train tells the other ranks which (a broadcast of the resolved run), then every rank
// trains it together; rank 0 alone writes metrics, checkpoints and the summary. The other ranks
// never open the store, so they may run on machines without it.
//
// A failure of any rank ends the job: the failing rank reports and exits, and the others fail
// within the timeout (at once when a peer process ends) — except a divergence, which every rank
// detects at the same step (the loss and the gradients are global): that run is marked failed and
// the job goes on with the next. SIGINT/SIGTERM on any rank stops every rank at the same step, with
// a checkpoint there (the stop flag travels with the loss all-reduce); the run is marked interrupted.
import type { RunHandle, RunMeta, RunStore } from '../../runs/index.js';
import { runKey } from '../../runs/ids.js';
import type { ProcessGroup } from '../../torch/index.js';
import { DivergenceError } from '../divergence.js';
import { errorMessage, planRuns, type ExecutorEvent, type ExecutorResult, type PlannedRun } from '../executor.js';
import type { RunSpec } from '../spec.js';
import { trainRun } from '../trainer.js';
import { broadcastJson } from './channel.js';
import { DataParallel } from './data-parallel.js';
import { RankSink } from './rank-sink.js';

/** What rank 0 tells the others before each run, and at the end. */
type Announcement = { kind: 'run'; run: RunSpec } | { kind: 'end' };

export interface RankOptions {
  group: ProcessGroup;
  /** The run store: on rank 0 only. */
  store?: RunStore;
  /** Progress events (rank 0). */
  onEvent?: (event: ExecutorEvent) => void;
}

export interface RankResult extends ExecutorResult {
  /** A signal stopped the job; the run in training was checkpointed and marked interrupted. */
  interrupted?: boolean;
}

/** SIGINT/SIGTERM set a flag (the ranks then stop together) instead of ending the process. */
function stopFlag(): { requested: () => boolean; release: () => void } {
  let stop = false;
  const onSignal = (): void => {
    stop = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    requested: () => stop,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function checkWorldSize(run: RunSpec, group: ProcessGroup): void {
  const size = run.worldSize ?? 1;
  if (size !== group.worldSize)
    throw new Error(
      `this run is trained by ${size} rank${size === 1 ? '' : 's'}, but ${group.worldSize} ranks were started: it resumes only with the same number (--nproc × --nnodes = ${size})`,
    );
}

/** Trains one announced run on this rank; undefined when the ranks were stopped by a signal. */
async function trainOnRank(
  run: RunSpec,
  group: ProcessGroup,
  sink: RankSink,
  localStop: () => boolean,
  onStep?: (step: number, loss: number) => void,
): Promise<Awaited<ReturnType<typeof trainRun>>> {
  const parallel = new DataParallel(group, run.spec, { localStop });
  return trainRun(run, {
    sink,
    parallel,
    yieldEvery: 10,
    stopRequested: () => parallel.stopRequested,
    ...(onStep ? { onStep } : {}),
  });
}

/**
 * Rank 0: trains the given runs (opened or created in the store by `open`) with the other ranks.
 * The others: follows rank 0's announcements; `expected` (the run keys this rank would plan from
 * its own spec) catches ranks started with different specs or options.
 */
async function lead(
  jobs: { open: () => RunHandle }[],
  done: RunMeta[],
  options: RankOptions & { store: RunStore },
): Promise<RankResult> {
  const { group } = options;
  const emit = options.onEvent ?? (() => {});
  const result: RankResult = { finished: [...done], failed: [] };
  const stop = stopFlag();
  try {
    for (const job of jobs) {
      const handle = job.open();
      checkWorldSize(handle.run, group);
      broadcastJson<Announcement>(group, { kind: 'run', run: handle.run });
      const checkpoint = handle.latestCheckpoint();
      const from = checkpoint?.step ?? 0;
      if (checkpoint) for (const t of checkpoint.tensors.values()) t.dispose();
      emit({
        kind: 'started',
        id: handle.id,
        name: handle.run.spec.name,
        total: handle.run.spec.train.iterations,
        from,
      });
      handle.setStatus('running');
      try {
        const trained = await trainOnRank(
          handle.run,
          group,
          new RankSink(group, handle),
          stop.requested,
          (step, loss) => emit({ kind: 'step', id: handle.id, step, loss }),
        );
        if (trained === undefined) {
          handle.setStatus('interrupted');
          return { ...result, interrupted: true };
        }
        handle.writeSummary({ ...trained });
        const meta = handle.meta();
        result.finished.push(meta);
        emit({ kind: 'finished', id: handle.id, summary: meta.summary! });
      } catch (err) {
        handle.setStatus('failed', errorMessage(err));
        if (!(err instanceof DivergenceError)) throw err;
        result.failed.push({ id: handle.id, error: errorMessage(err) });
        emit({ kind: 'failed', id: handle.id, error: errorMessage(err) });
      }
    }
    broadcastJson<Announcement>(group, { kind: 'end' });
    group.barrier();
    return result;
  } finally {
    stop.release();
  }
}

async function follow(group: ProcessGroup, expected: Set<string> | undefined): Promise<RankResult> {
  const stop = stopFlag();
  try {
    for (;;) {
      const message = broadcastJson<Announcement>(group);
      if (message.kind === 'end') break;
      const { run } = message;
      if (expected !== undefined && !expected.has(runKey(run)))
        throw new Error(
          `rank 0 trains a run (${run.spec.name}, seed ${run.seed}) that this rank's spec does not plan: start every rank with the same spec, options and clab version`,
        );
      checkWorldSize(run, group);
      try {
        const trained = await trainOnRank(run, group, new RankSink(group), stop.requested);
        if (trained === undefined) return { finished: [], failed: [], interrupted: true };
      } catch (err) {
        // Every rank sees a divergence at the same step; rank 0 records it and goes on.
        if (!(err instanceof DivergenceError)) throw err;
      }
    }
    group.barrier();
    return { finished: [], failed: [] };
  } finally {
    stop.release();
  }
}

/**
 * Trains the planned runs (each with `run.worldSize` = the group's size) as one rank of the group:
 * rank 0 (with `store`) reuses finished runs, resumes interrupted ones and reports progress; the
 * other ranks follow. Resolves when every run is done; throws on any failure but a divergence.
 */
export async function trainPlannedRuns(planned: PlannedRun[], options: RankOptions): Promise<RankResult> {
  const { group, store } = options;
  if (group.rank !== 0) return follow(group, new Set(planned.map((p) => runKey(p.run))));
  if (store === undefined) throw new TypeError('trainPlannedRuns(): rank 0 needs the run store');
  const emit = options.onEvent ?? (() => {});
  const { queued, done } = planRuns(store, planned);
  emit({ kind: 'plan', total: queued.length + done.length, cached: done.length });
  for (const meta of done) emit({ kind: 'cached', id: meta.id });
  return lead(
    queued.map((q) => ({ open: () => store.open(q.start().id) })),
    done,
    { ...options, store },
  );
}

/**
 * Resumes one stored run: rank 0 names it (undefined: nothing to train, the others are told so);
 * the other ranks train whatever rank 0 announces.
 */
export async function resumeStoredRun(id: string | undefined, options: RankOptions): Promise<RankResult> {
  const { group, store } = options;
  if (group.rank !== 0) return follow(group, undefined);
  if (store === undefined) throw new TypeError('resumeStoredRun(): rank 0 needs the run store');
  if (id !== undefined) options.onEvent?.({ kind: 'plan', total: 1, cached: 0 });
  return lead(id === undefined ? [] : [{ open: () => store.open(id) }], [], { ...options, store });
}
