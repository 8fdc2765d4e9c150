import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClustersDataSource, inputScale } from '../../src/data/sources/clusters.js';
import type { DataContext } from '../../src/data/source.js';
import { runStreams } from '../../src/experiments/index.js';
import { IdentityProcess } from '../../src/processes/index.js';
import { Generator, liveTensors, scope } from '../../src/torch/index.js';

const ctx = (seed: number): DataContext => {
  const g = runStreams(seed);
  return { latentDim: 3, process: new IdentityProcess(), evalSamples: 1000, set: g.set, eval: g.eval };
};
const config = (intertwine: number) => ({ clusters: 3, pointsPerCluster: 8, dim: 9, intertwine });

test('clusters source: anchors and shared negatives are augmented dataset points, rescaled to unit RMS spread', () => {
  const src = new ClustersDataSource(config(1), ctx(0));
  try {
    scope(() => {
      assert.deepEqual(src.inputShape, [9]);
      assert.equal(src.size, 24);
      const ev = src.evalSet();
      assert.deepEqual(ev.inputs.shape, [24, 9]);
      assert.deepEqual(ev.positives?.shape, [24, 9]);
      assert.deepEqual(
        ev.labels?.toArray(),
        Array.from({ length: 24 }, (_, i) => Math.floor(i / 8)),
      );
      assert.ok(Math.abs(inputScale(ev.inputs) - 1) < 1e-5, 'held-out inputs have RMS spread 1');
      const b = src.batch(1, 10, { kind: 'shared', count: 6 }, new Generator(1));
      assert.deepEqual(b.anchors.shape, [10, 9]);
      assert.deepEqual(b.positives.shape, [10, 9]);
      assert.deepEqual(b.negatives?.shape, [6, 9]);
      // An augmentation stays near its anchor point: within the curve's reach (L + a, rescaled).
      const reach = (0.25 + 0.1 * 2) / src.scale;
      const d = b.anchors.unsqueeze(1).sub(ev.inputs.unsqueeze(0)).square().sum(2).sqrt().min(1).toArray();
      for (const v of d) assert.ok(v <= reach + 1e-5, `distance ${v} to the nearest point > ${reach}`);
      const views = src.batch(1, 4, { kind: 'per-anchor', count: 3, source: 'views', rho: 1 }, new Generator(2));
      assert.deepEqual(views.negatives?.shape, [4, 3, 9]);
    });
  } finally {
    src.dispose();
  }
});

test('clusters source: the frame comes from the set stream (the same for every ι), draws from the generator, the held-out set is fixed', () => {
  const before = liveTensors();
  const a = new ClustersDataSource(config(0), ctx(5));
  const a2 = new ClustersDataSource(config(0), ctx(5));
  const b = new ClustersDataSource(config(1), ctx(5));
  try {
    scope(() => {
      assert.deepEqual(a.evalSet().inputs.toArray(), a2.evalSet().inputs.toArray());
      assert.deepEqual(a.evalSet().positives!.toArray(), a2.evalSet().positives!.toArray());
      assert.equal(a.evalSet(), a.evalSet());
      // Same frame at another ι: cluster centres (mean of a cluster's anchors, before rescaling) agree.
      const centres = (s: ClustersDataSource) => s.data.points.reshape(3, 8, 9).mean([1]).toArray();
      const [ca, cb] = [centres(a), centres(b)];
      ca.forEach((v, i) => assert.ok(Math.abs(v - cb[i]!) < 1e-5));
      const shared = { kind: 'shared', count: 4 } as const;
      assert.deepEqual(
        a.batch(1, 8, shared, new Generator(9)).negatives!.toArray(),
        a2.batch(3, 8, shared, new Generator(9)).negatives!.toArray(),
      );
      assert.notDeepEqual(
        a.batch(1, 8, shared, new Generator(9)).anchors.toArray(),
        a.batch(1, 8, shared, new Generator(10)).anchors.toArray(),
      );
    });
  } finally {
    for (const s of [a, a2, b]) s.dispose();
  }
  assert.equal(liveTensors(), before, 'dispose frees the dataset and the held-out set');
});
