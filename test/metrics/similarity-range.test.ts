import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxNegativeDeviation, similarityRange } from '../../src/metrics/similarity-range.js';
import { scope, tensor } from '../../src/torch/index.js';

test('similarityRange: extremes of positive and cross-view negative similarities on a constructed case; the Thm 5.1 deviation', () => {
  scope(() => {
    // u = e1, e2, −e1 (unnormalised rows are normalised); v = u except v_2 = (e1 + e2)/√2.
    const u = tensor(
      [
        [2, 0],
        [0, 1],
        [-1, 0],
      ],
      undefined,
      'float64',
    );
    const v = tensor(
      [
        [1, 0],
        [1, 1],
        [-1, 0],
      ],
      undefined,
      'float64',
    );
    const r = similarityRange(u, v);
    const h = Math.SQRT1_2;
    // Positives: 1, h, 1. Negatives: u1·v2 = h, u1·v3 = −1, u2·v1 = 0, u2·v3 = 0, u3·v1 = −1, u3·v2 = −h.
    assert.ok(Math.abs(r.posMin - h) < 1e-15);
    assert.equal(r.negMin, -1);
    assert.ok(Math.abs(r.negMax - h) < 1e-15);
    assert.ok(Math.abs(maxNegativeDeviation(r, -0.5) - (h + 0.5)) < 1e-15);
    assert.throws(() => similarityRange(u, v.narrow(0, 0, 2)), /both views must be \[n, d\] of equal shape/);
    assert.throws(() => similarityRange(u.narrow(0, 0, 1), v.narrow(0, 0, 1)), /at least 2 instances/);
  });
});
