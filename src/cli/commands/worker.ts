// `clab worker --queue redis://HOST:PORT`: takes runs from the queue and trains them, each in a
// child process, until stopped (SIGINT/SIGTERM puts the runs in training back in the queue).
import type { Command } from 'commander';
import { INTERRUPTED_EXIT_CODE } from '../../experiments/executor.js';
import { ExecutorUsageError, startQueueWorker } from '../../experiments/executors/index.js';
import { runsRoot } from '../paths.js';

interface WorkerOptions {
  queue?: string;
  concurrency: string;
  threads?: string;
  root?: string;
  lock: string;
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (name !== '--lock' && !Number.isInteger(n)))
    throw new ExecutorUsageError(
      `${name}: expected a positive ${name === '--lock' ? 'number' : 'integer'}, got '${value}'`,
    );
  return n;
}

async function work(opts: WorkerOptions): Promise<number> {
  if (opts.queue === undefined)
    throw new ExecutorUsageError('--queue: give the Redis of the coordinator, e.g. --queue redis://10.0.0.5:6379');
  const worker = await startQueueWorker({
    url: opts.queue,
    root: runsRoot(opts.root),
    concurrency: positive('--concurrency', opts.concurrency),
    lockSeconds: positive('--lock', opts.lock),
    ...(opts.threads !== undefined ? { threads: positive('--threads', opts.threads) } : {}),
  });
  let code = 0;
  const onSignal = (): void => {
    code = INTERRUPTED_EXIT_CODE;
    void worker.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await worker.closed;
  return code;
}

export function addWorker(cli: Command): void {
  cli
    .command('worker')
    .description(
      'Train runs from a queue (`--executor queue`), each in a child process, until stopped; a run whose worker dies goes back to the queue.',
    )
    .option('--queue <url>', 'the coordinator’s Redis: redis://HOST:PORT')
    .option('--concurrency <n>', 'runs trained at once', '1')
    .option('--threads <n>', 'libtorch threads per run (default: the cores shared out)')
    .option(
      '--root <dir>',
      'run store folder: the coordinator’s on a shared filesystem, else this machine’s (default: $CLAB_RUNS or ./runs)',
    )
    .option('--lock <seconds>', 'a dead worker’s run returns to the queue after this long', '30')
    .action(async (opts: WorkerOptions) => {
      process.exitCode = await work(opts);
    });
}
