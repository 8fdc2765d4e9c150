// A worker process of the executor: `node worker.js <run-id> --root <store>` trains one stored run
// (resuming from its last checkpoint) and reports progress to its parent over IPC (WorkerMessage).
// Exit code 0 when the run finished, 1 when it failed (the run is marked failed with the message,
// which is also sent to the parent), 130 when interrupted by SIGINT/SIGTERM, 2 for bad arguments.
// A signal does not end the process at once: it sets a flag that the trainer reads after the step
// in progress (the event loop gets a turn every few steps), so the worker saves a checkpoint at
// that step, marks the run 'interrupted' and exits 130; resumed, the run ends with the numbers of
// an uninterrupted one (trainStoredRun in executor.ts).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { RunStore } from '../runs/index.js';
import { errorMessage, trainStoredRun, type WorkerMessage } from './executor.js';

/** Progress is sent at most this often: the parent only redraws a line, and IPC is not free. */
const STEP_INTERVAL_MS = 200;

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) return resolve();
    // Resolves once the message is written, so a worker that exits right after still delivers it.
    process.send(message, () => resolve());
  });
}

function throttledProgress(): (step: number, loss: number) => void {
  let last = 0;
  return (step, loss) => {
    const now = Date.now();
    if (now - last < STEP_INTERVAL_MS) return;
    last = now;
    void send({ kind: 'step', step, loss });
  };
}

function parsedArguments(argv: string[]): { id: string; root: string } | undefined {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      options: { root: { type: 'string' } },
      allowPositionals: true,
    });
    const [id] = positionals;
    return id === undefined || values.root === undefined || positionals.length !== 1
      ? undefined
      : { id, root: values.root };
  } catch {
    return undefined; // an unknown option
  }
}

export async function main(argv: string[]): Promise<number> {
  const args = parsedArguments(argv);
  if (args === undefined) {
    process.stderr.write('usage: node worker.js <run-id> --root <run store folder>\n');
    return 2;
  }
  const store = new RunStore(args.root);
  try {
    await trainStoredRun(store, args.id, throttledProgress());
    return 0;
  } catch (err) {
    await send({ kind: 'failed', error: errorMessage(err) });
    process.stderr.write(`clab worker: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    store.close();
  }
}

const isEntry = process.argv[1] !== undefined && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isEntry) process.exitCode = await main(process.argv.slice(2));
