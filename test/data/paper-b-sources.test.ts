// Paper B's data kinds and the free-embedding table: latent-set (a finite set walked in shuffled
// epochs; positives fresh per step) and free-embeddings (instance indices, full batch or a fixed
// partition) with the 'table' encoder; determinism from the generators, a fixed held-out set, and
// exact resumption of a run whose shuffles depend on the step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatentSetDataSource } from '../../src/data/sources/latent-set.js';
import { FreeEmbeddingsDataSource } from '../../src/data/sources/free-embeddings.js';
import type { DataContext } from '../../src/data/source.js';
import { TableEncoder } from '../../src/encoders/table.js';
import {
  buildData,
  buildLoss,
  expandRuns,
  resolveSpec,
  runStreams,
  trainRun,
  SpecError,
} from '../../src/experiments/index.js';
import { VonMisesFisher } from '../../src/latent/index.js';
import { IdentityProcess } from '../../src/processes/index.js';
import { RunStore } from '../../src/runs/index.js';
import { arange, Generator, liveTensors, scope, tensor } from '../../src/torch/index.js';
import { tempDir } from '../util/temp.js';

const ctx = (seed: number, evalSamples = 50): DataContext => {
  const g = runStreams(seed);
  return {
    latentDim: 3,
    conditional: new VonMisesFisher({ kappa: 5 }),
    process: new IdentityProcess(),
    evalSamples,
    set: g.set,
    eval: g.eval,
  };
};
const none = { kind: 'none' } as const;
const rowsOf = (flat: number[], d: number): string[] =>
  Array.from({ length: flat.length / d }, (_, i) => flat.slice(i * d, (i + 1) * d).join(','));

test('latent-set: shapes, the training set on the sphere, every member once per epoch, negatives as requested', () => {
  const src = new LatentSetDataSource({ size: 40 }, ctx(0));
  try {
    scope(() => {
      assert.deepEqual(src.inputShape, [3]);
      assert.equal(src.size, 40);
      assert.deepEqual(src.latents.shape, [40, 3]);
      for (const r of src.latents.square().sum(1).toArray()) assert.ok(Math.abs(r - 1) < 1e-5);
      // B = 8: 5 steps per epoch; B = 12: 3 steps (a tail of 4 left out each epoch).
      assert.equal(src.stepsPerEpoch(8), 5);
      assert.equal(src.stepsPerEpoch(12), 3);
      const epoch = [1, 2, 3, 4, 5].flatMap((s) => src.indices(s, 8));
      assert.deepEqual(
        [...epoch].sort((a, b) => a - b),
        [...Array(40).keys()],
      );
      const next = [6, 7, 8, 9, 10].flatMap((s) => src.indices(s, 8));
      assert.deepEqual(
        [...next].sort((a, b) => a - b),
        [...Array(40).keys()],
      );
      assert.notDeepEqual(next, epoch, 'each epoch is reshuffled');
      // A batch is the selected members (identity process) and their fresh positives.
      const b = src.batch(3, 8, none, new Generator(1));
      assert.deepEqual(b.anchors.shape, [8, 3]);
      assert.deepEqual(b.positives.shape, [8, 3]);
      assert.equal(b.negatives, undefined);
      assert.deepEqual(
        b.anchors.toArray(),
        src.latents.indexSelect(0, tensor(src.indices(3, 8), undefined, 'int64')).toArray(),
      );
      assert.ok(
        b.anchors
          .mul(b.positives)
          .sum(1)
          .toArray()
          .every((c) => c < 1 - 1e-6),
        'positives differ from their anchors',
      );
      // Shared negatives are members of the set; 'views' negatives are further positives of each anchor.
      const shared = src.batch(1, 8, { kind: 'shared', count: 6 }, new Generator(2)).negatives!;
      assert.deepEqual(shared.shape, [6, 3]);
      const members = new Set(rowsOf(src.latents.toArray(), 3));
      for (const r of rowsOf(shared.toArray(), 3)) assert.ok(members.has(r), 'a shared negative is a training latent');
      assert.deepEqual(
        src.batch(1, 4, { kind: 'per-anchor', count: 3, source: 'views', rho: 1 }, new Generator(2)).negatives?.shape,
        [4, 3, 3],
      );
      assert.throws(
        () => src.batch(1, 4, { kind: 'per-anchor', count: 3, source: 'support', rho: 1 }, new Generator(2)),
        /no latent support/,
      );
      assert.throws(
        () => src.batch(1, 41, none, new Generator(2)),
        /train\.batch must be an integer in 1\.\.size \(40\), got 41/,
      );
    });
  } finally {
    src.dispose();
  }
});

test('latent-set: the set and the shuffles come from the set stream, positives from the generator, the held-out set from the eval stream', () => {
  const before = liveTensors();
  const a = new LatentSetDataSource({ size: 64 }, ctx(3));
  const b = new LatentSetDataSource({ size: 64 }, ctx(3));
  const c = new LatentSetDataSource({ size: 64 }, ctx(4));
  try {
    scope(() => {
      assert.deepEqual(a.latents.toArray(), b.latents.toArray());
      assert.notDeepEqual(a.latents.toArray(), c.latents.toArray());
      // The order of a step is a function of the step alone (no state carried between calls).
      const late = a.indices(37, 16);
      assert.deepEqual(b.indices(1, 16), a.indices(1, 16));
      assert.deepEqual(b.indices(37, 16), late);
      assert.notDeepEqual(c.indices(1, 16), a.indices(1, 16));
      const ba = a.batch(5, 16, none, new Generator(7));
      const bb = b.batch(5, 16, none, new Generator(7));
      assert.deepEqual(ba.positives.toArray(), bb.positives.toArray());
      assert.notDeepEqual(a.batch(5, 16, none, new Generator(8)).positives.toArray(), ba.positives.toArray());
      const [ea, eb, ec] = [a.evalSet(), b.evalSet(), c.evalSet()];
      assert.equal(a.evalSet(), ea, 'the same object at every call');
      assert.deepEqual(ea.inputs.shape, [50, 3]);
      assert.deepEqual(ea.positives?.shape, [50, 3]);
      assert.deepEqual(ea.latents?.shape, [50, 3]);
      assert.deepEqual(ea.inputs.toArray(), eb.inputs.toArray());
      assert.deepEqual(ea.positives!.toArray(), eb.positives!.toArray());
      assert.notDeepEqual(ea.inputs.toArray(), ec.inputs.toArray());
    });
  } finally {
    for (const s of [a, b, c]) s.dispose();
  }
  assert.equal(liveTensors(), before, 'no tensor leaks');
});

test('latent-set in a spec: VRNS takes δ from the set size; the spec asks for a conditional', () => {
  const spec = resolveSpec({
    name: 'b',
    conditional: { kind: 'vmf', kappa: '=1/loss.tau' },
    data: { kind: 'latent-set', size: 101 },
    encoder: { kind: 'mlp', hidden: [8], outDim: 4 },
    loss: { kind: 'nt-xent', tau: 0.2 },
    auxiliary: [{ kind: 'vrns', weight: 30 }],
    train: { iterations: 2, batch: 8 },
    eval: { samples: 16, metrics: ['similarity', { kind: 'r2', testFraction: 0.5 }] },
  });
  const run = expandRuns(spec)[0]!;
  const data = buildData(run.spec, runStreams(0));
  try {
    assert.equal(data.size, 101);
    scope(() => {
      const u = tensor([
        [1, 0],
        [0, 1],
      ]);
      // Orthonormal views: every negative similarity is 0, so L_VRNS = (0 − δ)² = 1/(k − 1)².
      const out = buildLoss(run.spec, data).loss({ anchors: u, positives: u });
      assert.ok(Math.abs(out.parts['vrns']!.item() - 1 / 100 ** 2) < 1e-9, `L_VRNS = ${out.parts['vrns']!.item()}`);
    });
  } finally {
    data.dispose();
  }
  assert.throws(
    () => resolveSpec({ name: 'b', data: { kind: 'latent-set', size: 10 }, loss: { kind: 'nt-xent', tau: 0.2 } }),
    (e: unknown) => e instanceof SpecError && /draws positives from the latent conditional/.test(e.message),
  );
});

test('free-embeddings: indices into the 2n-row table, full batch or a fixed partition visited in turn, held-out set = all instances', () => {
  const before = liveTensors();
  const full = new FreeEmbeddingsDataSource({ size: 6 });
  const part = new FreeEmbeddingsDataSource({ size: 6, miniBatch: 2 });
  try {
    scope(() => {
      assert.deepEqual(full.inputShape, []);
      assert.equal(full.size, 6);
      // train.batch (the second argument) is not read: the data fixes its batches.
      for (const step of [1, 2, 9]) {
        const b = full.batch(step, 999, none, new Generator(0));
        assert.deepEqual(b.anchors.toArray(), [0, 1, 2, 3, 4, 5]);
        assert.deepEqual(b.positives.toArray(), [6, 7, 8, 9, 10, 11]);
      }
      const blocks = [1, 2, 3, 4].map((s) => part.batch(s, 999, none, new Generator(0)));
      assert.deepEqual(
        blocks.map((b) => b.anchors.toArray()),
        [
          [0, 1],
          [2, 3],
          [4, 5],
          [0, 1],
        ],
      );
      assert.deepEqual(
        blocks.map((b) => b.positives.toArray()),
        [
          [6, 7],
          [8, 9],
          [10, 11],
          [6, 7],
        ],
      );
      assert.equal(blocks[0]!.anchors.dtype, 'int64');
      assert.throws(() => full.batch(1, 6, { kind: 'shared', count: 4 }, new Generator(0)), /only in-batch negatives/);
      const e = part.evalSet();
      assert.equal(part.evalSet(), e);
      assert.deepEqual(e.inputs.toArray(), [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(e.positives?.toArray(), [6, 7, 8, 9, 10, 11]);
    });
  } finally {
    full.dispose();
    part.dispose();
  }
  assert.equal(liveTensors(), before, 'no tensor leaks');
  assert.throws(
    () => new FreeEmbeddingsDataSource({ size: 6, miniBatch: 4 }),
    /miniBatch must be an integer >= 2 dividing size 6, got 4/,
  );
  assert.throws(
    () =>
      resolveSpec({
        name: 'b',
        data: { kind: 'free-embeddings', size: 6, miniBatch: 4 },
        encoder: { kind: 'table' },
        loss: { kind: 'nt-xent', tau: 0.5 },
        eval: { metrics: ['similarity'] },
      }),
    (e: unknown) =>
      e instanceof SpecError && /data\.miniBatch: miniBatch must be ≥ 2 and divide size 6, got 4/.test(e.message),
  );
  assert.throws(
    () =>
      resolveSpec({
        name: 'b',
        data: { kind: 'free-embeddings', size: 6 },
        encoder: { kind: 'table' },
        loss: { kind: 'nt-xent', tau: 0.5 },
        eval: { metrics: ['r2'] },
      }),
    (e: unknown) => e instanceof SpecError && /metric 'r2' needs latents/.test(e.message),
  );
});

test('table encoder: unit rows of a standard-normal table from the generator, float64 on request, gradients reach the rows used', () => {
  scope(() => {
    const a = new TableEncoder({ rows: 8, dim: 5, dtype: 'float64', gen: new Generator(1) });
    const b = new TableEncoder({ rows: 8, dim: 5, dtype: 'float64', gen: new Generator(1) });
    assert.deepEqual(a.weight.toArray(), b.weight.toArray());
    assert.equal(a.weight.dtype, 'float64');
    assert.equal(new TableEncoder({ rows: 8, dim: 5, gen: new Generator(1) }).weight.dtype, 'float32');
    const out = a.forward(tensor([2, 7, 2], undefined, 'int64'));
    assert.deepEqual(out.shape, [3, 5]);
    for (const r of out.square().sum(1).toArray()) assert.ok(Math.abs(r - 1) < 1e-12);
    assert.deepEqual(out.narrow(0, 0, 1).toArray(), out.narrow(0, 2, 1).toArray());
    out.sum().backward();
    const g = a.weight.grad!.abs().sum(1).toArray();
    g.forEach((v, i) => assert.equal(v > 0, i === 2 || i === 7, `row ${i}`));
    assert.throws(() => a.forward(arange(0, 4).reshape(2, 2)), /expects indices of shape \[n\] \(int64\)/);
  });
});

test('a latent-set + VRNS run stopped after a checkpoint resumes to the same numbers (shuffles derived from the step)', async () => {
  const spec = resolveSpec({
    name: 'b/resume',
    conditional: { kind: 'vmf', kappa: 5 },
    data: { kind: 'latent-set', size: 48 },
    encoder: { kind: 'mlp', hidden: [16], outDim: 4 },
    loss: { kind: 'nt-xent', tau: 0.2 },
    auxiliary: [{ kind: 'vrns', weight: 30 }],
    // 16 per step: 3 steps per epoch, so the stop at step 7 falls inside an epoch.
    train: { iterations: 12, batch: 16, checkpointEvery: 5 },
    eval: { every: 4, samples: 40, metrics: ['similarity', { kind: 'r2', testFraction: 0.5 }] },
  });
  const run = expandRuns(spec)[0]!;
  const store = new RunStore(tempDir('paper-b-resume'));
  try {
    const whole = store.create(run, { which: 'whole' });
    const expected = await trainRun(whole.run, { sink: whole });
    const parts = store.create(run, { which: 'parts' });
    assert.equal(await trainRun(parts.run, { sink: parts, stopAfter: 7 }), undefined);
    const resumed = await trainRun(parts.run, { sink: parts });
    assert.deepEqual(resumed!.metrics, expected!.metrics);
    assert.equal(resumed!.finalLoss, expected!.finalLoss);
    const strip = (rows: { seconds: number }[]) => rows.map(({ seconds: _s, ...r }) => r);
    assert.deepEqual(strip(parts.readMetrics()), strip(whole.readMetrics()));
  } finally {
    store.close();
  }
});

test('a free-embeddings run (float64 table, fixed partition, VRNS) stopped after a checkpoint resumes to the same numbers', async () => {
  const spec = resolveSpec({
    name: 'b/free-resume',
    data: { kind: 'free-embeddings', size: 8, miniBatch: 4 },
    encoder: { kind: 'table', dtype: 'float64' },
    loss: { kind: 'nt-xent', tau: 0.5 },
    auxiliary: [{ kind: 'vrns', weight: 30 }],
    train: { iterations: 20, batch: 4, optimizer: { kind: 'adam', lr: 0.05 }, checkpointEvery: 5 },
    eval: { every: 10, metrics: ['similarity', 'similarity-range'] },
  });
  const run = expandRuns(spec)[0]!;
  const store = new RunStore(tempDir('paper-b-free-resume'));
  try {
    const whole = store.create(run, { which: 'whole' });
    const expected = await trainRun(whole.run, { sink: whole });
    const parts = store.create(run, { which: 'parts' });
    assert.equal(await trainRun(parts.run, { sink: parts, stopAfter: 13 }), undefined);
    const resumed = await trainRun(parts.run, { sink: parts });
    assert.deepEqual(resumed!.metrics, expected!.metrics);
    assert.ok(Number.isFinite(expected!.metrics['negMax']));
  } finally {
    store.close();
  }
});
