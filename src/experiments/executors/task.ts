// One run folder trained to the end in this process: the body of a Slurm array task and of a
// queue worker's child process.
//
//   node dist/src/experiments/executors/task.js --dir <run folder>
//   node dist/src/experiments/executors/task.js --manifest <array.json>   (Slurm: picks ids[SLURM_ARRAY_TASK_ID])
//
// It resumes from the folder's last checkpoint, and touches only that folder (never the store's
// SQLite index). Exit codes: 0 done (or already done), 1 the run failed (marked failed), 130
// interrupted — SIGINT/SIGTERM (scancel, preemption), or the parent worker died — with the run
// marked 'interrupted' so the next attempt resumes it; 2 bad arguments.
// SIGUSR1 (sent by Slurm ahead of the time limit, `--signal=B:USR1@…`) requeues the array task.
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

/** The run folder this task trains, from --dir or from the manifest and the array index. */
function folderOf(argv: string[]): string | undefined {
  try {
    const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, manifest: { type: 'string' } } });
    if (values.dir !== undefined) return path.resolve(values.dir);
    if (values.manifest === undefined) return undefined;
    const manifest = JSON.parse(fs.readFileSync(values.manifest, 'utf8')) as ArrayManifest;
    const id = manifest.ids[Number(process.env['SLURM_ARRAY_TASK_ID'] ?? '-1')];
    return id === undefined ? undefined : path.join(manifest.root, id);
  } catch {
    return undefined;
  }
}

/** Slurm's warning before the time limit: put this array task back in the queue (it resumes). */
function requeueOnTimeLimit(): void {
  process.once('SIGUSR1', () => {
    const job =
      process.env['SLURM_ARRAY_JOB_ID'] !== undefined
        ? `${process.env['SLURM_ARRAY_JOB_ID']}_${process.env['SLURM_ARRAY_TASK_ID']}`
        : process.env['SLURM_JOB_ID'];
    // The requeue makes Slurm send SIGTERM, which marks the run interrupted (trainHandle's handler).
    if (job !== undefined) spawnSync('scontrol', ['requeue', job], { stdio: 'inherit' });
  });
}

export async function main(argv: string[]): Promise<number> {
  const dir = folderOf(argv);
  if (dir === undefined) {
    process.stderr.write(
      'usage: node task.js --dir <run folder> | --manifest <array.json> (with SLURM_ARRAY_TASK_ID)\n',
    );
    return 2;
  }
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
    await trainHandle(handle, (step, loss) => {
      if (Date.now() - last < STEP_INTERVAL_MS) return;
      last = Date.now();
      send({ kind: 'step', step, loss });
    });
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
