import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HypercubeDataSource } from '../../src/data/sources/hypercube.js';
import type { DataContext } from '../../src/data/source.js';
import { buildData, expandRuns, resolveSpec, runStreams } from '../../src/experiments/index.js';
import { IdentityProcess } from '../../src/processes/index.js';
import { Generator, liveTensors, scope } from '../../src/torch/index.js';

const ctx = (seed: number, evalSamples = 64): DataContext => {
  const g = runStreams(seed);
  return { latentDim: 3, process: new IdentityProcess(), evalSamples, set: g.set, eval: g.eval };
};
const config = { D: 12, k: 3, probeTrain: 40 };

test('hypercube source: batch shapes, the augmentation keeps signs and label coordinates, negatives as requested', () => {
  const src = new HypercubeDataSource(config, ctx(0));
  try {
    scope(() => {
      assert.deepEqual(src.inputShape, [12]);
      const b = src.batch(1, 16, { kind: 'shared', count: 5 }, new Generator(1));
      assert.deepEqual(b.anchors.shape, [16, 12]);
      assert.deepEqual(b.positives.shape, [16, 12]);
      assert.deepEqual(b.negatives?.shape, [5, 12]);
      // Two views of the same inputs: the same signs everywhere, the same first k coordinates (±1).
      assert.deepEqual(b.anchors.sign().toArray(), b.positives.sign().toArray());
      assert.deepEqual(b.anchors.narrow(1, 0, 3).toArray(), b.positives.narrow(1, 0, 3).toArray());
      for (const v of b.anchors.narrow(1, 3, 9).abs().toArray()) assert.ok(v > 0 && v <= 1);
      assert.ok(
        b.anchors
          .narrow(1, 3, 9)
          .abs()
          .toArray()
          .some((v) => v < 1),
        'the other coordinates are scaled',
      );
      const views = src.batch(1, 4, { kind: 'per-anchor', count: 3, source: 'views', rho: 1 }, new Generator(2));
      assert.deepEqual(views.negatives?.shape, [4, 3, 12]);
      assert.deepEqual(views.negatives!.narrow(1, 0, 1).squeeze(1).sign().toArray(), views.anchors.sign().toArray());
      assert.throws(
        () => src.batch(1, 4, { kind: 'per-anchor', count: 3, source: 'support', rho: 1 }, new Generator(2)),
        /no latent support/,
      );
    });
  } finally {
    src.dispose();
  }
});

test('hypercube source: batches are determined by the generator; the held-out set is fixed by the eval stream', () => {
  const before = liveTensors();
  const a = new HypercubeDataSource(config, ctx(3));
  const b = new HypercubeDataSource(config, ctx(3));
  const c = new HypercubeDataSource(config, ctx(4));
  try {
    scope(() => {
      const none = { kind: 'none' } as const;
      assert.deepEqual(
        a.batch(1, 8, none, new Generator(5)).anchors.toArray(),
        b.batch(7, 8, none, new Generator(5)).anchors.toArray(),
      );
      assert.notDeepEqual(
        a.batch(1, 8, none, new Generator(5)).anchors.toArray(),
        a.batch(1, 8, none, new Generator(6)).anchors.toArray(),
      );
      const [ea, eb, ec] = [a.evalSet(), b.evalSet(), c.evalSet()];
      assert.equal(a.evalSet(), ea, 'the same object at every call');
      assert.deepEqual(ea.inputs.shape, [64, 12]);
      assert.deepEqual(ea.positives?.shape, [64, 12]);
      assert.deepEqual(ea.labels?.shape, [64]);
      assert.deepEqual(ea.train?.inputs.shape, [40, 12]);
      assert.deepEqual(ea.inputs.toArray(), eb.inputs.toArray());
      assert.deepEqual(ea.train!.inputs.toArray(), eb.train!.inputs.toArray());
      assert.notDeepEqual(ea.inputs.toArray(), ec.inputs.toArray());
      // Two views of one evaluation sample, labelled by the task (which reads only signs).
      assert.deepEqual(ea.inputs.sign().toArray(), ea.positives!.sign().toArray());
      assert.deepEqual(a.task.label(ea.inputs).toArray(), ea.labels!.toArray());
      assert.deepEqual(a.task.label(ea.train!.inputs).toArray(), ea.train!.labels.toArray());
      const ys = ea.labels!.toArray();
      assert.ok(ys.includes(0) && ys.includes(1));
    });
  } finally {
    for (const s of [a, b, c]) s.dispose();
  }
  assert.equal(liveTensors(), before, 'dispose frees the held-out set');
});

test('hypercube data kind: validated in a spec (k odd and < D), built by the registry', () => {
  const spec = (data: Record<string, unknown>) =>
    resolveSpec({
      name: 'h',
      data: { kind: 'hypercube', ...data },
      encoder: { kind: 'linear', bias: false, outDim: 4 },
      loss: { kind: 'nt-xent', tau: 0.5 },
      eval: { samples: 32, metrics: [{ kind: 'eval-loss', batch: 8 }, 'linear-probe'] },
    });
  assert.throws(() => spec({ D: 8, k: 4 }), /data\.k must be odd/);
  assert.throws(() => spec({ D: 4, k: 5 }), /data\.k must be odd and smaller than data\.D/);
  const run = expandRuns(spec({ D: 8, k: 3, probeTrain: 16 }))[0]!;
  const src = buildData(run.spec, runStreams(0));
  try {
    scope(() => {
      assert.deepEqual(src.inputShape, [8]);
      assert.deepEqual(src.evalSet().inputs.shape, [32, 8]);
    });
  } finally {
    src.dispose();
  }
});
