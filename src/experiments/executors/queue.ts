// The queue executor (coordinator side): each run still to train becomes one BullMQ job on Redis
// (its id, key, resolved spec and labels); `clab worker` processes on any machine take them. With
// `wait`, it reports the jobs' progress and records each result in the store as it arrives, so
// tables print even when the workers do not share the store's filesystem.
//
// @example
// const executor = new QueueExecutor({ url: 'redis://10.0.0.5:6379', wait: true });
// await runExperiment(planned, { store, executor });
import { Queue, QueueEvents } from 'bullmq';
import type { PendingRun } from '../executor.js';
import { checkReachable, parseQueueUrl, type QueueAddress } from './connection.js';
import { newRecord, writeRecord } from './jobs.js';
import { recordResult, type RemoteResult } from './run-folder.js';
import { sleep, type ExecuteContext, type RemoteExecutor } from './types.js';

export interface QueueOptions {
  /** redis://HOST:PORT[/DB][?queue=NAME] */
  url: string;
  /** Wait for every job and record its result; else return once enqueued. */
  wait?: boolean;
  /** While waiting, job states are also read this often, in case an event was missed (default 2000 ms). */
  pollMs?: number;
}

/** What a job carries: enough for a worker without the coordinator's filesystem to create the run. */
export interface RunJobData {
  id: string;
  key: string;
  run: unknown;
  labels: Record<string, string>;
}

export const JOB_NAME = 'run';

export class QueueExecutor implements RemoteExecutor {
  readonly name = 'queue' as const;
  readonly address: QueueAddress;

  /** Throws ExecutorUsageError (exit 2) for a URL that is not redis://HOST:PORT. */
  constructor(readonly options: QueueOptions) {
    this.address = parseQueueUrl(options.url);
  }

  check(): Promise<void> {
    return checkReachable(this.address);
  }

  async execute(todo: PendingRun[], context: ExecuteContext): Promise<void> {
    const { connection, name } = this.address;
    const queue = new Queue<RunJobData>(name, { connection });
    const events = this.options.wait ? new QueueEvents(name, { connection }) : undefined;
    try {
      // Listening before the jobs exist, so that no 'completed' can pass unseen.
      await events?.waitUntilReady();
      const stamp = Date.now().toString(36);
      const jobs = todo.map((job) => ({ job, jobId: `${job.id}.${stamp}` }));
      await queue.addBulk(
        jobs.map(({ job, jobId }) => ({
          name: JOB_NAME,
          data: this.#data(context, job.id),
          opts: { jobId, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } },
        })),
      );
      const record = newRecord(
        'queue',
        todo.map((r) => r.id),
      );
      record.queue = { url: this.address.url, name, jobIds: jobs.map((j) => j.jobId) };
      writeRecord(context.store.root, record);
      if (events === undefined) {
        context.result.submitted = {
          ids: record.ids,
          note: `${todo.length} job${todo.length === 1 ? '' : 's'} on ${this.address.url} (queue '${name}'); start workers with \`clab worker --queue ${this.address.url}\`, follow with \`clab status --root ${context.store.root}\``,
        };
        return;
      }
      await this.#follow(queue, events, jobs, context);
    } finally {
      await events?.close();
      await queue.close();
    }
  }

  #data(context: ExecuteContext, id: string): RunJobData {
    const handle = context.store.open(id);
    const meta = handle.meta();
    return { id, key: meta.key, run: handle.run, labels: meta.labels };
  }

  /** Reports progress and records results until every job has completed or failed. */
  async #follow(
    queue: Queue<RunJobData>,
    events: QueueEvents,
    jobs: { job: PendingRun; jobId: string }[],
    context: ExecuteContext,
  ): Promise<void> {
    const byJob = new Map(jobs.map((j) => [j.jobId, j.job]));
    const ended = new Set<string>();
    let wake: () => void = () => {};
    const complete = (jobId: string, value: unknown): void => {
      const job = byJob.get(jobId);
      if (job === undefined || ended.has(jobId)) return;
      ended.add(jobId);
      const result = (typeof value === 'string' ? JSON.parse(value) : value) as RemoteResult;
      const meta = recordResult(context.store, job.id, result);
      context.result.finished.push(meta);
      context.emit({ kind: 'finished', id: job.id, summary: result.summary });
      wake();
    };
    const fail = (jobId: string, reason: string): void => {
      const job = byJob.get(jobId);
      if (job === undefined || ended.has(jobId)) return;
      ended.add(jobId);
      const handle = context.store.open(job.id);
      if (handle.meta().status !== 'done') handle.setStatus('failed', reason);
      context.result.failed.push({ id: job.id, error: reason });
      context.emit({ kind: 'failed', id: job.id, error: reason });
      wake();
    };
    events.on('progress', ({ jobId, data }) => {
      const job = byJob.get(jobId);
      const p = data as { step?: number; loss?: number; from?: number };
      if (job === undefined || ended.has(jobId) || typeof p !== 'object') return;
      if (p.from !== undefined)
        context.emit({ kind: 'started', id: job.id, name: job.name, total: job.total, from: p.from });
      else if (p.step !== undefined && p.loss !== undefined)
        context.emit({ kind: 'step', id: job.id, step: p.step, loss: p.loss });
    });
    events.on('completed', ({ jobId, returnvalue }) => complete(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => fail(jobId, failedReason));
    while (ended.size < jobs.length) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        void sleep(this.options.pollMs ?? 2000).then(resolve);
      });
      await this.#reconcile(queue, jobs, ended, complete, fail);
    }
    context.store.reindex();
  }

  /** Reads the state of jobs not seen to end (an event lost with a dropped connection). */
  async #reconcile(
    queue: Queue<RunJobData>,
    jobs: { jobId: string }[],
    ended: Set<string>,
    complete: (id: string, v: unknown) => void,
    fail: (id: string, r: string) => void,
  ): Promise<void> {
    for (const { jobId } of jobs) {
      if (ended.has(jobId)) continue;
      const job = await queue.getJob(jobId);
      if (job === undefined) continue;
      const state = await job.getState();
      if (state === 'completed') complete(jobId, job.returnvalue);
      else if (state === 'failed') fail(jobId, job.failedReason);
    }
  }
}
