import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, scope, tensor } from '../../src/torch/index.js';
import { MonomialProcess } from '../../src/processes/index.js';
import { maxAbsDiff, sphere } from './helpers.js';

test('monomial: each coordinate to its powers 1..D, coordinate-major (values by hand)', () => {
  scope(() => {
    const g = new MonomialProcess({ dim: 3, degree: 3 });
    assert.equal(g.name, 'monomial');
    assert.deepEqual([g.inDim, g.outDim, g.degree], [3, 9, 3]);
    for (const dtype of ['float32', 'float64'] as const) {
      const x = g.apply(
        tensor(
          [
            [0.5, -2, 3],
            [0, 1, -1],
          ],
          undefined,
          dtype,
        ),
      );
      assert.equal(x.dtype, dtype);
      assert.deepEqual(x.shape, [2, 9]);
      assert.deepEqual(x.toArray(), [0.5, 0.25, 0.125, -2, 4, -8, 3, 9, 27, 0, 0, 0, 1, 1, 1, -1, 1, -1]);
    }
  });
});

test('monomial: default 10D → 70D (degree 7); inverse reads the first powers back', () => {
  scope(() => {
    const g = new MonomialProcess();
    assert.deepEqual([g.inDim, g.outDim, g.degree], [10, 70, 7]);
    const z = sphere(100, new Generator(0), 'float64', 10);
    const x = g.apply(z);
    assert.deepEqual(x.shape, [100, 70]);
    // Column i·7 + (p − 1) holds z_i^p.
    assert.ok(maxAbsDiff(x.select(1, 3 * 7 + 4), z.select(1, 3).pow(5)) < 1e-15);
    assert.equal(maxAbsDiff(g.inverse(x), z), 0);
    // degree 1 is the identity.
    assert.equal(maxAbsDiff(new MonomialProcess({ dim: 10, degree: 1 }).apply(z), z), 0);
  });
});

test('monomial: gradient Σ_p p·z^(p−1), defined at z = 0 and for negative z', () => {
  scope(() => {
    const z = tensor([[0, -0.5, 2]], undefined, 'float64').requiresGrad_();
    new MonomialProcess({ dim: 3, degree: 4 }).apply(z).sum().backward();
    const expected = [0, -0.5, 2].map((v) => 1 + 2 * v + 3 * v ** 2 + 4 * v ** 3);
    z.grad!.toArray().forEach((g, i) => assert.ok(Math.abs(g - expected[i]!) < 1e-12, `${g} vs ${expected[i]}`));
  });
});

test('monomial: option checks and wrong input dimension', () => {
  assert.throws(() => new MonomialProcess({ degree: 0 }), {
    name: 'RangeError',
    message: 'monomial: degree must be an integer ≥ 1, got 0',
  });
  assert.throws(() => new MonomialProcess({ dim: 2.5 }), {
    name: 'RangeError',
    message: 'monomial: dim must be an integer ≥ 1, got 2.5',
  });
  scope(() => {
    assert.throws(() => new MonomialProcess().apply(sphere(3, new Generator(0))), {
      name: 'RangeError',
      message: 'monomial: expects z of shape [n, 10] (inDim 10), got [3, 3]',
    });
  });
});
