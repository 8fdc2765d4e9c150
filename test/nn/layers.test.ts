// Layers: values against hand computations and closed forms, mode-dependent behaviour, argument checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, arange, ones, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  GELU,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  Sigmoid,
  Softplus,
  Tanh,
  activation,
} from '../../src/nn/index.js';
import { assertClose } from '../util/fixtures.js';

/** Per-column mean and biased/unbiased variance of a [N, C] matrix, in float64 JavaScript. */
function columnStats(x: Tensor): { mean: number[]; biased: number[]; unbiased: number[] } {
  const [n, c] = x.shape as [number, number];
  const v = x.toFloat64Array();
  const mean = Array.from({ length: c }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i * c + j]!;
    return s / n;
  });
  const ss = mean.map((m, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (v[i * c + j]! - m) ** 2;
    return s;
  });
  return { mean, biased: ss.map((s) => s / n), unbiased: ss.map((s) => s / (n - 1)) };
}

test('Linear computes x·Wᵀ + b with PyTorch-default bounds, and without bias when asked', () => {
  const gen = new Generator(0);
  const fc = new Linear(50, 20, gen);
  scope(() => {
    const bound = 1 / Math.sqrt(50);
    assert.ok(fc.weight.abs().max().item() <= bound);
    assert.ok(fc.weight.abs().max().item() > 0.95 * bound, 'uses the whole range');
    assert.ok(fc.bias!.abs().max().item() <= bound);
    const x = randn([4, 50], gen);
    assertClose(fc.forward(x), x.matmul(fc.weight.T).add(fc.bias!), { atol: 1e-6 });
    assert.deepEqual(fc.forward(randn([2, 3, 50], gen)).shape, [2, 3, 20]);
  });
  const noBias = new Linear(3, 2, gen, { bias: false });
  assert.deepEqual(
    noBias.namedParameters().map(([n]) => n),
    ['weight'],
  );
  assert.equal(noBias.toString(), 'Linear(in_features=3, out_features=2, bias=False)');
  assert.throws(() => new Linear(0, 2, gen), /Linear: inFeatures must be a positive integer, got 0/);
  fc.dispose();
  noBias.dispose();
});

test('BatchNorm1d in training normalises with batch statistics and updates running stats (momentum 0.1, unbiased var)', () => {
  const bn = new BatchNorm1d(4);
  scope(() => {
    const x = randn([32, 4], new Generator(1)).mul(3).add(2);
    const { mean, biased, unbiased } = columnStats(x);
    const y = bn.forward(x);
    const ys = columnStats(y);
    assertClose(ys.mean, [0, 0, 0, 0], { atol: 1e-5, label: 'output mean' });
    assertClose(
      ys.biased,
      biased.map((v) => v / (v + 1e-5)),
      { atol: 1e-4, label: 'output variance' },
    );
    assertClose(
      bn.runningMean!,
      mean.map((m) => 0.1 * m),
      { atol: 1e-5, label: 'running mean' },
    );
    assertClose(
      bn.runningVar!,
      unbiased.map((v) => 0.9 + 0.1 * v),
      { atol: 1e-5, label: 'running var' },
    );
    assert.equal(bn.numBatchesTracked!.item(), 1);
    assert.equal(bn.numBatchesTracked!.dtype, 'int64');

    // Evaluation: (x − running mean)/√(running var + eps), and nothing moves.
    bn.eval();
    const rm = bn.runningMean!.toArray();
    const rv = bn.runningVar!.toArray();
    const xv = x.toArray();
    const expected = xv.map((v, i) => (v - rm[i % 4]!) / Math.sqrt(rv[i % 4]! + 1e-5));
    assertClose(bn.forward(x), expected, { atol: 1e-5, label: 'eval output' });
    assert.deepEqual(bn.runningMean!.toArray(), rm);
    assert.equal(bn.numBatchesTracked!.item(), 1);
  });
  bn.dispose();
});

test('BatchNorm options: cumulative average (momentum null), no running stats, no affine', () => {
  const cumulative = new BatchNorm1d(2, { momentum: null });
  const plain = new BatchNorm1d(2, { trackRunningStats: false, affine: false });
  assert.equal(plain.parameters().length, 0);
  assert.equal(plain.buffers().length, 0);
  scope(() => {
    const gen = new Generator(3);
    const xs = [randn([8, 2], gen), randn([8, 2], gen), randn([8, 2], gen)];
    for (const x of xs) cumulative.forward(x);
    // momentum=None: the running mean is the plain average of the batch means.
    const avg = [0, 1].map((j) => xs.reduce((s, x) => s + columnStats(x).mean[j]!, 0) / xs.length);
    assertClose(cumulative.runningMean!, avg, { atol: 1e-6 });
    // Without running stats, eval mode still uses the batch statistics.
    plain.eval();
    assertClose(columnStats(plain.forward(xs[0]!)).mean, [0, 0], { atol: 1e-6 });
  });
  cumulative.dispose();
  plain.dispose();
});

test('BatchNorm checks the input rank and refuses a single value per channel in training', () => {
  const bn = new BatchNorm1d(3);
  scope(() => {
    assert.throws(() => bn.forward(ones([2, 3, 4, 5])), /BatchNorm1d: expected 2D or 3D input \(got 4D input\)/);
    assert.throws(
      () => bn.forward(ones([1, 3])),
      /expected more than 1 value per channel when training, got input shape \[1, 3\]/,
    );
    assert.equal(bn.numBatchesTracked!.item(), 0, 'a rejected batch is not counted');
    bn.eval();
    assert.deepEqual(bn.forward(ones([1, 3])).shape, [1, 3], 'a single sample is fine in eval');
  });
  assert.throws(() => new BatchNorm1d(3, { momentum: 2 }), /momentum must be in \[0, 1\] or null, got 2/);
  assert.throws(() => new BatchNorm2d(3).forward(ones([2, 3])), /BatchNorm2d: expected 4D input \(got 2D input\)/);
  bn.dispose();
});

test('BatchNorm2d normalises each channel over N, H and W', () => {
  const bn = new BatchNorm2d(3);
  scope(() => {
    const x = randn([4, 3, 5, 5], new Generator(4)).mul(2).add(1);
    const y = bn.forward(x);
    // Channels last, flattened: per-column statistics are the per-channel ones.
    const perChannel = (t: Tensor): Tensor => t.permute(0, 2, 3, 1).reshape(-1, 3);
    assertClose(columnStats(perChannel(y)).mean, [0, 0, 0], { atol: 1e-5 });
    assertClose(
      bn.runningMean!,
      columnStats(perChannel(x)).mean.map((m) => 0.1 * m),
      { atol: 1e-5 },
    );
  });
  bn.dispose();
});

test('LayerNorm normalises each sample over the trailing dimensions', () => {
  const ln = new LayerNorm([2, 3]);
  scope(() => {
    const x = randn([4, 2, 3], new Generator(5)).mul(4).add(3);
    const y = ln.forward(x).reshape(4, 6);
    assertClose(y.mean(1), [0, 0, 0, 0], { atol: 1e-5 });
    assertClose(y.var(1, { unbiased: false }), [1, 1, 1, 1], { atol: 1e-3 });
  });
  assert.deepEqual(
    ln.namedParameters().map(([n, p]) => [n, p.shape]),
    [
      ['weight', [2, 3]],
      ['bias', [2, 3]],
    ],
  );
  ln.dispose();
});

test('Conv2d: output shape, agreement with F.conv2d, default init bounds, argument checks', () => {
  const gen = new Generator(6);
  const conv = new Conv2d(4, 6, 3, gen, { padding: 1, stride: 2, groups: 2 });
  assert.deepEqual(conv.weight.shape, [6, 2, 3, 3]);
  scope(() => {
    const bound = 1 / Math.sqrt(2 * 3 * 3);
    assert.ok(conv.weight.abs().max().item() <= bound);
    assert.ok(conv.bias!.abs().max().item() <= bound);
    const x = randn([2, 4, 9, 9], gen);
    const y = conv.forward(x);
    assert.deepEqual(y.shape, [2, 6, 5, 5]);
    assertClose(y, F.conv2d(x, conv.weight, conv.bias, { padding: 1, stride: 2, groups: 2 }), { atol: 0 });
  });
  assert.throws(
    () => new Conv2d(3, 6, 3, gen, { groups: 2 }),
    /Conv2d: inChannels \(3\) must be divisible by groups \(2\)/,
  );
  assert.throws(() => new Conv2d(2, 2, [3, 0], gen), /kernelSize must be an integer >= 1 or a pair of them/);
  conv.dispose();
});

test('pooling layers on a known 4×4 input', () => {
  scope(() => {
    const x = arange(16).to('float32').reshape(1, 1, 4, 4);
    assert.deepEqual(new MaxPool2d(2).forward(x).toArray(), [5, 7, 13, 15]);
    assert.deepEqual(new AvgPool2d(2).forward(x).toArray(), [2.5, 4.5, 10.5, 12.5]);
    assert.deepEqual(new MaxPool2d(3, { stride: 1 }).forward(x).toArray(), [10, 11, 14, 15]);
    assert.deepEqual(new AdaptiveAvgPool2d(1).forward(x).toArray(), [7.5]);
    assert.deepEqual(new AdaptiveAvgPool2d([2, 1]).forward(x).toArray(), [3.5, 11.5]);
    // count_include_pad: the zero padding is averaged in by default.
    assert.equal(new AvgPool2d(2, { padding: 1 }).forward(x).toArray()[0], 0 / 4);
    assert.equal(new AvgPool2d(2, { padding: 1, stride: 2 }).forward(x).toArray()[1], (1 + 2) / 4);
    assert.throws(() => new MaxPool2d(2, { padding: 2 }), /padding \(2, 2\) must be at most half the kernel size/);
  });
});

test('Dropout: the mask is a function of the generator state; inverted scaling; identity in eval', () => {
  scope(() => {
    const x = ones([2000]);
    const a = new Dropout(0.3, new Generator(7)).forward(x).toArray();
    const b = new Dropout(0.3, new Generator(7)).forward(x).toArray();
    const c = new Dropout(0.3, new Generator(8)).forward(x).toArray();
    assert.deepEqual(a, b, 'same seed, same mask');
    assert.notDeepEqual(a, c, 'different seed, different mask');
    const kept = a.filter((v) => v !== 0);
    assert.ok(
      kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6),
      'survivors scaled by 1/(1−p)',
    );
    const dropped = 1 - kept.length / a.length;
    assert.ok(Math.abs(dropped - 0.3) < 4 * Math.sqrt((0.3 * 0.7) / 2000), `dropped fraction ${dropped} ≈ 0.3`);
    const drop = new Dropout(0.5, new Generator(9));
    const y = randn([10], new Generator(10));
    assert.deepEqual(drop.eval().forward(y).toArray(), y.toArray());
    assert.deepEqual(new Dropout(0, new Generator(1)).forward(y).toArray(), y.toArray());
    assert.ok(
      new Dropout(1, new Generator(1))
        .forward(y)
        .toArray()
        .every((v) => v === 0),
      'p = 1 drops everything',
    );
  });
  assert.throws(() => new Dropout(1.5, new Generator(0)), /Dropout: p must be in \[0, 1\], got 1.5/);
});

test('activations at known points, and the registry lists valid names', () => {
  scope(() => {
    const x = tensor([-2, 0, 3]);
    assert.deepEqual(new ReLU().forward(x).toArray(), [0, 0, 3]);
    assertClose(new LeakyReLU(0.1).forward(x), [-0.2, 0, 3], { atol: 1e-7 });
    assertClose(new Tanh().forward(x), [-2, 0, 3].map(Math.tanh), { atol: 1e-7 });
    assertClose(
      new Sigmoid().forward(x),
      [-2, 0, 3].map((v) => 1 / (1 + Math.exp(-v))),
      { atol: 1e-7 },
    );
    assertClose(
      new Softplus().forward(x),
      [-2, 0, 3].map((v) => Math.log1p(Math.exp(v))),
      { atol: 1e-6 },
    );
    assertClose(new Softplus({ beta: 2, threshold: 1 }).forward(x).select(0, 2), 3, { atol: 0 });
    // GELU(x) = x·Φ(x): Φ(0) = 1/2, Φ(3) = 0.998650101968…, Φ(−2) = 0.022750131948…
    assertClose(new GELU().forward(x), [-2 * 0.022750131948179, 0, 3 * 0.99865010196837], { atol: 1e-6 });
    assertClose(new GELU('tanh').forward(x), new GELU().forward(x), { atol: 1e-3 });
    const id = new Identity().forward(x);
    assert.notEqual(id, x);
    assert.deepEqual(id.toArray(), x.toArray());
    assert.ok(activation('gelu') instanceof GELU);
    const seq = new Sequential(activation('identity'), activation('relu'));
    assert.deepEqual(seq.forward(x).toArray(), [0, 0, 3]);
  });
  assert.throws(
    () => activation('swish' as 'relu'),
    /unknown activation 'swish'; valid: relu, leaky-relu, gelu, tanh, sigmoid, softplus, identity/,
  );
});
