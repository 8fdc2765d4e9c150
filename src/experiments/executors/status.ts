// Where the runs of a remote submission are: pending, running, done, failed (or unfinished: the
// scheduler no longer has them and they did not end). Run folders say done/failed; the scheduler
// (squeue) or the queue (BullMQ job states) says pending/running.
import path from 'node:path';
import { Queue } from 'bullmq';
import { readRunFolder, type RunStatus } from '../../runs/index.js';
import { parseQueueUrl } from './connection.js';
import type { JobRecord } from './jobs.js';
import { arrayStates } from './slurm.js';

export type RemoteState = 'pending' | 'running' | 'done' | 'failed' | 'unfinished';
export const REMOTE_STATES: readonly RemoteState[] = ['pending', 'running', 'done', 'failed', 'unfinished'];

function folderStatus(root: string, id: string): RunStatus | undefined {
  try {
    return readRunFolder(path.join(root, id)).meta.status;
  } catch {
    return undefined;
  }
}

/** The state of each run of a Slurm submission, by run id. */
export function slurmStates(root: string, record: JobRecord): Map<string, RemoteState> {
  const states = new Map<string, RemoteState>();
  // The latest array a run was submitted in decides its scheduler state.
  const where = new Map<string, { jobId: string; index: number }>();
  for (const job of record.slurmJobs ?? []) job.ids.forEach((id, index) => where.set(id, { jobId: job.jobId, index }));
  const squeue = new Map<string, Map<number, string>>();
  for (const id of record.ids) {
    const status = folderStatus(root, id);
    if (status === 'done' || status === 'failed') {
      states.set(id, status);
      continue;
    }
    const at = where.get(id);
    const tasks =
      at === undefined
        ? undefined
        : (squeue.get(at.jobId) ?? squeue.set(at.jobId, arrayStates(at.jobId)).get(at.jobId));
    const state = at === undefined ? undefined : tasks?.get(at.index);
    states.set(
      id,
      state === 'RUNNING' || state === 'COMPLETING' ? 'running' : state === undefined ? 'unfinished' : 'pending',
    );
  }
  return states;
}

/** The state of each run of a queue submission, by run id (the coordinator's folder, else the job). */
export async function queueStates(root: string, record: JobRecord): Promise<Map<string, RemoteState>> {
  const states = new Map<string, RemoteState>();
  if (record.queue === undefined) return states;
  const address = parseQueueUrl(record.queue.url);
  const queue = new Queue(record.queue.name, {
    connection: { ...address.connection, maxRetriesPerRequest: 1, retryStrategy: () => null },
  });
  try {
    for (const [i, id] of record.ids.entries()) {
      const status = folderStatus(root, id);
      if (status === 'done') {
        states.set(id, 'done');
        continue;
      }
      const jobId = record.queue.jobIds[i];
      const job = jobId === undefined ? undefined : await queue.getJob(jobId);
      const state = job === undefined ? 'unknown' : await job.getState();
      states.set(
        id,
        state === 'completed'
          ? 'done'
          : state === 'failed'
            ? 'failed'
            : state === 'active'
              ? 'running'
              : state === 'unknown'
                ? 'unfinished'
                : 'pending',
      );
    }
  } finally {
    await queue.close();
  }
  return states;
}

/** Counts of each state. */
export function countStates(states: Map<string, RemoteState>): Record<RemoteState, number> {
  const counts = { pending: 0, running: 0, done: 0, failed: 0, unfinished: 0 };
  for (const s of states.values()) counts[s]++;
  return counts;
}
