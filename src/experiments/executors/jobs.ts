// Records of remote submissions, kept in the store under .clab-jobs/ (a hidden folder, so the
// store's reindex never takes it for a run): what `clab status` reads to find arrays and queues.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeJsonAtomic } from '../../io/index.js';

export const JOBS_DIR = '.clab-jobs';

/** One submission: its runs and where they went. */
export interface JobRecord {
  /** File name stem, unique in the store. */
  name: string;
  executor: 'slurm' | 'queue';
  submittedAt: string;
  host: string;
  pid: number;
  /** Run ids in the coordinator's store (Slurm: the array index is the position). */
  ids: string[];
  /** Slurm: the job ids of the array and of each resubmission of unfinished runs. */
  slurmJobs?: { jobId: string; ids: string[] }[];
  /** Queue: the Redis URL, queue name and the job of each run (same order as ids). */
  queue?: { url: string; name: string; jobIds: string[] };
}

/** The folder where Slurm submissions keep their batch script, manifest and task logs. */
export function submissionDir(root: string, name: string): string {
  const dir = path.join(root, JOBS_DIR, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A new record (not yet written) for runs `ids` sent to `executor`. */
export function newRecord(executor: JobRecord['executor'], ids: string[]): JobRecord {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    name: `${stamp}-${executor}-${process.pid}`,
    executor,
    submittedAt: new Date().toISOString(),
    host: os.hostname(),
    pid: process.pid,
    ids,
  };
}

export function writeRecord(root: string, record: JobRecord): void {
  fs.mkdirSync(path.join(root, JOBS_DIR), { recursive: true });
  writeJsonAtomic(path.join(root, JOBS_DIR, `${record.name}.json`), record);
}

/** Every record in the store, newest first. */
export function readRecords(root: string): JobRecord[] {
  const dir = path.join(root, JOBS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as JobRecord)
    .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
}
