// The Slurm executor: the runs, already written to the store (a folder every node sees), become
// ONE job array (`sbatch --array=0-N%P`); task i trains run ids[i] with task.js, resuming from
// its checkpoint. With `wait`, it follows the array (squeue and the run folders) and, when the
// array has ended, submits the runs left unfinished (a cancelled or killed task) again, up to
// `rounds` times; a run that failed in training (e.g. diverged) is not retried.
//
// Preemption and time limits: the array is submitted `--requeue`. SIGTERM — a preemption, `scancel
// --signal=TERM --batch`, the requeue below — stops a task after the step in progress with a
// checkpoint at that step (task.js); a task Slurm still counts running then requeues itself
// (`scontrol requeue <job>_<task>`), and the requeued task resumes from that checkpoint, in the
// same array. Ahead of the time limit Slurm sends SIGUSR1 (`--signal=B:USR1@signalLeadSeconds`):
// the task requeues itself, and the SIGTERM of the requeue checkpoints it. A plain `scancel` stays
// a cancel (the run is checkpointed, not requeued; `wait` submits it again).
//
// @example
// const executor = new SlurmExecutor({ sbatchArgs: ['--partition=cpu', '--time=02:00:00'], arrayLimit: 8, wait: true });
// await runExperiment(planned, { store, executor });
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readRunFolder, type RunMeta } from '../../runs/index.js';
import type { PendingRun } from '../executor.js';
import { newRecord, submissionDir, writeRecord, type JobRecord } from './jobs.js';
import type { ArrayManifest } from './task.js';
import { ExecutorUsageError, sleep, type ExecuteContext, type RemoteExecutor } from './types.js';

export interface SlurmOptions {
  /** Array tasks running at once (the `%P` of `--array`); default: as many as Slurm allows. */
  arrayLimit?: number;
  /** Extra sbatch arguments (`--slurm "…"`), after clab's own so that they win. */
  sbatchArgs?: string[];
  /** Follow the array to its end (and resubmit unfinished runs); else return once submitted. */
  wait?: boolean;
  /** How often squeue and the run folders are read while waiting (default 1000 ms). */
  pollMs?: number;
  /** Submissions of the same runs at most (default 3): a cancelled task's run goes again. */
  rounds?: number;
  /**
   * Seconds before the time limit at which Slurm sends SIGUSR1 (the task requeues itself, then
   * checkpoints on the requeue's SIGTERM within Slurm's KillWait); default 120.
   */
  signalLeadSeconds?: number;
}

const TASK_SCRIPT = new URL('./task.js', import.meta.url).pathname;

/** Runs a Slurm client command; a missing command is a usage error, a failing one a runtime error. */
function slurm(command: string, args: string[]): string {
  const out = spawnSync(command, args, { encoding: 'utf8' });
  if (out.error !== undefined) {
    if ((out.error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ExecutorUsageError(
        `--executor slurm: \`${command}\` not found on PATH (install Slurm's client tools, or use --executor local)`,
      );
    throw out.error;
  }
  if (out.status !== 0)
    throw new Error(`${command} failed: ${(out.stderr || out.stdout).trim().split('\n')[0] ?? `exit ${out.status}`}`);
  return out.stdout;
}

/** The batch script: one array task trains one run (task.js picks it from the manifest). */
function batchScript(manifest: string, threadsDefault: number): string {
  return [
    '#!/bin/sh',
    '# Written by clab: one array task trains one stored run, resuming from its checkpoint.',
    `export CLAB_THREADS="\${SLURM_CPUS_PER_TASK:-${threadsDefault}}"`,
    // exec: node is the batch step's main process and receives Slurm's signals itself.
    `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(TASK_SCRIPT)} --manifest ${JSON.stringify(manifest)}`,
    '',
  ].join('\n');
}

/** Array task states from squeue, by array index (an ended array lists nothing). */
export function arrayStates(jobId: string): Map<number, string> {
  const states = new Map<number, string>();
  let out: string;
  try {
    out = slurm('squeue', ['-h', '-r', '-j', jobId, '-o', '%K|%T']);
  } catch (err) {
    if (err instanceof ExecutorUsageError) throw err;
    return states; // "Invalid job id": the array ended and left the controller's memory
  }
  for (const line of out.split('\n')) {
    const [index, state] = line.trim().split('|');
    if (index !== undefined && state !== undefined && /^\d+$/.test(index)) states.set(Number(index), state);
  }
  return states;
}

export class SlurmExecutor implements RemoteExecutor {
  readonly name = 'slurm' as const;

  constructor(readonly options: SlurmOptions = {}) {}

  async check(): Promise<void> {
    slurm('sbatch', ['--version']);
    if (this.options.wait) slurm('squeue', ['--version']);
    return Promise.resolve();
  }

  async execute(todo: PendingRun[], context: ExecuteContext): Promise<void> {
    const { store } = context;
    const record = newRecord(
      'slurm',
      todo.map((r) => r.id),
    );
    record.slurmJobs = [];
    let ids = record.ids;
    const rounds = this.options.rounds ?? 3;
    for (let round = 1; ; round++) {
      const jobId = this.#submit(store.root, record, ids);
      if (!this.options.wait) {
        context.result.submitted = {
          ids,
          note: `Slurm job array ${jobId}: ${ids.length} run${ids.length === 1 ? '' : 's'}; follow it with \`clab status --root ${store.root}\``,
        };
        return;
      }
      const left = await this.#follow(jobId, ids, context);
      if (left.length === 0 || round >= rounds) {
        for (const meta of left)
          context.result.failed.push({
            id: meta.id,
            error: meta.error ?? `unfinished after ${rounds} Slurm submissions (status '${meta.status}')`,
          });
        for (const meta of left)
          context.emit({ kind: 'failed', id: meta.id, error: meta.error ?? `unfinished (status '${meta.status}')` });
        break;
      }
      ids = left.map((m) => m.id);
    }
    store.reindex(); // the tasks wrote only their folders; the index catches up here
  }

  /** Writes the manifest and batch script of `ids` and submits them as one array; returns the job id. */
  #submit(root: string, record: JobRecord, ids: string[]): string {
    const dir = submissionDir(root, `${record.name}-${record.slurmJobs?.length ?? 0}`);
    const manifest = path.join(dir, 'array.json');
    fs.writeFileSync(manifest, JSON.stringify({ root, ids } satisfies ArrayManifest));
    const script = path.join(dir, 'array.sh');
    fs.writeFileSync(script, batchScript(manifest, 1), { mode: 0o755 });
    const limit =
      this.options.arrayLimit === undefined ? '' : `%${Math.max(1, Math.min(this.options.arrayLimit, ids.length))}`;
    const args = [
      '--parsable',
      `--array=0-${ids.length - 1}${limit}`,
      '--job-name=clab',
      `--output=${path.join(dir, '%A_%a.out')}`,
      `--signal=B:USR1@${this.options.signalLeadSeconds ?? 120}`,
      '--requeue',
      ...(this.options.sbatchArgs ?? []),
      script,
    ];
    const jobId = slurm('sbatch', args).trim().split(';')[0] ?? '';
    if (!/^\d+$/.test(jobId)) throw new Error(`sbatch printed no job id (got '${jobId}')`);
    record.slurmJobs?.push({ jobId, ids });
    writeRecord(root, record);
    return jobId;
  }

  /** Reports the array's runs as they start and end; returns the metas of those it left unfinished. */
  async #follow(jobId: string, ids: string[], context: ExecuteContext): Promise<RunMeta[]> {
    const reported = new Set<string>();
    const started = new Set<string>();
    const metaOf = (id: string): RunMeta => readRunFolder(path.join(context.store.root, id)).meta;
    for (;;) {
      const live = arrayStates(jobId).size > 0;
      for (const id of ids) {
        if (reported.has(id)) continue;
        const meta = metaOf(id);
        if (meta.status === 'running' && meta.pid !== process.pid && !started.has(id)) {
          started.add(id);
          context.emit({
            kind: 'started',
            id,
            name: meta.name,
            total: readRunFolder(meta.dir).run.spec.train.iterations,
            from: 0,
          });
        }
        if (meta.status === 'done' && meta.summary !== undefined) {
          reported.add(id);
          context.result.finished.push(meta);
          context.emit({ kind: 'finished', id, summary: meta.summary });
        } else if (meta.status === 'failed' && !live) {
          reported.add(id); // failed in training (a task that is cancelled marks its run 'interrupted')
          context.result.failed.push({ id, error: meta.error ?? 'failed' });
          context.emit({ kind: 'failed', id, error: meta.error ?? 'failed' });
        }
      }
      if (!live) return ids.filter((id) => !reported.has(id)).map(metaOf);
      await sleep(this.options.pollMs ?? 1000);
    }
  }
}
