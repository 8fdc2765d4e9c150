// The extremes of Paper B's similarities: the smallest positive similarity u_i·v_i and the smallest
// and largest negative (cross-view, i ≠ j) similarity u_i·v_j. At Thm 5.1's full-batch optimum every
// positive is 1 and every negative −1/(n−1), so max |s_neg + 1/(n−1)| = max(negMax − δ, δ − negMin)
// measures the distance to it.
import { F, noGrad, scope, type Tensor } from '../torch/index.js';
import { checkFinite } from './types.js';

export interface SimilarityRange {
  posMin: number;
  negMin: number;
  negMax: number;
}

/**
 * Extremes of the cosine similarities between two views u, v [n, d] (rows normalised here; float64
 * arithmetic). n ≥ 2.
 * @example
 * const { negMin, negMax } = similarityRange(u, v);
 */
export function similarityRange(u: Tensor, v: Tensor): SimilarityRange {
  if (u.ndim !== 2 || v.ndim !== 2 || u.shape[0] !== v.shape[0] || u.shape[1] !== v.shape[1])
    throw new RangeError(
      `similarityRange: both views must be [n, d] of equal shape, got [${u.shape}] and [${v.shape}]`,
    );
  const n = u.size(0);
  if (n < 2) throw new RangeError('similarityRange: needs at least 2 instances (n ≥ 2) to have negatives');
  checkFinite('similarityRange', 'u', u);
  checkFinite('similarityRange', 'v', v);
  return noGrad(() =>
    scope(() => {
      const cross = F.normalize(u.double(), 1).matmul(F.normalize(v.double(), 1).T).toArray();
      let posMin = Infinity;
      let negMin = Infinity;
      let negMax = -Infinity;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const s = cross[i * n + j] as number;
          if (i === j) posMin = Math.min(posMin, s);
          else {
            negMin = Math.min(negMin, s);
            negMax = Math.max(negMax, s);
          }
        }
      return { posMin, negMin, negMax };
    }),
  );
}

/** max |s_neg − target| from the extremes (Thm 5.1: target −1/(n−1)). */
export function maxNegativeDeviation(range: SimilarityRange, target: number): number {
  return Math.max(range.negMax - target, target - range.negMin);
}
