// A queue worker: takes run jobs from Redis (BullMQ) and trains each in a child process (task.js),
// so its event loop stays free to renew the job's lock (a blocked loop makes the job look stalled
// and delivered twice). A worker killed mid-run loses its lock; after `lockSeconds` the job goes
// back to the queue and the next worker resumes it from the run's checkpoint (shared store) or
// trains it anew (its own store). Results travel back as the job's return value.
//
// @example
// const worker = await startQueueWorker({ url: 'redis://10.0.0.5:6379', root: '/shared/runs', concurrency: 2 });
// await worker.closed; // runs until stopped (SIGINT/SIGTERM)
import os from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { RunSpec } from '../spec.js';
import { RunStore, type RunHandle } from '../../runs/index.js';
import { INTERRUPTED_EXIT_CODE } from '../executor.js';
import { liveChildren, trainInChild } from './child.js';
import { checkReachable, parseQueueUrl, type QueueAddress } from './connection.js';
import type { RunJobData } from './queue.js';
import { existingFolder, openFolder, resultOf, type RemoteResult } from './run-folder.js';

export interface QueueWorkerOptions {
  url: string;
  /** This worker's run store: the coordinator's (shared filesystem) or its own. */
  root: string;
  /** Runs trained at once (default 1), each in its own child process. */
  concurrency?: number;
  /** libtorch threads per run (default: the cores shared out, at least 1). */
  threads?: number;
  /** How long a job's lock lasts without renewal: a dead worker's job returns after this (default 30 s). */
  lockSeconds?: number;
  /** One line per event (start, done, failed); default: stdout. */
  log?: (line: string) => void;
}

export interface QueueWorker {
  /** Resolves when the worker has stopped. */
  closed: Promise<void>;
  /** Stops taking jobs, interrupts the runs in training (their jobs go back to the queue) and closes. */
  stop(): Promise<void>;
}

/** The folder this worker trains a job in: the coordinator's (shared store) or one of its own store. */
function folderFor(root: string, data: RunJobData, localStore: () => RunStore): string {
  const shared = existingFolder(root, data.id, data.key);
  if (shared !== undefined) return shared;
  const store = localStore();
  const existing = store.findByKey(data.key);
  if (existing !== undefined) return existing.dir;
  const handle = store.create(data.run as RunSpec, data.labels);
  handle.setStatus('interrupted'); // created here, not yet in training
  return handle.dir;
}

/** What the job handler and stop() share: the settings, the lazily opened local store, the stopping flag. */
interface WorkerState {
  root: string;
  log: (line: string) => void;
  concurrency: number;
  threads: number;
  lockMs: number;
  store: RunStore | undefined;
  stopping: boolean;
}

/** The worker's state before its first job: the options with their defaults. */
function initialState(options: QueueWorkerOptions): WorkerState {
  const concurrency = options.concurrency ?? 1;
  return {
    root: options.root,
    log: options.log ?? ((line: string) => process.stdout.write(`${line}\n`)),
    concurrency,
    threads: options.threads ?? Math.max(1, Math.floor(os.availableParallelism() / concurrency)),
    lockMs: (options.lockSeconds ?? 30) * 1000,
    store: undefined,
    stopping: false,
  };
}

/** The step a folder's training resumes at (0: from the start); frees the checkpoint's tensors. */
function resumeStep(folder: RunHandle): number {
  const checkpoint = folder.latestCheckpoint();
  const from = checkpoint?.step ?? 0;
  if (checkpoint) for (const t of checkpoint.tensors.values()) t.dispose();
  return from;
}

/** Trains one job in a child process; resolves with its result (never, when the worker is stopping). */
async function processJob(state: WorkerState, job: Job<RunJobData>): Promise<RemoteResult> {
  const { log } = state;
  const dir = folderFor(state.root, job.data, () => (state.store ??= new RunStore(state.root)));
  const before = openFolder(dir);
  if (before.meta().status === 'done') return resultOf(before, os.hostname()); // delivered again after it finished
  const from = resumeStep(before);
  log(from > 0 ? `resume ${job.data.id} at step ${from}` : `start  ${job.data.id}`);
  await job.updateProgress({ from });
  const outcome = await trainInChild(
    dir,
    state.threads,
    (step, loss) => void job.updateProgress({ step, loss }).catch(() => {}),
  );
  // Stopping: never settle, so the job is not acknowledged and returns to the queue.
  if (state.stopping) return new Promise<never>(() => {});
  if (outcome.code !== 0) {
    log(`failed ${job.data.id}: ${outcome.error ?? 'unknown error'}`);
    throw new Error(outcome.error ?? `task exited with code ${outcome.code}`);
  }
  log(`done   ${job.data.id}`);
  return resultOf(openFolder(dir), os.hostname());
}

/** A BullMQ worker taking jobs from `address`'s queue, its errors logged. */
function createWorker(address: QueueAddress, state: WorkerState): Worker<RunJobData, RemoteResult> {
  const worker = new Worker<RunJobData, RemoteResult>(address.name, (job) => processJob(state, job), {
    connection: address.connection,
    concurrency: state.concurrency,
    lockDuration: state.lockMs,
    stalledInterval: Math.max(1000, state.lockMs / 2),
    // A job is redelivered after each worker death; give up only after many.
    maxStalledCount: 10,
  });
  worker.on('error', (err) => state.log(`queue error: ${err.message}`));
  return worker;
}

/** The running worker's handle: `closed`, and stop(), which interrupts the runs in training, then closes. */
function handleOf(worker: Worker<RunJobData, RemoteResult>, state: WorkerState): QueueWorker {
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const stop = async (): Promise<void> => {
    if (state.stopping) return closed;
    state.stopping = true;
    const exits = [...liveChildren].map((child) => new Promise((resolve) => child.once('close', resolve)));
    for (const child of liveChildren) child.kill('SIGTERM'); // each marks its run interrupted
    await Promise.all(exits);
    await worker.close(true); // force: the interrupted jobs stay unacknowledged and are redelivered
    state.store?.close();
    resolveClosed();
    return closed;
  };
  return { closed, stop };
}

/** Connects (a bad URL throws ExecutorUsageError, an unreachable Redis an Error) and starts taking jobs. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const address = parseQueueUrl(options.url);
  await checkReachable(address);
  const state = initialState(options);
  const worker = createWorker(address, state);
  await worker.waitUntilReady();
  const { concurrency, threads } = state;
  state.log(
    `worker on ${address.url} (queue '${address.name}'): ${concurrency} at a time, ${threads} thread${threads === 1 ? '' : 's'} each, store ${options.root}`,
  );
  return handleOf(worker, state);
}

export { INTERRUPTED_EXIT_CODE };
