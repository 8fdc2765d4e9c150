import { test } from 'node:test';
import { gradcheck } from '../util/gradcheck.js';
import assert from 'node:assert/strict';
import { Generator, scope, tensor } from '../../src/torch/index.js';
import { SpiralProcess } from '../../src/processes/index.js';
import { gram, maxAbsDiff, rows, sphere } from './helpers.js';

test('spiral: rotates (z1, z2) by nπ·z3 and keeps z3 (values by hand)', () => {
  scope(() => {
    const g = new SpiralProcess();
    assert.equal(g.name, 'spiral');
    assert.equal(g.turns, 2);
    const z = tensor(
      [
        [0.6, 0, 0.8],
        [0, 0.6, -0.8],
        [1, 0, 0],
      ],
      undefined,
      'float64',
    );
    const t = 2 * Math.PI * 0.8;
    const expected = [
      [0.6 * Math.cos(t), 0.6 * Math.sin(t), 0.8],
      [0.6 * Math.sin(t), 0.6 * Math.cos(t), -0.8],
      [1, 0, 0],
    ];
    rows(g.apply(z)).forEach((r, i) =>
      r.forEach((v, j) => assert.ok(Math.abs(v - expected[i]![j]!) < 1e-12, `${v} vs ${expected[i]![j]}`)),
    );
    assert.deepEqual(g.angle(z).toArray(), [t, -t, 0]);
    // turns = 0 is the identity.
    assert.equal(maxAbsDiff(new SpiralProcess({ turns: 0 }).apply(z), z), 0);
  });
});

test('spiral: inverse ∘ spiral = id (1e-5 in float32), outputs stay on S², dtype preserved', () => {
  scope(() => {
    const gen = new Generator(0);
    const g = new SpiralProcess();
    for (const [dtype, tol] of [
      ['float32', 1e-5],
      ['float64', 1e-12],
    ] as const) {
      const z = sphere(2000, gen, dtype);
      const x = g.apply(z);
      assert.equal(x.dtype, dtype);
      assert.deepEqual(x.shape, [2000, 3]);
      assert.ok(maxAbsDiff(g.inverse(x), z) < tol);
      assert.ok(maxAbsDiff(g.apply(g.inverse(z)), z) < tol);
      assert.ok(x.norm(2, 1).sub(1).abs().max().item() < tol);
    }
  });
});

test('spiral: not an orthogonal (or any linear) map: pairwise dot products change', () => {
  scope(() => {
    const g = new SpiralProcess();
    const z = sphere(30, new Generator(1), 'float64');
    const before = gram(rows(z));
    const after = gram(rows(g.apply(z)));
    let maxChange = 0;
    before.forEach((r, i) => r.forEach((v, j) => (maxChange = Math.max(maxChange, Math.abs(v - after[i]![j]!)))));
    assert.ok(maxChange > 0.5, `max change of a dot product ${maxChange}`);
    // Not linear: g(z/2) ≠ g(z)/2.
    assert.ok(maxAbsDiff(g.apply(z.mul(0.5)), g.apply(z).mul(0.5)) > 0.1);
  });
});

test('spiral: gradient through apply matches finite differences', () => {
  scope(() => {
    const g = new SpiralProcess();
    const z = sphere(5, new Generator(2), 'float64').requiresGrad_();
    const weights = sphere(5, new Generator(3), 'float64');
    // Central differences against autograd, every element, |analytic − numerical| < 1e-6.
    gradcheck((zz) => g.apply(zz).mul(weights).sum(), [z], { eps: 1e-6, atol: 1e-6, rtol: 0 });
  });
});

test('spiral: defined on S² only, with clear errors', () => {
  assert.throws(() => new SpiralProcess({ dim: 4 }), {
    name: 'RangeError',
    message: 'spiral: defined on S² only (inDim 3), got inDim 4',
  });
  assert.throws(() => new SpiralProcess({ turns: Number.NaN }), {
    message: 'spiral: turns must be a finite number, got NaN',
  });
  scope(() => {
    const z = sphere(5, new Generator(0), 'float32', 4);
    assert.throws(() => new SpiralProcess().apply(z), {
      name: 'RangeError',
      message: 'spiral: expects z of shape [n, 3] (defined on S² only: inDim 3), got [5, 4]',
    });
    assert.throws(() => new SpiralProcess().inverse(z), {
      name: 'RangeError',
      message: 'spiral: expects x of shape [n, 3] (outDim 3), got [5, 4]',
    });
  });
});
