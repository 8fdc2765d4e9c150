import { test } from 'node:test';
import { gradcheck } from '../util/gradcheck.js';
import assert from 'node:assert/strict';
import { eye, F, Generator, linalg, scope } from '../../src/torch/index.js';
import { InvertibleMlpProcess } from '../../src/processes/index.js';
import { maxAbsDiff, rows, sphere } from './helpers.js';

const leaky = (v: number, slope: number): number => (v >= 0 ? v : slope * v);

test('invertible-mlp: cl-ica construction — unit-norm columns, every layer under the condition threshold', () => {
  scope(() => {
    const g = new InvertibleMlpProcess(new Generator(0));
    assert.equal(g.name, 'invertible-mlp');
    assert.deepEqual([g.inDim, g.outDim, g.layers, g.negativeSlope], [3, 3, 3, 0.2]);
    assert.equal(g.conditionNumbers.length, 3);
    // The calibrated threshold (25% quantile of random column-normalised 3×3 matrices) is modest.
    assert.ok(g.conditionThreshold > 1 && g.conditionThreshold < 10, `threshold ${g.conditionThreshold}`);
    for (let i = 0; i < 3; i++) {
      const W = g.weight(i);
      assert.deepEqual(W.shape, [3, 3]);
      assert.ok(W.abs().max().item() <= 1);
      assert.ok(W.norm(2, 0).sub(1).abs().max().item() < 1e-12, 'columns are not unit norm');
      const s = linalg.svd(W).S.toArray();
      const cond = s[0]! / s[2]!;
      assert.ok(Math.abs(cond - g.conditionNumbers[i]!) < 1e-9);
      assert.ok(cond <= g.conditionThreshold, `layer ${i}: cond ${cond} > ${g.conditionThreshold}`);
    }
    assert.throws(() => g.weight(3), {
      name: 'RangeError',
      message: 'invertible-mlp: layer index must be in [0, 2], got 3',
    });
    // An explicit threshold is honoured, for wider and deeper networks too.
    const wide = new InvertibleMlpProcess(new Generator(1), { dim: 10, layers: 4, condThreshold: 30 });
    assert.equal(wide.conditionThreshold, 30);
    assert.ok(wide.conditionNumbers.length === 4 && wide.conditionNumbers.every((c) => c <= 30));
  });
});

test('invertible-mlp: apply equals the layer-by-layer computation by hand (x·Wᵀ, LeakyReLU between layers)', () => {
  scope(() => {
    const g = new InvertibleMlpProcess(new Generator(2));
    const W = [0, 1, 2].map((i) => rows(g.weight(i)));
    const z = sphere(10, new Generator(3), 'float64');
    rows(g.apply(z)).forEach((x, n) => {
      let h = rows(z)[n]!;
      W.forEach((w, layer) => {
        h = w.map((wr) => wr.reduce((s, v, j) => s + v * h[j]!, 0));
        if (layer < 2) h = h.map((v) => leaky(v, 0.2));
      });
      x.forEach((v, i) => assert.ok(Math.abs(v - h[i]!) < 1e-12, `${v} vs ${h[i]}`));
    });
  });
});

test('invertible-mlp: injective and numerically invertible layer by layer; nonlinear', () => {
  scope(() => {
    const g = new InvertibleMlpProcess(new Generator(4));
    for (const [dtype, tol] of [
      ['float32', 1e-4],
      ['float64', 1e-10],
    ] as const) {
      const z = sphere(500, new Generator(5), dtype);
      const x = g.apply(z);
      assert.equal(x.dtype, dtype);
      assert.deepEqual(x.shape, [500, 3]);
      assert.ok(maxAbsDiff(g.inverse(x), z) < tol);
      // Distinct inputs → distinct outputs: the closest pair of outputs is well separated.
      const d = F.cdist(x, x).add(eye(500, dtype).mul(1e9));
      assert.ok(d.min().item() > 1e-4, `two outputs coincide (${d.min().item()})`);
    }
    // LeakyReLU breaks the odd symmetry a linear map would have: g(−z) ≠ −g(z).
    const z = sphere(50, new Generator(6), 'float64');
    assert.ok(maxAbsDiff(g.apply(z.neg()), g.apply(z).neg()) > 0.05);
  });
});

test('invertible-mlp: same seed → same network; different seed → different', () => {
  scope(() => {
    const z = sphere(20, new Generator(7), 'float32');
    const [a, b, c] = [7, 7, 8].map((s) => new InvertibleMlpProcess(new Generator(s))) as [
      InvertibleMlpProcess,
      InvertibleMlpProcess,
      InvertibleMlpProcess,
    ];
    for (let i = 0; i < 3; i++) assert.deepEqual(a.weight(i).toArray(), b.weight(i).toArray());
    assert.equal(a.conditionThreshold, b.conditionThreshold);
    assert.deepEqual(a.apply(z).toArray(), b.apply(z).toArray());
    assert.notDeepEqual(a.weight(0).toArray(), c.weight(0).toArray());
    assert.ok(maxAbsDiff(a.apply(z), c.apply(z)) > 1e-3);
  });
});

test('invertible-mlp: gradient through apply matches finite differences; weights stay frozen', () => {
  scope(() => {
    const g = new InvertibleMlpProcess(new Generator(8));
    const z = sphere(4, new Generator(9), 'float64').requiresGrad_();
    const weights = sphere(4, new Generator(10), 'float64');
    // Central differences against autograd, every element, |analytic − numerical| < 1e-6.
    gradcheck((zz) => g.apply(zz).mul(weights).sum(), [z], { eps: 1e-7, atol: 1e-6, rtol: 0 });
    assert.equal(g.weight(0).requiresGrad, false);
  });
});

test('invertible-mlp: option checks and wrong input dimension', () => {
  const gen = new Generator(0);
  assert.throws(() => new InvertibleMlpProcess(gen, { layers: 0 }), {
    name: 'RangeError',
    message: 'invertible-mlp: layers must be an integer ≥ 1, got 0',
  });
  assert.throws(() => new InvertibleMlpProcess(gen, { negativeSlope: 0 }), {
    name: 'RangeError',
    message: 'invertible-mlp: negativeSlope must be > 0 for LeakyReLU to be invertible, got 0',
  });
  assert.throws(() => new InvertibleMlpProcess(gen, { condQuantile: 1 }), {
    message: 'invertible-mlp: condQuantile must be in [0, 1), got 1',
  });
  assert.throws(() => new InvertibleMlpProcess(gen, { condThreshold: 0.5 }), { message: /condThreshold must be ≥ 1/ });
  // An unreachable threshold fails after maxAttempts draws instead of looping forever.
  assert.throws(() => new InvertibleMlpProcess(gen, { dim: 5, condThreshold: 1, maxAttempts: 20 }), {
    name: 'Error',
    message: 'invertible-mlp: no weight with condition number ≤ 1 in 20 draws (layer 1)',
  });
  scope(() => {
    assert.throws(() => new InvertibleMlpProcess(gen, { condPool: 100 }).apply(sphere(2, gen, 'float32', 5)), {
      name: 'RangeError',
      message: 'invertible-mlp: expects z of shape [n, 3] (inDim 3), got [2, 5]',
    });
  });
});
