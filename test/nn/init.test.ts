// Initialisation schemes: bounds and moments against their closed forms, orthogonality, determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, eye, scope, zeros, type Tensor } from '../../src/torch/index.js';
import { init } from '../../src/nn/index.js';
import { assertClose } from '../util/fixtures.js';

function moments(t: Tensor): { mean: number; std: number; maxAbs: number } {
  const v = t.toFloat64Array();
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, std: Math.sqrt(variance), maxAbs: v.reduce((a, b) => Math.max(a, Math.abs(b)), 0) };
}

test('calculateGain and fan computation follow torch.nn.init', () => {
  assert.equal(init.calculateGain('linear'), 1);
  assert.equal(init.calculateGain('tanh'), 5 / 3);
  assert.equal(init.calculateGain('relu'), Math.SQRT2);
  assert.equal(init.calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.deepEqual(init.fanInAndFanOut([16, 8, 3, 3]), { fanIn: 72, fanOut: 144 });
  assert.throws(() => init.fanInAndFanOut([5]), /fewer than 2 dimensions \(shape \[5\]\)/);
  assert.throws(() => init.calculateGain('swish' as 'relu'), /unsupported nonlinearity 'swish'/);
});

test('kaimingUniform: values in ±gain·√(3/fan) with the uniform variance bound²/3', () => {
  scope(() => {
    const gen = new Generator(0);
    const w = init.kaimingUniform([400, 250], gen, { nonlinearity: 'relu' });
    const bound = Math.SQRT2 * Math.sqrt(3 / 250);
    const m = moments(w);
    assert.ok(m.maxAbs <= bound && m.maxAbs > 0.999 * bound, `max |w| ${m.maxAbs} vs bound ${bound}`);
    assert.ok(Math.abs(m.mean) < 0.01 * bound);
    assert.ok(Math.abs(m.std - bound / Math.sqrt(3)) < 0.01 * bound, `std ${m.std}`);
    // PyTorch's Linear default (a = √5) is U(±1/√fanIn); fan_out mode uses the first dimension.
    const lin = moments(init.kaimingUniform([64, 100], gen, { a: Math.sqrt(5) }));
    assert.ok(lin.maxAbs <= 1 / Math.sqrt(100) && lin.maxAbs > 0.99 / Math.sqrt(100));
    const out = moments(init.kaimingUniform([100, 400], gen, { mode: 'fan_out', nonlinearity: 'linear' }));
    assert.ok(out.maxAbs <= Math.sqrt(3 / 100) && out.maxAbs > 0.99 * Math.sqrt(3 / 100));
  });
});

test('kaimingNormal, xavierUniform and xavierNormal: standard deviations and bounds', () => {
  scope(() => {
    const gen = new Generator(1);
    const kn = moments(init.kaimingNormal([500, 200], gen, { nonlinearity: 'relu' }));
    assert.ok(Math.abs(kn.std / (Math.SQRT2 / Math.sqrt(200)) - 1) < 0.01, `kaiming normal std ${kn.std}`);
    const xu = moments(init.xavierUniform([300, 200], gen));
    const a = Math.sqrt(6 / 500);
    assert.ok(xu.maxAbs <= a && xu.maxAbs > 0.999 * a);
    const xn = moments(init.xavierNormal([300, 200], gen, { gain: 2 }));
    assert.ok(Math.abs(xn.std / (2 * Math.sqrt(2 / 500)) - 1) < 0.01, `xavier normal std ${xn.std}`);
  });
});

test('orthogonal: QᵀQ = I (tall, square), QQᵀ = I (wide), gain scales, conv shapes flatten', () => {
  scope(() => {
    const gen = new Generator(2);
    const sq = init.orthogonal([6, 6], gen, { dtype: 'float64' });
    assertClose(sq.T.matmul(sq), eye(6, 'float64'), { atol: 1e-12, label: 'square QᵀQ' });
    assertClose(sq.matmul(sq.T), eye(6, 'float64'), { atol: 1e-12, label: 'square QQᵀ' });
    const tall = init.orthogonal([10, 3], gen);
    assertClose(tall.T.matmul(tall), eye(3), { atol: 1e-5, label: 'tall QᵀQ' });
    const wide = init.orthogonal([3, 10], gen);
    assertClose(wide.matmul(wide.T), eye(3), { atol: 1e-5, label: 'wide QQᵀ' });
    const scaled = init.orthogonal([4, 4], gen, { gain: 3 });
    assertClose(scaled.T.matmul(scaled), eye(4).mul(9), { atol: 1e-4, label: 'gain²·I' });
    const conv = init.orthogonal([4, 2, 3, 3], gen).reshape(4, 18);
    assertClose(conv.matmul(conv.T), eye(4), { atol: 1e-5, label: 'flattened conv weight' });
    // Deterministic in the generator, different across seeds.
    const a = init.orthogonal([5, 5], new Generator(9)).toArray();
    assert.deepEqual(init.orthogonal([5, 5], new Generator(9)).toArray(), a);
    assert.notDeepEqual(init.orthogonal([5, 5], new Generator(10)).toArray(), a);
  });
  assert.throws(() => init.orthogonal([5], new Generator(0)), /only tensors with 2 or more dimensions/);
});

test('in-place fillers work on a parameter (a leaf requiring grad) and keep it a leaf', () => {
  scope(() => {
    const p = zeros([8, 4]).requiresGrad_();
    init.orthogonal_(p, new Generator(3));
    assert.equal(p.isLeaf, true);
    assert.equal(p.requiresGrad, true);
    assertClose(p.detach().T.matmul(p.detach()), eye(4), { atol: 1e-5 });
    init.uniform_(p, 2, 3, new Generator(4));
    const m = moments(p.detach());
    assert.ok(m.mean > 2 && m.mean < 3);
  });
});
