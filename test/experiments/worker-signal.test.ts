// SIGTERM (or SIGINT) to a process that trains runs — a worker process, or `clab sweep` with its
// pool of workers — stops each run after the step in progress with a checkpoint at that step (not
// at the last multiple of checkpointEvery), marks it interrupted and exits 130; resumed, the runs
// end with the numbers of uninterrupted ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { INTERRUPTED_EXIT_CODE, type WorkerMessage } from '../../src/experiments/executor.js';
import { expandRuns, resolveSpec } from '../../src/experiments/index.js';
import { RunStore } from '../../src/runs/index.js';
import { clab } from '../cluster/clab.js';
import { numbersOf, readJson, repoRoot, runDirs } from '../reliability/helpers.js';
import { tempDir } from '../util/temp.js';

const WORKER = path.join(repoRoot, 'dist/src/experiments/worker.js');
const { NODE_TEST_CONTEXT: _ctx, ...parentEnv } = process.env;

/** A run of some seconds whose only periodic checkpoint is at step 1000 (of 1500). */
const SPEC = {
  name: 'worker-signal',
  conditional: { kind: 'vmf', kappa: 3.333 },
  encoder: { kind: 'mlp', hidden: [64, 64] },
  loss: { kind: 'infonce', tau: 0.3 },
  train: { iterations: 1500, batch: 64, checkpointEvery: 1000 },
  eval: { every: 250, samples: 200 },
};

/** A store under `root` holding the (not yet trained) run; returns its id. */
function storedRun(root: string): string {
  const store = new RunStore(root);
  try {
    return store.create(expandRuns(resolveSpec(SPEC))[0]!).id;
  } finally {
    store.close();
  }
}

/** Steps of a run folder's checkpoints. */
const checkpointSteps = (dir: string): number[] =>
  fs
    .readdirSync(path.join(dir, 'checkpoints'))
    .map((f) => /^step-(\d+)\.safetensors$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number);

/** Runs worker.js on a stored run; `onStep` may signal it. Resolves with its exit code. */
function worker(root: string, id: string, onStep?: (child: ReturnType<typeof fork>) => void): Promise<number | null> {
  const child = fork(WORKER, [id, '--root', root], {
    env: { ...parentEnv, CLAB_THREADS: '1' },
    execArgv: [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('message', (m: WorkerMessage) => {
    if (m.kind === 'step') onStep?.(child);
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      if (code !== 0 && code !== INTERRUPTED_EXIT_CODE) process.stderr.write(stderr);
      resolve(code);
    }),
  );
}

test(
  'SIGTERM to a worker: a checkpoint at the step it reached, exit 130, and the resumed run equals the uninterrupted one',
  {
    timeout: 120_000,
  },
  async () => {
    const dir = tempDir('worker-signal');
    const [whole, stopped] = [path.join(dir, 'whole'), path.join(dir, 'stopped')];
    const wholeId = storedRun(whole);
    const id = storedRun(stopped);
    assert.equal(await worker(whole, wholeId), 0);

    let signalled = false;
    const code = await worker(stopped, id, (child) => {
      if (!signalled) child.kill('SIGTERM');
      signalled = true;
    });
    assert.equal(code, INTERRUPTED_EXIT_CODE);
    const run = path.join(stopped, id);
    assert.equal(readJson(path.join(run, 'meta.json'))['status'], 'interrupted');
    const steps = checkpointSteps(run);
    assert.equal(steps.length, 1, `one checkpoint, the stop's (got steps ${steps.join(', ')})`);
    const k = steps[0]!;
    assert.ok(k > 0 && k < 1000, `stopped at step ${k}, before the first periodic checkpoint`);
    assert.ok(!fs.existsSync(path.join(run, 'summary.json')));

    assert.equal(await worker(stopped, id), 0, 'resumed to the end');
    assert.ok(checkpointSteps(run).includes(1500));
    assert.deepEqual(numbersOf(run), numbersOf(path.join(whole, wholeId)));
  },
);

test(
  'SIGTERM to `clab sweep --parallel 2`: both workers checkpoint where they are; the sweep run again ends with the same numbers',
  {
    timeout: 180_000,
  },
  async () => {
    const dir = tempDir('sweep-signal');
    const spec = path.join(dir, 'sweep.yaml');
    fs.writeFileSync(
      spec,
      [
        'name: sweep-signal',
        'latent: { dim: 3 }',
        'conditional: { kind: vmf, kappa: 3.333 }',
        'encoder: { kind: mlp, hidden: [64, 64] }',
        'loss: { kind: infonce, tau: 0.3 }',
        'train: { iterations: 3000, batch: 64, checkpointEvery: 2000 }',
        'eval: { every: 500, samples: 200 }',
        'seeds: [0, 1]',
        '',
      ].join('\n'),
    );
    const [whole, stopped] = [path.join(dir, 'whole'), path.join(dir, 'stopped')];
    const reference = clab(['sweep', spec, '--parallel', '2', '--root', whole]);

    const sweep = clab(['sweep', spec, '--parallel', '2', '--root', stopped]);
    // Both runs in training — each folder marked running by its worker (created running by the
    // sweep's own process) — then a few more steps; no checkpoint yet.
    const inWorker = (d: string): boolean => {
      const meta = readJson(path.join(d, 'meta.json'));
      return meta['status'] === 'running' && meta['pid'] !== sweep.child.pid;
    };
    for (const end = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 50))) {
      assert.ok(Date.now() < end, 'both runs did not start within 60 s');
      const dirs = runDirs(stopped);
      if (dirs.length === 2 && dirs.every(inWorker)) break;
    }
    await new Promise((r) => setTimeout(r, 300));
    sweep.child.kill('SIGTERM');
    const out = await sweep.exit;
    assert.equal(out.code, INTERRUPTED_EXIT_CODE, out.stderr);
    for (const run of runDirs(stopped)) {
      assert.equal(readJson(path.join(run, 'meta.json'))['status'], 'interrupted');
      const steps = checkpointSteps(run);
      assert.ok(
        steps.length === 1 && steps[0]! % 2000 !== 0,
        `a checkpoint at the signal's step, not a periodic one (got ${steps.join(', ')})`,
      );
    }

    const again = await clab(['sweep', spec, '--parallel', '2', '--root', stopped]).exit;
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout + again.stderr, /resume .* at step \d+\/3000/);
    const ref = await reference.exit;
    assert.equal(ref.code, 0, ref.stderr);
    const byName = (root: string) =>
      Object.fromEntries(runDirs(root).map((d) => [readJson(path.join(d, 'meta.json'))['seed'], numbersOf(d)]));
    assert.deepEqual(byName(stopped), byName(whole));
  },
);
