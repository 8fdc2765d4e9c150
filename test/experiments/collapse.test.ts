// Representation-collapse statistics (src/experiments/collapse.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collapseStats, collapseWarnings } from '../../src/experiments/collapse.js';
import { Generator, linalg, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';

/** The statistics from the d×d covariance, as the definition reads. */
function fromCovariance(x: Tensor): { variance: number; effectiveRank: number } {
  const c = x.to('float64').sub(x.to('float64').mean(0, true));
  const eig = linalg.eigh(c.T.matmul(c).div(x.size(0) - 1)).eigenvalues.clampMin(0);
  const variance = eig.sum().item();
  const p = eig.div(variance);
  return { variance, effectiveRank: Math.exp(-p.mul(p.clampMin(1e-300).log()).sum().item()) };
}

test('collapseStats equals the d×d covariance definition both when n ≥ d and when n < d (the n×n Gram path)', () => {
  scope(() => {
    const g = new Generator(3);
    for (const shape of [
      [12, 11],
      [11, 12],
      [6, 40],
    ]) {
      const x = randn(shape, g);
      const got = collapseStats(x);
      const want = fromCovariance(x);
      assert.ok(Math.abs(got.variance - want.variance) < 1e-9 * want.variance, `${shape}: variance`);
      assert.ok(Math.abs(got.effectiveRank - want.effectiveRank) < 1e-9 * want.effectiveRank, `${shape}: rank`);
      assert.equal(got.dim, shape[1]);
    }
  });
});

test(
  'collapseWarnings on 8 points in 20,000 dimensions returns (issue 18 fuzz hang: a d×d eigendecomposition)',
  { timeout: 120_000 },
  () => {
    scope(() => {
      assert.deepEqual(collapseWarnings(randn([8, 20_000], new Generator(1))), []);
      const line = tensor([
        [1, 2],
        [2, 4],
        [3, 6],
      ]);
      assert.match(collapseWarnings(line).join('\n'), /effective rank/);
    });
  },
);
