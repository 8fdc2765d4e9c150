import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, scope } from '../../src/torch/index.js';
import { UniformSphere, sampleUniformSphere } from '../../src/latent/index.js';
import { assertWithinSE, estimate, maxNormError, sameBits } from './stats.js';

test('uniform sphere: unit rows, mean 0 and covariance I/k within 5 standard errors (k = 3, 10)', () => {
  for (const k of [3, 10]) {
    scope(() => {
      const n = 20000;
      const z = new UniformSphere(k, 'float64').sample(n, new Generator(k));
      assert.deepEqual(z.shape, [n, k]);
      assert.ok(maxNormError(z) < 1e-12);
      // Every entry of the mean and of the second-moment matrix E[z zᵀ] = I/k, each with the
      // standard error of its own sample.
      for (let i = 0; i < k; i++) {
        const zi = z.select(1, i);
        assertWithinSE(estimate(zi), 0, `k=${k} mean[${i}]`);
        for (let j = i; j < k; j++)
          assertWithinSE(estimate(zi.mul(z.select(1, j))), i === j ? 1 / k : 0, `k=${k} cov[${i},${j}]`);
      }
    });
  }
});

test('UniformSphere: a Marginal with dim and dtype; seeded; rejects a bad dimension', () => {
  scope(() => {
    const m = new UniformSphere(4);
    assert.equal(m.dim, 4);
    const a = m.sample(5, new Generator(7));
    assert.deepEqual(a.shape, [5, 4]);
    assert.equal(a.dtype, 'float32');
    assert.ok(sameBits(a, sampleUniformSphere(5, 4, new Generator(7))));
    assert.ok(!sameBits(a, m.sample(5, new Generator(8))));
    assert.deepEqual(m.sample(0, new Generator(0)).shape, [0, 4]);
    assert.throws(() => new UniformSphere(0), {
      name: 'RangeError',
      message: 'UniformSphere: dim must be an integer >= 1, got 0',
    });
    assert.throws(() => new UniformSphere(2.5), /dim must be an integer >= 1, got 2.5/);
  });
});
