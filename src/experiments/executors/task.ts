// One run folder trained to the end in this process: the body of a Slurm array task and of a
// queue worker's child process.
//
//   node dist/src/experiments/executors/task.js --dir <run folder>
//   node dist/src/experiments/executors/task.js --manifest <array.json>   (Slurm: picks ids[SLURM_ARRAY_TASK_ID])
//
// It resumes from the folder's last checkpoint, and touches only that folder (never the store's
// SQLite index). Exit codes: 0 done (or already done), 1 the run failed (marked failed), 130
// interrupted — SIGINT/SIGTERM (scancel, preemption, a requeue), or the parent worker died — with
// the run marked 'interrupted' so the next attempt resumes it; 2 bad arguments.
// SIGINT/SIGTERM stops training after the step in progress with a checkpoint at that step
// (executor.ts). A Slurm array task stopped so while Slurm still counts it running (`scancel
// --signal=TERM`, a preemption's grace time) requeues itself and resumes from that checkpoint; one
// Slurm is ending anyway (a plain scancel, its own requeue) is left to Slurm.
// SIGUSR1 (sent by Slurm ahead of the time limit, `--signal=B:USR1@…`) requeues the array task;
// Slurm's SIGTERM that follows checkpoints it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { errorMessage, INTERRUPTED_EXIT_CODE, trainHandle, type WorkerMessage } from '../executor.js';
import { openFolder } from './run-folder.js';

/** What `clab sweep --executor slurm` writes beside the batch script: the store and the run of each task. */
export interface ArrayManifest {
  root: string;
  ids: string[];
}

const STEP_INTERVAL_MS = 200;

function send(message: WorkerMessage): void {
  if (process.send !== undefined && process.connected) process.send(message);
}

/** The run folder this task trains, from --dir or from the manifest and the array index (a Slurm array task). */
function folderOf(argv: string[]): { dir: string; arrayTask: boolean } | undefined {
  try {
    const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, manifest: { type: 'string' } } });
    if (values.dir !== undefined) return { dir: path.resolve(values.dir), arrayTask: false };
    if (values.manifest === undefined) return undefined;
    const manifest = JSON.parse(fs.readFileSync(values.manifest, 'utf8')) as ArrayManifest;
    const id = manifest.ids[Number(process.env['SLURM_ARRAY_TASK_ID'] ?? '-1')];
    return id === undefined ? undefined : { dir: path.join(manifest.root, id), arrayTask: true };
  } catch {
    return undefined;
  }
}

/** This process's Slurm job as `scontrol` names it (`<array job>_<task>`), if it is one. */
function slurmJob(): string | undefined {
  const array = process.env['SLURM_ARRAY_JOB_ID'];
  return array !== undefined ? `${array}_${process.env['SLURM_ARRAY_TASK_ID']}` : process.env['SLURM_JOB_ID'];
}

/** Slurm's warning before the time limit: put this array task back in the queue (it resumes). */
function requeueOnTimeLimit(): void {
  process.once('SIGUSR1', () => {
    const job = slurmJob();
    // The requeue makes Slurm send SIGTERM: the run checkpoints at that step and is marked interrupted.
    if (job !== undefined) spawnSync('scontrol', ['requeue', job], { stdio: 'inherit' });
  });
}

/**
 * After a SIGINT/SIGTERM stopped the run (its checkpoint saved): requeues this array task if Slurm
 * still counts it RUNNING, i.e. the signal was a request to stop (`scancel --signal=TERM`, a
 * preemption's grace time, an administrator's kill). A task Slurm is ending itself — cancelled
 * (COMPLETING), already requeued, timed out — is left alone: a cancel stays a cancel.
 */
function requeueIfStillRunning(): void {
  const job = slurmJob();
  if (job === undefined) return;
  const state = spawnSync('squeue', ['-h', '-j', job, '-o', '%T'], { encoding: 'utf8' }).stdout?.trim();
  if (state !== 'RUNNING') return;
  const out = spawnSync('scontrol', ['requeue', job], { encoding: 'utf8' });
  process.stderr.write(
    out.status === 0
      ? `clab task: stopped by a signal; array task ${job} requeued, it resumes from this checkpoint\n`
      : `clab task: stopped by a signal; requeue of ${job} failed: ${(out.stderr ?? '').trim()}\n`,
  );
}

export async function main(argv: string[]): Promise<number> {
  const target = folderOf(argv);
  if (target === undefined) {
    process.stderr.write(
      'usage: node task.js --dir <run folder> | --manifest <array.json> (with SLURM_ARRAY_TASK_ID)\n',
    );
    return 2;
  }
  const { dir, arrayTask } = target;
  const handle = openFolder(dir);
  if (handle.meta().status === 'done') return 0; // at-least-once delivery: a finished run is not trained again
  // A queue worker killed with -9 cannot stop its child: the child notices the lost channel and stops.
  process.once('disconnect', () => {
    openFolder(dir).setStatus('interrupted');
    process.exit(INTERRUPTED_EXIT_CODE);
  });
  requeueOnTimeLimit();
  let last = 0;
  try {
    await trainHandle(
      handle,
      (step, loss) => {
        if (Date.now() - last < STEP_INTERVAL_MS) return;
        last = Date.now();
        send({ kind: 'step', step, loss });
      },
      arrayTask ? { onInterrupted: requeueIfStillRunning } : {},
    );
    return 0;
  } catch (err) {
    send({ kind: 'failed', error: errorMessage(err) });
    process.stderr.write(`clab task: ${errorMessage(err)}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] !== undefined && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isEntry) {
  const code = await main(process.argv.slice(2));
  // Exit now: an open IPC channel would otherwise keep a forked task alive.
  process.exit(code);
}
