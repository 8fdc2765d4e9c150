// Trains one run folder in a child process (task.js), so that CPU-bound training never blocks the
// caller's event loop — a queue worker must keep renewing its job's lock while a run trains.
import { fork, type ChildProcess } from 'node:child_process';
import type { WorkerMessage } from '../executor.js';

const TASK_SCRIPT = new URL('./task.js', import.meta.url);

/** Children alive now, so a worker that is told to stop can stop them first. */
export const liveChildren = new Set<ChildProcess>();

/** How a child ended: its exit code and, for a failure, why. */
export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: string;
}

/** Forks task.js on `dir` with `threads` libtorch threads; `onStep` receives its (throttled) progress. */
export function trainInChild(
  dir: string,
  threads: number,
  onStep: (step: number, loss: number) => void,
): Promise<ChildOutcome> {
  const child = fork(TASK_SCRIPT, ['--dir', dir], {
    env: { ...process.env, CLAB_THREADS: String(threads) },
    execArgv: process.execArgv.filter((a) => !/^--(inspect|test)/.test(a)),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  liveChildren.add(child);
  let stderr = '';
  let reported: string | undefined;
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('message', (m: WorkerMessage) => {
    if (m.kind === 'step') onStep(m.step, m.loss);
    else reported = m.error;
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      liveChildren.delete(child);
      const tail = stderr.trim().split('\n').slice(-3).join(' ');
      const error =
        code === 0 ? undefined : (reported ?? (tail !== '' ? tail : `task exited with ${signal ?? `code ${code}`}`));
      resolve({ code, signal, ...(error !== undefined ? { error } : {}) });
    });
    child.on('error', (err) => {
      liveChildren.delete(child);
      resolve({ code: null, signal: null, error: `task process: ${err.message}` });
    });
  });
}
