// The run executor: turns planned runs into finished run folders. A run that finished earlier (same
// spec and seed, so the same key) is reused, an interrupted or failed one resumes from its last
// checkpoint, the rest start afresh — in this process, or in worker processes (worker.ts), each
// training one stored run, when several runs go at once. It expands nothing: callers pass the runs
// of `expandRuns` (a spec's seeds and sweep points) or of a suite's cells.
//
// Signals: SIGINT or SIGTERM stops the run(s) in training at the step they reached, with a
// checkpoint there, marks them 'interrupted' and ends the process with code 130, so the next call
// resumes them from that step.
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { RunHandle, RunMeta, RunStore, RunSummary } from '../runs/index.js';
import type { RemoteExecutor } from './executors/types.js';
import type { RunSpec } from './spec.js';
import { trainRun } from './trainer.js';

/** One run to execute, and the labels its folder gets if it is created (e.g. suite, cell, preset). */
export interface PlannedRun {
  run: RunSpec;
  labels: Record<string, string>;
}

/**
 * What the executor reports, in this order: `plan`, a `cached` per reused run, then for each run
 * it trains `started`, `step`s and `finished` or `failed` (runs in parallel interleave).
 */
export type ExecutorEvent =
  | { kind: 'plan'; total: number; cached: number }
  | { kind: 'cached'; id: string }
  | { kind: 'started'; id: string; name: string; total: number; from: number }
  | { kind: 'step'; id: string; step: number; loss: number }
  | { kind: 'finished'; id: string; summary: RunSummary }
  | { kind: 'failed'; id: string; error: string };

export interface ExecutorOptions {
  store: RunStore;
  /** Runs trained at once: 1 (default) trains in this process; more fork that many worker processes. */
  parallel?: number;
  onEvent?: (event: ExecutorEvent) => void;
  /** libtorch threads per worker process (default: the cores shared out among the workers, at least 1). */
  threadsPerWorker?: number;
  /** Where the runs train instead of local worker processes: a Slurm job array or a Redis queue (executors/). */
  executor?: RemoteExecutor;
}

export interface ExecutorResult {
  /** Every planned run that is done: the reused ones first, then in the order they finished. */
  finished: RunMeta[];
  failed: { id: string; error: string }[];
  /** Runs handed to a remote executor that had not finished when it returned (submitted without waiting). */
  submitted?: { ids: string[]; note: string };
}

/** A stored run still to train: its id, name, step count and the checkpoint step it resumes from. */
export interface PendingRun {
  id: string;
  name: string;
  total: number;
  from: number;
}

/** What a worker process sends its parent over IPC (the protocol of worker.ts). */
export type WorkerMessage = { kind: 'step'; step: number; loss: number } | { kind: 'failed'; error: string };

/** Exit code of a process stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it). */
export const INTERRUPTED_EXIT_CODE = 130;

type Emit = (event: ExecutorEvent) => void;
type Outcome = { meta: RunMeta; summary: RunSummary } | { error: string };
type Train = (job: PendingRun) => Promise<Outcome>;

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What trainStoredRun and trainHandle may be told besides the run. */
export interface TrainHandleOptions {
  /**
   * Called when a SIGINT/SIGTERM stopped the run: its checkpoint at the signal's step is saved and
   * it is marked 'interrupted'; the process exits (code 130) right after (a Slurm task requeues itself here).
   */
  onInterrupted?: () => void;
}

/**
 * Trains one stored run in this process, resuming from its last checkpoint. A failure marks the
 * run failed with its message (and rethrows). SIGINT/SIGTERM stops it gracefully: the trainer
 * saves a checkpoint at the step it has reached, the run is marked interrupted, and the process
 * exits with code 130 (the next attempt resumes from that step, to the same final numbers).
 */
export async function trainStoredRun(
  store: RunStore,
  id: string,
  onStep?: (step: number, loss: number) => void,
  options: TrainHandleOptions = {},
): Promise<RunMeta> {
  return trainHandle(store.open(id), onStep, options);
}

/** trainStoredRun on an open run folder (a remote task opens the folder alone, never the store's index). */
export async function trainHandle(
  handle: RunHandle,
  onStep?: (step: number, loss: number) => void,
  options: TrainHandleOptions = {},
): Promise<RunMeta> {
  handle.setStatus('running');
  // The signal only sets a flag: the trainer sees it after the step in progress (the event loop
  // gets a turn every `yieldEvery` steps), checkpoints there and returns. Later signals (a
  // terminal's Ctrl-C reaches a worker both directly and forwarded by its parent) change nothing.
  let stopping = false;
  const onSignal = (): void => {
    stopping = true;
  };
  const interrupted = (): never => {
    handle.setStatus('interrupted');
    options.onInterrupted?.();
    process.exit(INTERRUPTED_EXIT_CODE);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await trainRun(handle.run, {
      sink: handle,
      yieldEvery: 10,
      stopRequested: () => stopping,
      ...(onStep ? { onStep } : {}),
    });
    if (result === undefined) {
      if (stopping) interrupted();
      throw new Error('training stopped before the end');
    }
    handle.writeSummary({ ...result });
    // A signal during the last steps: the run is done, but the process still stops (no next run).
    if (stopping) process.exit(INTERRUPTED_EXIT_CODE);
    return handle.meta();
  } catch (err) {
    handle.setStatus('failed', errorMessage(err));
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A planned run still to train; `start()` creates (or reopens) its folder, when it starts. */
export interface QueuedRun {
  name: string;
  total: number;
  start(): PendingRun;
}

/**
 * Sorts the planned runs into the finished ones (`done`) and those still to train (`queued`),
 * writing nothing: a run's folder appears when the run starts, so a plan of many runs stopped
 * early leaves no never-started folders behind. A run of the plan that is running elsewhere is an error.
 */
export function planRuns(store: RunStore, runs: PlannedRun[]): { queued: QueuedRun[]; done: RunMeta[] } {
  // A run whose process died (kill -9, a crash) still reads 'running': make it resumable first.
  store.recoverStale();
  const queued: QueuedRun[] = [];
  const done: RunMeta[] = [];
  const seen = new Set<string>();
  for (const planned of runs) {
    const key = store.runKey(planned.run);
    if (seen.has(key)) continue; // the same spec and seed twice in a plan is one run
    seen.add(key);
    const existing = store.findByKey(key);
    if (existing?.status === 'done') done.push(existing);
    else {
      if (existing?.status === 'running')
        throw new Error(`run ${existing.id} is already running (pid ${existing.pid ?? '?'})`);
      queued.push({
        name: planned.run.spec.name,
        total: planned.run.spec.train.iterations,
        start: () => pendingRun(store, planned, existing),
      });
    }
  }
  return { queued, done };
}

/** planRuns, with every queued run's folder created now (for executors that need them all up front). */
export function prepareRuns(store: RunStore, runs: PlannedRun[]): { todo: PendingRun[]; done: RunMeta[] } {
  const { queued, done } = planRuns(store, runs);
  return { todo: queued.map((q) => q.start()), done };
}

function pendingRun(store: RunStore, planned: PlannedRun, existing: RunMeta | undefined): PendingRun {
  // A damaged run whose spec.json is intact is repaired and resumed, not started again beside it.
  const handle =
    existing === undefined
      ? store.create(planned.run, planned.labels)
      : existing.status === 'damaged'
        ? store.repair(existing.id, planned.labels)
        : store.open(existing.id);
  const checkpoint = handle.latestCheckpoint();
  if (checkpoint) for (const t of checkpoint.tensors.values()) t.dispose();
  return {
    id: handle.id,
    name: planned.run.spec.name,
    total: planned.run.spec.train.iterations,
    from: checkpoint?.step ?? 0,
  };
}

/** Executes the planned runs; failures are reported (and returned), not thrown. */
export async function runExperiment(runs: PlannedRun[], options: ExecutorOptions): Promise<ExecutorResult> {
  const emit: Emit = options.onEvent ?? (() => {});
  const { store, executor } = options;
  // A remote executor that cannot take work (no sbatch, no queue) says so before any folder is written.
  await executor?.check();
  const { queued: todo, done } = planRuns(store, runs);
  emit({ kind: 'plan', total: todo.length + done.length, cached: done.length });
  for (const meta of done) emit({ kind: 'cached', id: meta.id });
  const result: ExecutorResult = { finished: [...done], failed: [] };
  if (executor !== undefined) {
    // A remote executor needs every run's folder up front.
    if (todo.length > 0)
      await executor.execute(
        todo.map((q) => q.start()),
        { store, emit, result },
      );
    return result;
  }
  const parallel = Math.max(1, Math.min(options.parallel ?? 1, todo.length));
  if (parallel === 1) {
    await drain(todo, 1, inProcess(store, emit), emit, result);
    return result;
  }
  const threads = options.threadsPerWorker ?? Math.max(1, Math.floor(availableParallelism() / parallel));
  const pool = new WorkerPool(store, emit, threads);
  const stop = pool.stopOnSignals();
  try {
    await drain(todo, parallel, (job) => pool.train(job), emit, result);
  } finally {
    stop();
  }
  return result;
}

/** Trains the queue with `lanes` runs at a time, reporting each run's start and end. */
async function drain(
  todo: QueuedRun[],
  lanes: number,
  train: Train,
  emit: Emit,
  result: ExecutorResult,
): Promise<void> {
  const queue = [...todo];
  const lane = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      let job: PendingRun;
      try {
        job = next.start(); // the run's folder appears now, when it starts
      } catch (err) {
        result.failed.push({ id: next.name, error: errorMessage(err) });
        emit({ kind: 'failed', id: next.name, error: errorMessage(err) });
        continue;
      }
      emit({ kind: 'started', ...job });
      const outcome = await train(job);
      if ('error' in outcome) {
        result.failed.push({ id: job.id, error: outcome.error });
        emit({ kind: 'failed', id: job.id, error: outcome.error });
      } else {
        result.finished.push(outcome.meta);
        emit({ kind: 'finished', id: job.id, summary: outcome.summary });
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

function inProcess(store: RunStore, emit: Emit): Train {
  return async (job) => {
    try {
      const meta = await trainStoredRun(store, job.id, (step, loss) => emit({ kind: 'step', id: job.id, step, loss }));
      return outcomeOf(meta);
    } catch (err) {
      return { error: errorMessage(err) };
    }
  };
}

function outcomeOf(meta: RunMeta): Outcome {
  if (meta.status !== 'done' || meta.summary === undefined)
    return { error: `run ${meta.id} ended with status '${meta.status}' and no summary` };
  return { meta, summary: meta.summary };
}

const WORKER_SCRIPT = new URL('./worker.js', import.meta.url);

/** Worker processes, one per run in training; forwards SIGINT/SIGTERM to them. */
class WorkerPool {
  readonly #live = new Set<ChildProcess>();
  /** The run each worker trains. */
  readonly #runs = new Map<ChildProcess, string>();
  #stopping = false;

  constructor(
    readonly store: RunStore,
    readonly emit: Emit,
    readonly threads: number,
  ) {}

  /** Trains one stored run in a new worker process. */
  train(job: PendingRun): Promise<Outcome> {
    const child = fork(WORKER_SCRIPT, [job.id, '--root', this.store.root], {
      env: { ...process.env, CLAB_THREADS: String(this.threads) },
      // A debugger or test-runner flag of this process must not make the worker a debuggee or a test.
      execArgv: process.execArgv.filter((a) => !/^--(inspect|test)/.test(a)),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.#live.add(child);
    this.#runs.set(child, job.id);
    let stderr = '';
    let reported: string | undefined;
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('message', (m: WorkerMessage) => {
      if (m.kind === 'step') this.emit({ kind: 'step', id: job.id, step: m.step, loss: m.loss });
      else reported = m.error;
    });
    return new Promise<Outcome>((resolve) => {
      // 'close' (not 'exit'): by then every IPC message and all of stderr have arrived.
      child.on('close', (code, signal) => {
        this.#live.delete(child);
        if (!this.#stopping) this.#runs.delete(child);
        if (this.#stopping) return; // the process is about to exit with the interrupted runs marked
        const why = reported ?? lastLines(stderr) ?? `worker exited with ${signal ?? `code ${code}`}`;
        resolve(code === 0 ? outcomeOf(this.store.open(job.id).meta()) : this.#failed(job.id, why));
      });
      child.on('error', (err) => {
        this.#live.delete(child);
        resolve(this.#failed(job.id, `worker process: ${err.message}`));
      });
    });
  }

  #markInterrupted(id: string): void {
    try {
      const handle = this.store.open(id);
      if (handle.meta().status === 'running') handle.setStatus('interrupted');
    } catch {
      // a damaged folder is listed as damaged by the next reindex; nothing to mark
    }
  }

  /** A worker that died without saying why (killed, crashed) leaves its run 'running': mark it failed. */
  #failed(id: string, error: string): Outcome {
    const handle = this.store.open(id);
    if (handle.meta().status === 'running') handle.setStatus('failed', error);
    return { error };
  }

  /** Until the returned function is called, SIGINT/SIGTERM interrupts the workers' runs, then exits. */
  stopOnSignals(): () => void {
    const onSignal = (signal: NodeJS.Signals): void => {
      this.#stopping = true;
      const closed = [...this.#live].map((child) => new Promise((resolve) => child.once('close', resolve)));
      // Each worker marks its run interrupted on the signal (a terminal's Ctrl-C reaches them too).
      for (const child of this.#live) child.kill(signal);
      const ids = [...this.#runs.values()];
      void Promise.all(closed).then(() => {
        // A worker killed before it could mark its run (the signal came as it started) leaves it
        // 'running': a stopped executor leaves no running run behind.
        for (const id of ids) this.#markInterrupted(id);
        process.exit(INTERRUPTED_EXIT_CODE);
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  }
}

function lastLines(text: string, n = 3): string | undefined {
  const tail = text.trim().split('\n').slice(-n).join(' ');
  return tail === '' ? undefined : tail;
}
