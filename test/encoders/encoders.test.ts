// Encoders: shapes, unit-norm outputs, parameter counts, seeded determinism, gradients, the exact
// inverses of the spiral / patches / linear processes, BatchNorm modes and argument checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, linalg, randn, scope, type Tensor } from '../../src/torch/index.js';
import type { Module } from '../../src/nn/index.js';
import { LinearProcess, PatchesProcess, SpiralProcess } from '../../src/processes/index.js';
import {
  ENCODER_KINDS,
  InverseLinearEncoder,
  InversePatchesEncoder,
  InverseSpiralEncoder,
  MlpEncoder,
  createEncoder,
} from '../../src/encoders/index.js';

const sphere = (n: number, gen: Generator, dtype: 'float32' | 'float64' = 'float32'): Tensor =>
  F.normalize(randn([n, 3], gen, dtype), 1);
const maxAbsDiff = (a: Tensor, b: Tensor): number => scope(() => a.sub(b).abs().max().item());
const maxNormError = (y: Tensor): number => scope(() => y.norm(2, 1).sub(1).abs().max().item());

/** Backward of a random linear functional of f(x): every parameter gets a finite gradient, and not all are zero. */
function assertGradsReachAll(f: Module, x: Tensor, gen: Generator): void {
  scope(() => {
    for (const p of f.parameters()) p.zeroGrad();
    const y = f.forward(x);
    y.mul(randn(y.shape, gen)).sum().backward();
    for (const [name, p] of f.namedParameters()) {
      const g = p.grad;
      assert.ok(g !== undefined && g !== null, `no gradient for ${name}`);
      assert.deepEqual(g.shape, p.shape, name);
      assert.ok(g.isfinite().all().item(), `non-finite gradient for ${name}`);
      assert.ok(g.abs().max().item() > 0, `zero gradient for ${name}`);
    }
  });
}

const ENCODERS: [string, (gen: Generator) => Module, number, number][] = [
  ['MlpEncoder', (gen) => new MlpEncoder({ inDim: 7, gen }), 7, 3],
  ['InverseLinearEncoder', (gen) => new InverseLinearEncoder({ inDim: 7, gen }), 7, 3],
  ['InverseSpiralEncoder', (gen) => new InverseSpiralEncoder({ gen }), 3, 3],
  ['InversePatchesEncoder', (gen) => new InversePatchesEncoder({ gen }), 3, 3],
];

for (const [name, make, inDim, outDim] of ENCODERS) {
  test(`${name}: shape, unit-norm rows, seeded determinism, gradients reach every parameter`, () => {
    scope(() => {
      const data = new Generator(100);
      const x = randn([64, inDim], data);
      const f = make(new Generator(1));
      const y = f.forward(x);
      assert.deepEqual(y.shape, [64, outDim]);
      assert.equal(y.dtype, 'float32');
      assert.ok(maxNormError(y) < 1e-5, `norm error ${maxNormError(y)}`);
      assert.equal(maxAbsDiff(make(new Generator(1)).forward(x), y), 0, 'same seed, same encoder');
      assert.ok(maxAbsDiff(make(new Generator(2)).forward(x), y) > 1e-3, 'another seed, another encoder');
      assertGradsReachAll(f, x, data);
    });
  });

  test(`${name}: clear errors for a wrong input shape or dtype`, () => {
    const f = make(new Generator(0));
    scope(() => {
      assert.throws(() => f.forward(randn([5, inDim + 1])), {
        name: 'RangeError',
        message: new RegExp(`^${name}: expects x of shape \\[n, ${inDim}\\], got \\[5, ${inDim + 1}\\]$`),
      });
      assert.throws(() => f.forward(randn([inDim])), {
        name: 'RangeError',
        message: new RegExp(`got \\[${inDim}\\]$`),
      });
      assert.throws(() => f.forward(randn([5, inDim], undefined, 'float64')), {
        name: 'TypeError',
        message: new RegExp(`^${name}: x must be float32`),
      });
    });
  });
}

test('parameter counts', () => {
  const gen = new Generator(0);
  // Paper A's MLP: Σ a·b + b over (7,128,256,256,256,128,3), plus 2h per BatchNorm.
  const widths = [7, 128, 256, 256, 256, 128, 3];
  let linear = 0;
  for (let i = 1; i < widths.length; i++) linear += widths[i - 1]! * widths[i]! + widths[i]!;
  const bn = 2 * (128 + 256 + 256 + 256 + 128);
  assert.equal(new MlpEncoder({ inDim: 7, gen }).numParameters(), linear + bn);
  assert.equal(new MlpEncoder({ inDim: 7, gen, batchNorm: false }).numParameters(), linear);
  assert.equal(
    new MlpEncoder({ inDim: 3, outDim: 2, hidden: [4], gen }).numParameters(),
    3 * 4 + 4 + 2 * 4 + 4 * 2 + 2,
  );
  assert.equal(new InverseLinearEncoder({ inDim: 7, gen }).numParameters(), 7 * 3 + 3);
  // c predictor 3 → 64 → 32 → 1.
  assert.equal(new InverseSpiralEncoder({ gen }).numParameters(), 3 * 64 + 64 + 64 * 32 + 32 + 32 + 1);
  // z₃: 3 → 32 → 16 → 1; buckets: 3 → 64 → 32 → 2K (K = 4).
  const zNet = 3 * 32 + 32 + 32 * 16 + 16 + 16 + 1;
  const bucketNet = 3 * 64 + 64 + 64 * 32 + 32 + 32 * 8 + 8;
  assert.equal(new InversePatchesEncoder({ gen }).numParameters(), zNet + bucketNet);
  assert.deepEqual(
    new InverseSpiralEncoder({ gen }).namedParameters().map(([n]) => n),
    [
      'predictor.0.weight',
      'predictor.0.bias',
      'predictor.2.weight',
      'predictor.2.bias',
      'predictor.4.weight',
      'predictor.4.bias',
    ],
  );
});

test('MlpEncoder: BatchNorm uses batch statistics in training and running statistics in eval', () => {
  scope(() => {
    const data = new Generator(5);
    const f = new MlpEncoder({ inDim: 3, hidden: [16, 16], gen: new Generator(0) });
    const x = randn([32, 3], data);
    // Reference block order Linear → ReLU → BatchNorm: the first BatchNorm is child 2.
    const bnMean = f.namedBuffers().find(([n]) => n === 'net.2.running_mean')![1];
    const before = bnMean.clone();
    const yTrain = f.forward(x);
    assert.ok(maxAbsDiff(bnMean, before) > 0, 'training updates the running mean');
    // Training mode: a row's embedding depends on the rest of the batch.
    const head = x.narrow(0, 0, 8);
    assert.ok(maxAbsDiff(f.forward(head), yTrain.narrow(0, 0, 8)) > 1e-4);
    f.eval();
    const stats = bnMean.clone();
    const yEval = f.forward(x);
    assert.equal(maxAbsDiff(bnMean, stats), 0, 'eval leaves the running mean alone');
    assert.ok(maxNormError(yEval) < 1e-5);
    // Eval mode: per-sample, so any sub-batch gives the same rows.
    assert.ok(maxAbsDiff(f.forward(head), yEval.narrow(0, 0, 8)) < 1e-6);
    assert.ok(maxAbsDiff(f.forward(x.narrow(0, 3, 1)), yEval.narrow(0, 3, 1)) < 1e-6, 'a single row works in eval');
    f.train();
    assert.throws(() => f.forward(x.narrow(0, 3, 1)), /expected more than 1 value per channel/);
  });
});

test('InverseLinearEncoder: with W⁺ and −W⁺b it inverts the linear process on S²', () => {
  scope(() => {
    const g = new LinearProcess(new Generator(3));
    const f = new InverseLinearEncoder({ inDim: 7, gen: new Generator(0) });
    const wPinv = linalg.pinv(g.weight); // W⁺ [3, 7] (float64)
    f.loadStateDict({ 'linear.weight': wPinv.to('float32'), 'linear.bias': wPinv.matmul(g.bias).neg().to('float32') });
    const z = sphere(500, new Generator(4));
    assert.ok(maxAbsDiff(f.forward(g.apply(z)), z) < 1e-5);
  });
});

test('InverseSpiralEncoder: c = z₃ inverts SpiralProcess; the predicted c is bounded by tanh', () => {
  scope(() => {
    const data = new Generator(6);
    for (const turns of [2, 3.5]) {
      const g = new SpiralProcess({ turns });
      const f = new InverseSpiralEncoder({ turns, gen: new Generator(0) });
      for (const dtype of ['float32', 'float64'] as const) {
        const z = sphere(2000, data, dtype);
        const x = g.apply(z);
        assert.ok(maxAbsDiff(f.forwardWithC(x, z.select(1, 2)), z) < (dtype === 'float32' ? 1e-5 : 1e-12));
        assert.ok(maxAbsDiff(f.forwardWithC(x, z.select(1, 2)), g.inverse(x)) < 1e-5);
      }
    }
    const f = new InverseSpiralEncoder({ gen: new Generator(0) });
    const big = randn([100, 3], data).mul(100);
    const c = f.predictC(big);
    assert.deepEqual(c.shape, [100]);
    assert.ok(c.abs().max().item() <= 1);
    // The third output coordinate is c/|(rotated, c)|.
    const y = f.forward(big);
    assert.ok(maxAbsDiff(y.select(1, 2), c.div(big.narrow(1, 0, 2).norm(2, 1).square().add(c.square()).sqrt())) < 1e-5);
    const unbounded = new InverseSpiralEncoder({ gen: new Generator(0), boundC: false });
    assert.ok(unbounded.predictC(big).abs().max().item() > 1);
    assert.throws(() => f.forwardWithC(randn([4, 3]), randn([3])), {
      name: 'RangeError',
      message: 'InverseSpiralEncoder: expects c of shape [4], got [3]',
    });
    assert.throws(
      () => new InverseSpiralEncoder({ gen: new Generator(0), turns: Number.NaN }),
      /turns must be a finite number/,
    );
  });
});

test('InversePatchesEncoder: true z₃ and one-hot weights on the true slices invert PatchesProcess (both variants)', () => {
  scope(() => {
    const data = new Generator(7);
    for (const variant of ['reference', 'design'] as const) {
      for (const slices of [4, 3]) {
        const g = new PatchesProcess({ variant, slices });
        const f = new InversePatchesEncoder({ variant, slices, gen: new Generator(0) });
        const z = sphere(2000, data);
        const x = g.apply(z);
        // Outer rotation: slice of x₃ (= the turned height); inner: slice of z₃.
        const hard = (h: Tensor): Tensor => F.oneHot(g.slice(h).clampMin(0), slices).to('float32');
        const weights = { outer: hard(x.select(1, 2)), inner: hard(z.select(1, 2)) };
        const back = f.invert(x, z.select(1, 2), weights);
        assert.ok(maxAbsDiff(back, z) < 1e-5, `${variant}, K=${slices}: ${maxAbsDiff(back, z)}`);
        assert.ok(maxAbsDiff(back, g.inverse(x)) < 1e-5);
        // Wrong slices do not invert (the rotations matter).
        const wrong = { outer: weights.inner, inner: weights.outer };
        assert.ok(maxAbsDiff(f.invert(x, z.select(1, 2), wrong), z) > 0.1);
      }
    }
    // The inverse angles are minus the process's: reference +π/max(1, K−k), design −π/max(1, K−k).
    const ref = new InversePatchesEncoder({ gen: new Generator(0) }).inverseAngles;
    const des = new InversePatchesEncoder({ gen: new Generator(0), variant: 'design' }).inverseAngles;
    [4, 3, 2, 1].forEach((d, k) => {
      assert.ok(Math.abs(ref[k]! + Math.PI / d) < 1e-15);
      assert.ok(Math.abs(des[k]! - Math.PI / d) < 1e-15);
    });
  });
});

test('InversePatchesEncoder: predicted weights are distributions over K slices, ẑ₃ in (−1, 1)', () => {
  scope(() => {
    const f = new InversePatchesEncoder({ slices: 5, gen: new Generator(0) });
    const x = sphere(50, new Generator(8));
    const { outer, inner } = f.predictBuckets(x);
    for (const w of [outer, inner]) {
      assert.deepEqual(w.shape, [50, 5]);
      assert.ok(w.min().item() >= 0);
      assert.ok(w.sum(1).sub(1).abs().max().item() < 1e-5);
    }
    const z3 = f.predictZ3(x.mul(100));
    assert.deepEqual(z3.shape, [50]);
    assert.ok(z3.abs().max().item() <= 1);
    assert.ok(
      maxAbsDiff(f.forward(x).select(1, 2), f.invert(x, f.predictZ3(x), f.predictBuckets(x)).select(1, 2)) === 0,
    );
    assert.throws(() => f.invert(x, z3, { outer, inner: inner.narrow(1, 0, 4) }), {
      name: 'RangeError',
      message: 'InversePatchesEncoder: expects inner weights of shape [50, 5], got [50, 4]',
    });
    assert.throws(
      () => new InversePatchesEncoder({ gen: new Generator(0), slices: 0 }),
      /slices must be a positive integer/,
    );
    assert.throws(
      () => new InversePatchesEncoder({ gen: new Generator(0), variant: 'x' as never }),
      /variant must be 'reference' or 'design'/,
    );
  });
});

test('createEncoder: builds each kind, passes options, checks dims, and lists valid kinds', () => {
  scope(() => {
    assert.deepEqual([...ENCODER_KINDS], ['mlp', 'inverse-linear', 'inverse-spiral', 'inverse-patches']);
    const gen = (): Generator => new Generator(0);
    const mlpEnc = createEncoder({ kind: 'mlp', hidden: [8], batchNorm: false }, { inDim: 7, outDim: 4 }, gen());
    assert.ok(mlpEnc instanceof MlpEncoder);
    assert.deepEqual(mlpEnc.hidden, [8]);
    assert.equal(mlpEnc.numParameters(), 7 * 8 + 8 + 8 * 4 + 4);
    assert.deepEqual(mlpEnc.forward(randn([2, 7])).shape, [2, 4]);
    const lin = createEncoder({ kind: 'inverse-linear' }, { inDim: 7, outDim: 3 }, gen());
    assert.ok(lin instanceof InverseLinearEncoder);
    // Same generator state, same weights as the direct constructor.
    assert.equal(maxAbsDiff(lin.weight, new InverseLinearEncoder({ inDim: 7, gen: gen() }).weight), 0);
    const sp = createEncoder({ kind: 'inverse-spiral', turns: 3 }, { inDim: 3, outDim: 3 }, gen());
    assert.ok(sp instanceof InverseSpiralEncoder && sp.turns === 3);
    const pa = createEncoder({ kind: 'inverse-patches', variant: 'design', slices: 2 }, { inDim: 3, outDim: 3 }, gen());
    assert.ok(pa instanceof InversePatchesEncoder && pa.variant === 'design' && pa.slices === 2);
    assert.throws(() => createEncoder({ kind: 'inverse-spiral' }, { inDim: 7, outDim: 3 }, gen()), {
      name: 'RangeError',
      message: "createEncoder: 'inverse-spiral' maps S² data to S² (inDim 3, outDim 3), got inDim 7, outDim 3",
    });
    assert.throws(() => createEncoder({ kind: 'resnet' } as never, { inDim: 3, outDim: 3 }, gen()), {
      name: 'RangeError',
      message:
        "createEncoder: unknown encoder kind 'resnet'; valid: mlp, inverse-linear, inverse-spiral, inverse-patches",
    });
    assert.throws(
      () => new MlpEncoder({ inDim: 0, gen: gen() }),
      /MlpEncoder: inDim must be a positive integer, got 0/,
    );
    assert.throws(
      () => new MlpEncoder({ inDim: 3, hidden: [4, 2.5], gen: gen() }),
      /MlpEncoder: hidden\[1\] must be a positive integer/,
    );
  });
});
