// Running many runs: skip the finished ones, resume the interrupted ones, train the rest — in this
// process, or in worker processes (one per core) when a sweep has more runs than threads help one.
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { trainRun, type RunSpec } from '../experiments/index.js';
import { RunStore, type RunMeta } from '../runs/index.js';
import type { Output } from './output.js';

export interface PlannedRun {
  run: RunSpec;
  labels: Record<string, string>;
}

export interface ExecuteOptions {
  /** Worker processes (default: 1 — train in this process with all cores' threads). */
  parallel?: number;
  /** The CLI entry file, for forking workers. */
  entry: string;
  output: Output;
}

/** Trains one stored run in this process (resuming from its last checkpoint). */
export async function trainStoredRun(store: RunStore, id: string, onStep?: (step: number, loss: number) => void): Promise<RunMeta> {
  const handle = store.open(id);
  handle.setStatus('running');
  const onSignal = (): void => {
    handle.setStatus('interrupted');
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await trainRun(handle.run, { sink: handle, yieldEvery: 10, ...(onStep ? { onStep } : {}) });
    if (result === undefined) throw new Error('training stopped before the end');
    handle.writeSummary({ ...result });
    return handle.meta();
  } catch (err) {
    handle.setStatus('failed', err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Finds or creates each planned run's folder; returns the ids still to train (and what they resume from). */
export function prepare(store: RunStore, planned: PlannedRun[]): { todo: { id: string; name: string; total: number; from: number }[]; done: RunMeta[] } {
  store.recoverStale();
  const todo: { id: string; name: string; total: number; from: number }[] = [];
  const done: RunMeta[] = [];
  for (const p of planned) {
    const existing = store.findByKey(store.runKey(p.run));
    if (existing?.status === 'done') {
      done.push(existing);
      continue;
    }
    if (existing?.status === 'running') throw new Error(`run ${existing.id} is already running (pid ${existing.pid ?? '?'})`);
    const handle = existing !== undefined ? store.open(existing.id) : store.create(p.run, p.labels);
    const from = handle.latestCheckpoint();
    const fromStep = from?.step ?? 0;
    if (from) for (const t of from.tensors.values()) t.dispose();
    todo.push({ id: handle.id, name: p.run.spec.name, total: p.run.spec.train.iterations, from: fromStep });
  }
  return { todo, done };
}

/** Runs everything planned; returns the metas of all planned runs (finished ones included). */
export async function executeRuns(store: RunStore, planned: PlannedRun[], options: ExecuteOptions): Promise<{ finished: RunMeta[]; failed: string[] }> {
  const { output } = options;
  const { todo, done } = prepare(store, planned);
  output.plan(todo.length);
  for (const d of done) output.info(`cached ${d.id}  (finished earlier)`, { event: 'cached', id: d.id });
  const finished: RunMeta[] = [...done];
  const failed: string[] = [];
  const parallel = Math.max(1, Math.min(options.parallel ?? 1, todo.length));
  if (parallel === 1) {
    for (const t of todo) {
      output.started(t.id, t.name, t.total, t.from);
      try {
        const meta = await trainStoredRun(store, t.id, (step, loss) => output.step(t.id, step, loss));
        finished.push(meta);
        output.finished(t.id, meta.summary ?? {});
      } catch (err) {
        failed.push(t.id);
        output.failed(t.id, err instanceof Error ? err.message : String(err));
      }
    }
    return { finished, failed };
  }
  // Worker processes: each trains one run at a time with its share of the cores' threads.
  const threads = Math.max(1, Math.floor(availableParallelism() / parallel));
  const queue = [...todo];
  const worker = async (): Promise<void> => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
      const job = t;
      output.started(job.id, job.name, job.total, job.from);
      const ok = await new Promise<boolean>((resolve) => {
        const child = fork(options.entry, ['_train', job.id, '--root', store.root], {
          env: { ...process.env, CLAB_THREADS: String(threads) },
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        });
        let stderr = '';
        child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('message', (m: { step: number; loss: number }) => output.step(job.id, m.step, m.loss));
        child.on('exit', (code) => {
          if (code !== 0) output.failed(job.id, stderr.trim().split('\n').slice(-3).join(' ') || `worker exited with code ${code}`);
          resolve(code === 0);
        });
      });
      if (ok) {
        const meta = store.open(job.id).meta();
        finished.push(meta);
        output.finished(job.id, meta.summary ?? {});
      } else failed.push(job.id);
    }
  };
  await Promise.all(Array.from({ length: parallel }, () => worker()));
  return { finished, failed };
}
