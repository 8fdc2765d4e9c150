// The executor through the library API: in-process and worker-process execution give the same
// numbers, finished runs are reused, events come in order, and a failing run is reported and
// marked failed the same way in both modes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  expandRuns,
  resolveSpec,
  runExperiment,
  type ExecutorEvent,
  type PlannedRun,
} from '../../src/experiments/index.js';
import { RunStore, type RunMeta } from '../../src/runs/index.js';
import { setNumThreads } from '../../src/torch/index.js';
import { tempDir } from '../util/temp.js';

// Workers get one thread each: the in-process runs use one too, so the float sums are the same.
setNumThreads(1);

const tinyRuns = (seeds: number[], name = 'executor-tiny'): PlannedRun[] =>
  expandRuns(
    resolveSpec({
      name,
      conditional: { kind: 'vmf', kappa: 3.333 },
      encoder: { kind: 'mlp', hidden: [16] },
      loss: { kind: 'infonce', tau: 0.3 },
      train: { iterations: 20, batch: 64, checkpointEvery: 10 },
      eval: { every: 10, samples: 200 },
      seeds,
    }),
  ).map((run) => ({ run, labels: { test: 'executor' } }));

async function execute(
  root: string,
  runs: PlannedRun[],
  parallel: number,
): Promise<{ result: Awaited<ReturnType<typeof runExperiment>>; events: ExecutorEvent[] }> {
  const store = new RunStore(root);
  const events: ExecutorEvent[] = [];
  try {
    const result = await runExperiment(runs, { store, parallel, threadsPerWorker: 1, onEvent: (e) => events.push(e) });
    return { result, events };
  } finally {
    store.close();
  }
}

/** A summary without its wall-clock time, keyed by seed. */
const bySeed = (metas: RunMeta[]) =>
  Object.fromEntries(
    metas.map((m) => {
      const { seconds: _s, ...rest } = m.summary ?? {};
      return [m.seed, rest];
    }),
  );

/** Checks the order of one execution's events: plan first, then per run started → steps → end. */
function assertOrdered(events: ExecutorEvent[]): void {
  assert.equal(events[0]?.kind, 'plan');
  assert.equal(events.filter((e) => e.kind === 'plan').length, 1);
  const state = new Map<string, { ended: boolean; step: number }>();
  for (const e of events.slice(1)) {
    if (e.kind === 'plan' || e.kind === 'cached') {
      assert.equal(state.size, 0, `${e.kind} after a run started`);
      continue;
    }
    const s = state.get(e.id);
    if (e.kind === 'started') {
      assert.equal(s, undefined, `${e.id} started twice`);
      state.set(e.id, { ended: false, step: e.from });
      continue;
    }
    assert.ok(s !== undefined && !s.ended, `${e.kind} of ${e.id} outside started … end`);
    if (e.kind === 'step') {
      assert.ok(e.step > s.step, `steps of ${e.id} increase`);
      s.step = e.step;
    } else s.ended = true;
  }
  for (const [id, s] of state) assert.ok(s.ended, `${id} ended`);
}

test('parallel 1 and parallel 2 give identical summaries; a second call reuses the finished runs', async () => {
  const runs = tinyRuns([0, 1]);
  const [inProcess, workers] = [tempDir('executor'), tempDir('executor')];
  const one = await execute(inProcess, runs, 1);
  const two = await execute(workers, runs, 2);
  for (const { result, events } of [one, two]) {
    assert.deepEqual(result.failed, []);
    assert.equal(result.finished.length, 2);
    assert.deepEqual(events[0], { kind: 'plan', total: 2, cached: 0 });
    assertOrdered(events);
    assert.equal(events.filter((e) => e.kind === 'started').length, 2);
    assert.equal(events.filter((e) => e.kind === 'finished').length, 2);
    assert.ok(
      events.some((e) => e.kind === 'step'),
      'progress is reported',
    );
  }
  // In process, every step is reported, in order, for one run after the other.
  const steps = one.events.filter((e) => e.kind === 'step');
  assert.deepEqual(
    steps.map((e) => e.step),
    [...Array.from({ length: 20 }, (_, i) => i + 1), ...Array.from({ length: 20 }, (_, i) => i + 1)],
  );
  // Worker processes trained the second store's runs (each marks its run running with its own pid).
  assert.ok(one.result.finished.every((m) => m.pid === process.pid));
  assert.ok(two.result.finished.every((m) => m.pid !== undefined && m.pid !== process.pid));
  // …and records its own environment: the worker's one libtorch thread, not the planner's.
  for (const m of two.result.finished) {
    assert.equal(m.environment['CLAB_THREADS'], '1');
    assert.equal(m.environment['threads'], 1);
  }
  assert.deepEqual(bySeed(two.result.finished), bySeed(one.result.finished));
  assert.ok(Number.isFinite(one.result.finished[0]!.summary!.finalLoss));

  const again = await execute(workers, runs, 2);
  assert.deepEqual(again.events[0], { kind: 'plan', total: 2, cached: 2 });
  assert.deepEqual(
    again.events.slice(1).map((e) => e.kind),
    ['cached', 'cached'],
  );
  assert.deepEqual(again.result.finished.map((m) => m.id).sort(), two.result.finished.map((m) => m.id).sort());
});

test('an interrupted run resumes from its checkpoint; a new seed is trained next to the reused one', async () => {
  const root = tempDir('executor');
  const [first] = await execute(root, tinyRuns([0]), 1).then(({ result }) => result.finished);
  // Mark the finished run interrupted, as a killed process would leave it after a checkpoint.
  const store = new RunStore(root);
  store.open(first!.id).setStatus('interrupted');
  store.close();
  const { result, events } = await execute(root, tinyRuns([0, 1]), 2);
  assert.deepEqual(result.failed, []);
  const started = events.filter((e) => e.kind === 'started');
  const from = started.find((e) => e.id === first!.id)?.from ?? 0;
  assert.ok(from >= 10 && from % 10 === 0, `resumes from a checkpoint (step ${from})`);
  assert.equal(started.length, 2);
  const resumed = result.finished.find((m) => m.id === first!.id)!;
  const { seconds: _a, ...before } = first!.summary!;
  const { seconds: _b, ...after } = resumed.summary!;
  assert.deepEqual(after, before);
});

test('a failing run is reported and marked failed with its message, in process and in a worker', async () => {
  const errors: string[] = [];
  for (const parallel of [1, 2]) {
    const root = tempDir('executor');
    const [good] = tinyRuns([0], 'executor-ok');
    const [bad] = tinyRuns([0], 'executor-bad');
    // An encoder kind no registry knows: building the run throws inside the trainer.
    const broken = {
      ...bad!,
      run: { ...bad!.run, spec: { ...bad!.run.spec, encoder: { kind: 'no-such-encoder' } as never } },
    };
    const { result, events } = await execute(root, [broken, good!], parallel);
    assertOrdered(events);
    assert.equal(result.failed.length, 1);
    assert.equal(result.finished.length, 1, 'the other run still trains');
    const { id, error } = result.failed[0]!;
    assert.match(error, /no-such-encoder/);
    assert.deepEqual(
      events.find((e) => e.kind === 'failed'),
      { kind: 'failed', id, error },
    );
    const store = new RunStore(root);
    const meta = store.open(id).meta();
    store.close();
    assert.equal(meta.status, 'failed');
    assert.equal(meta.error, error);
    errors.push(error);
  }
  assert.equal(errors[0], errors[1], 'the same message in both modes');
});
