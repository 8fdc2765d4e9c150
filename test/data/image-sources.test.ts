// The image data kinds (mnist, cifar10, shapes): shapes of batches and held-out sets, determinism
// from the run's streams, SimCLR's drop-last epochs derived from the step alone, and the negatives
// each kind can give a loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { DataSource, NegativeRequest } from '../../src/data/source.js';
import { epochPosition } from '../../src/data/sources/image-set.js';
import { renderSphere, shapePoleDifference } from '../../src/data/sources/shapes.js';
import { buildData, expandRuns, resolveSpec, runStreams, trainRun } from '../../src/experiments/index.js';
import { RunStore } from '../../src/runs/index.js';
import { UniformSphere } from '../../src/latent/index.js';
import { Generator, liveTensors, scope, setNumThreads, type Tensor } from '../../src/torch/index.js';
import { fakeCifar } from '../util/fake-cifar.js';
import { tempDir } from '../util/temp.js';

setNumThreads(1);

const NONE: NegativeRequest = { kind: 'none' };
const REAL_CIFAR = path.resolve('../shared/data/cifar-10-batches-bin');

/** The data source of a minimal spec around `data` (seed `seed`). */
function source(data: Record<string, unknown>, seed = 0, extra: Record<string, unknown> = {}): DataSource {
  const spec = resolveSpec({
    name: 'images',
    data,
    encoder: { kind: 'pixel-mlp' },
    loss: { kind: 'nt-xent', tau: 0.5 },
    eval: { samples: 64, metrics: [] },
    ...extra,
  });
  return buildData(expandRuns(spec)[0]!.spec, runStreams(seed));
}

const equal = (a: Tensor, b: Tensor): boolean =>
  scope(() => a.shape.join() === b.shape.join() && a.sub(b).abs().max().item() === 0);
const rowsOf = (t: Tensor): string[] => scope(() => t.unbind(0).map((r) => r.reshape(-1).toArray().join(',')));

test('epochPosition: drop-last epochs of ⌊n / B⌋ steps, one step of all n images when n < B', () => {
  assert.deepEqual(epochPosition(1, 10, 4), { epoch: 0, start: 0, size: 4 });
  assert.deepEqual(epochPosition(2, 10, 4), { epoch: 0, start: 4, size: 4 }); // images 8, 9 are dropped
  assert.deepEqual(epochPosition(3, 10, 4), { epoch: 1, start: 0, size: 4 });
  assert.deepEqual(epochPosition(5, 10, 4), { epoch: 2, start: 0, size: 4 });
  assert.deepEqual(epochPosition(3, 6, 8), { epoch: 2, start: 0, size: 6 });
  assert.throws(() => epochPosition(0, 10, 4), /step must be an integer ≥ 1/);
});

test('mnist: shapes of the batch, the negatives and the held-out set (clean test and train splits)', () => {
  const before = liveTensors();
  const data = source({ kind: 'mnist', train: 40, test: 20, augmentation: 'all' });
  try {
    assert.deepEqual(data.inputShape, [1, 28, 28]);
    assert.equal(data.size, 40);
    assert.deepEqual([...data.perAnchorSources], ['views']);
    const gen = new Generator(1);
    scope(() => {
      const b = data.batch(1, 16, NONE, gen);
      assert.deepEqual(b.anchors.shape, [16, 1, 28, 28]);
      assert.deepEqual(b.positives.shape, [16, 1, 28, 28]);
      assert.equal(b.negatives, undefined);
      assert.ok(!equal(b.anchors, b.positives), 'two independent views');
      assert.deepEqual(data.batch(2, 16, { kind: 'shared', count: 5 }, gen).negatives?.shape, [5, 1, 28, 28]);
      assert.deepEqual(
        data.batch(3, 16, { kind: 'per-anchor', count: 3, source: 'views', rho: 1 }, gen).negatives?.shape,
        [16, 3, 1, 28, 28],
      );
      assert.throws(
        () => data.batch(4, 16, { kind: 'per-anchor', count: 3, source: 'support', rho: 1 }, gen),
        /no latent support/,
      );
    });
    const e = data.evalSet();
    assert.deepEqual(e.inputs.shape, [20, 1, 28, 28]);
    assert.deepEqual(e.labels?.shape, [20]);
    assert.deepEqual(e.positives?.shape, [20, 1, 28, 28]);
    assert.deepEqual(e.train?.inputs.shape, [40, 1, 28, 28]);
    assert.equal(data.evalSet(), e, 'the same held-out set at every call');
    // Train and test digits are disjoint.
    const train = new Set(rowsOf(e.train!.inputs));
    assert.ok(rowsOf(e.inputs).every((r) => !train.has(r)));
  } finally {
    data.dispose();
  }
  assert.equal(liveTensors(), before, 'no tensor leaks');
});

test('mnist: an epoch reads each image once; the order is a function of the step (same on a fresh source); the seed picks the split', () => {
  const a = source({ kind: 'mnist', train: 40, test: 8, augmentation: 'none' });
  const b = source({ kind: 'mnist', train: 40, test: 8, augmentation: 'none' });
  const c = source({ kind: 'mnist', train: 40, test: 8, augmentation: 'none' }, 1);
  try {
    scope(() => {
      const train = a.evalSet().train!.inputs;
      const g = new Generator(0);
      // 40 images, batch 16: epochs of 2 steps (8 images dropped per epoch).
      const s1 = rowsOf(a.batch(1, 16, NONE, g).anchors);
      const s2 = rowsOf(a.batch(2, 16, NONE, g).anchors);
      const s3 = a.batch(3, 16, NONE, g).anchors;
      const all = new Set(rowsOf(train));
      const epoch = [...s1, ...s2];
      assert.equal(new Set(epoch).size, 32, 'no image twice in an epoch');
      assert.ok(
        epoch.every((r) => all.has(r)),
        'anchors are train images (no augmentation)',
      );
      assert.ok(!equal(s3, a.batch(1, 16, NONE, g).anchors), 'the next epoch reshuffles');
      // Step 3 of a fresh source with the same seed reads the same images: no state to checkpoint.
      assert.ok(equal(b.batch(3, 16, NONE, new Generator(0)).anchors, s3));
      assert.ok(!equal(c.evalSet().inputs, a.evalSet().inputs), 'another seed draws another split');
    });
  } finally {
    for (const d of [a, b, c]) d.dispose();
  }
});

test('mnist: the same seed and data stream give identical augmented batches', () => {
  const a = source({ kind: 'mnist', train: 32, test: 8, augmentation: 'all' });
  const b = source({ kind: 'mnist', train: 32, test: 8, augmentation: 'all' });
  try {
    scope(() => {
      const [ga, gb] = [new Generator(5), new Generator(5)];
      for (const step of [1, 2, 3]) {
        const x = a.batch(step, 8, NONE, ga);
        const y = b.batch(step, 8, NONE, gb);
        assert.ok(equal(x.anchors, y.anchors) && equal(x.positives, y.positives), `step ${step}`);
      }
      assert.ok(equal(a.evalSet().positives!, b.evalSet().positives!));
    });
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('mnist: train + test beyond the bundled digits is refused', () => {
  assert.throws(() => source({ kind: 'mnist', train: 9000, test: 2000 }), /exceeds the 10000 bundled digits/);
});

test('cifar10: reads the binary format from data.path (a small fixture), data.path is required', () => {
  const dir = fakeCifar(6);
  const data = source({
    kind: 'cifar10',
    path: dir,
    train: 20,
    test: 5,
    augmentation: 'crop-only',
    allowPartial: true,
  });
  try {
    assert.deepEqual(data.inputShape, [3, 32, 32]);
    assert.equal(data.size, 20);
    const e = data.evalSet();
    assert.deepEqual(e.inputs.shape, [5, 3, 32, 32]);
    assert.deepEqual(e.train?.labels.shape, [20]);
    scope(() => assert.deepEqual(data.batch(1, 8, NONE, new Generator(0)).anchors.shape, [8, 3, 32, 32]));
  } finally {
    data.dispose();
  }
  assert.throws(() => source({ kind: 'cifar10' }), /data\.path: required/);
  // Without allowPartial, a fixture-size file is refused (a real run needs the real files).
  assert.throws(() => source({ kind: 'cifar10', path: dir, train: 4, test: 2 }), /CIFAR-10 binary/);
});

test('cifar10: the real data in ../shared/data/cifar-10-batches-bin (skipped when absent)', (t) => {
  if (!fs.existsSync(REAL_CIFAR)) {
    t.skip(`${REAL_CIFAR} is absent (the real CIFAR-10 binary files; see ../shared/data/README.md)`);
    return;
  }
  const data = source({ kind: 'cifar10', path: REAL_CIFAR, train: 10, test: 10, augmentation: 'all' });
  try {
    const e = data.evalSet();
    // The checks of ../shared/data/README.md: the official label order.
    assert.deepEqual(e.train!.labels.toArray(), [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
    assert.deepEqual(e.labels!.toArray(), [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
    scope(() => {
      const b = data.batch(1, 4, NONE, new Generator(0));
      const [lo, hi] = [b.anchors.min().item(), b.anchors.max().item()];
      assert.ok(lo >= 0 && hi <= 1 && hi > lo, `pixels in [0, 1], got [${lo}, ${hi}]`);
    });
  } finally {
    data.dispose();
  }
});

const SHAPES = { kind: 'shapes' };
const VMF = { latent: { dim: 3 }, conditional: { kind: 'vmf', kappa: 3 } };
const RESTRICTED = { latent: { dim: 3 }, conditional: { kind: 'restricted-vmf', kappa: 3, fixedDims: 1 } };

test('shapes: images of latents on S², positives from the spec conditional, clean held-out images with latents', () => {
  const before = liveTensors();
  const data = source({ ...SHAPES, augmentation: 'all' }, 0, RESTRICTED);
  try {
    assert.deepEqual(data.inputShape, [3, 32, 32]);
    assert.equal(data.latentDim, 3);
    assert.equal(data.size, undefined, 'an infinite set: VRNS needs an explicit datasetSize');
    assert.deepEqual([...data.perAnchorSources], ['support', 'views']);
    const e = data.evalSet();
    assert.deepEqual(e.inputs.shape, [64, 3, 32, 32]);
    assert.deepEqual(e.latents?.shape, [64, 3]);
    assert.deepEqual(e.positives?.shape, [64, 3, 32, 32]);
    scope(() => {
      // Held-out inputs are the clean renders of the held-out latents (the augmentation is for views).
      assert.ok(equal(e.inputs, renderSphere(e.latents!)));
      const g = new Generator(0);
      const b = data.batch(1, 8, { kind: 'shared', count: 5 }, g);
      assert.deepEqual(b.anchors.shape, [8, 3, 32, 32]);
      assert.deepEqual(b.negatives?.shape, [5, 3, 32, 32]);
      assert.deepEqual(
        data.batch(2, 8, { kind: 'per-anchor', count: 3, source: 'support', rho: 1 }, g).negatives?.shape,
        [8, 3, 3, 32, 32],
      );
      assert.deepEqual(
        data.batch(3, 8, { kind: 'per-anchor', count: 2, source: 'views', rho: 1 }, g).negatives?.shape,
        [8, 2, 3, 32, 32],
      );
    });
  } finally {
    data.dispose();
  }
  assert.equal(liveTensors(), before, 'no tensor leaks');
});

test('shapes: with the x-position fixed in pairs, anchor and positive share it; with vMF they do not', () => {
  // Without augmentation an image's object position can be read off its pixels: compare the
  // column profile (x) of anchor and positive, which the restricted sampler keeps.
  const xProfileGap = (extra: Record<string, unknown>): number => {
    const data = source(SHAPES, 0, extra);
    try {
      return scope(() => {
        const b = data.batch(1, 64, NONE, new Generator(3));
        // Where the object is along x: each column's mean deviation from the image mean, normalised.
        const profile = (x: Tensor): Tensor => {
          const p = x
            .sub(x.mean([2, 3], true))
            .abs()
            .mean([1, 2]); // [B, W]
          return p.div(p.sum(1, true));
        };
        const [pa, pp] = [profile(b.anchors), profile(b.positives)];
        return pa.sub(pp).abs().sum(1).mean().item();
      });
    } finally {
      data.dispose();
    }
  };
  const fixed = xProfileGap(RESTRICTED);
  const free = xProfileGap(VMF);
  assert.ok(fixed < 0.5 * free, `x-profile gap restricted ${fixed} vs vMF ${free}`);
});

test('shapes: the same seed gives the same held-out set and batches; latent.dim must be 3', () => {
  const a = source(SHAPES, 2, VMF);
  const b = source(SHAPES, 2, VMF);
  try {
    scope(() => {
      assert.ok(equal(a.evalSet().inputs, b.evalSet().inputs));
      const [x, y] = [
        a.batch(1, 8, { kind: 'shared', count: 4 }, new Generator(9)),
        b.batch(1, 8, { kind: 'shared', count: 4 }, new Generator(9)),
      ];
      assert.ok(equal(x.anchors, y.anchors) && equal(x.positives, y.positives) && equal(x.negatives!, y.negatives!));
    });
  } finally {
    a.dispose();
    b.dispose();
  }
  assert.throws(
    () => source(SHAPES, 0, { latent: { dim: 4 }, conditional: { kind: 'vmf', kappa: 3 } }),
    /latent\.dim 3/,
  );
  assert.throws(() => source(SHAPES, 0, {}), /conditional/);
});

test('shapes renderer: the poles render alike (its one blind spot); distinct latents elsewhere render distinctly', () => {
  assert.ok(shapePoleDifference() < 1e-6);
  scope(() => {
    const z = new UniformSphere(3).sample(64, new Generator(7));
    const x = renderSphere(z).reshape(64, -1);
    const zs = z.unsqueeze(1).sub(z.unsqueeze(0)).norm(2, 2).toArray();
    const xs = x.unsqueeze(1).sub(x.unsqueeze(0)).abs().max(2).toArray();
    for (let i = 0; i < 64; i++)
      for (let j = i + 1; j < 64; j++)
        if (zs[i * 64 + j]! > 0.05) assert.ok(xs[i * 64 + j]! > 1e-3, `latents ${i}, ${j} render alike`);
  });
});

test('mnist: a run stopped mid-epoch resumes from its checkpoint with the same numbers (the source holds no state)', async () => {
  const run = expandRuns(
    resolveSpec({
      name: 'mnist-resume',
      data: { kind: 'mnist', train: 20, test: 10, augmentation: 'all' },
      encoder: { kind: 'pixel-mlp', hidden: [16], outDim: 4 },
      loss: { kind: 'nt-xent', tau: 0.5 },
      // 20 images, batch 8: epochs of 2 steps; checkpoints at 2 and 4, stop at 5 (mid-epoch 3).
      train: { iterations: 7, batch: 8, checkpointEvery: 2 },
      eval: { every: 7, metrics: [{ kind: 'knn', k: 3 }] },
    }),
  )[0]!;
  const whole = new RunStore(tempDir('mnist-resume'));
  const parts = new RunStore(tempDir('mnist-resume'));
  try {
    const a = whole.create(run);
    const expected = await trainRun(a.run, { sink: a });
    const b = parts.create(run);
    assert.equal(await trainRun(b.run, { sink: b, stopAfter: 5 }), undefined);
    const resumed = await trainRun(b.run, { sink: parts.open(b.id) });
    assert.equal(resumed!.finalLoss, expected!.finalLoss);
    assert.deepEqual(resumed!.metrics, expected!.metrics);
  } finally {
    whole.close();
    parts.close();
  }
});
