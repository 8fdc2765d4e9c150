// Similarity statistics of Paper B: mean and variance of the cosine similarities of positive pairs
// (u_i, v_i) and of negative pairs (u_i, v_j), i ≠ j, cross-view and optionally within-view
// (u_i, u_j) and (v_i, v_j). Variances are population variances (divided by the count), the
// quantity of Paper B's Thm 5.5.
import { F, noGrad, scope, type Tensor } from '../torch/index.js';
import { checkFinite } from './types.js';

export interface SimilarityStats {
  posMean: number;
  posVar: number;
  negMean: number;
  negVar: number;
  /** Number of (ordered) negative pairs: n(n−1) cross-view, 3n(n−1) with within-view pairs. */
  negCount: number;
}

export interface SimilarityStatsOptions {
  /** Also count the within-view pairs (u_i, u_j) and (v_i, v_j), i ≠ j; default false. */
  withinView?: boolean;
}

/**
 * Statistics of the cosine similarities between two views u, v [n, d] (rows are normalised here,
 * so unnormalised embeddings are fine). n ≥ 2.
 * @example
 * const { posMean, negVar } = similarityStats(u, v);
 */
export function similarityStats(u: Tensor, v: Tensor, options: SimilarityStatsOptions = {}): SimilarityStats {
  if (u.ndim !== 2 || v.ndim !== 2 || u.shape[0] !== v.shape[0] || u.shape[1] !== v.shape[1])
    throw new RangeError(
      `similarityStats: both views must be [n, d] of equal shape, got [${u.shape}] and [${v.shape}]`,
    );
  const n = u.size(0);
  if (n < 2) throw new RangeError('similarityStats: needs at least 2 instances (n ≥ 2) to have negatives');
  checkFinite('similarityStats', 'u', u);
  checkFinite('similarityStats', 'v', v);
  return noGrad(() =>
    scope(() => {
      const a = F.normalize(u.double(), 1);
      const b = F.normalize(v.double(), 1);
      const cross = a.matmul(b.T);
      const pos = cross.diagonal();
      const off = (s: Tensor): number[] => {
        const vals = s.toArray();
        const out: number[] = [];
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) out.push(vals[i * n + j] as number);
        return out;
      };
      const neg = off(cross);
      if (options.withinView === true) neg.push(...off(a.matmul(a.T)), ...off(b.matmul(b.T)));
      const [posMean, posVar] = meanVar(pos.toArray());
      const [negMean, negVar] = meanVar(neg);
      return { posMean, posVar, negMean, negVar, negCount: neg.length };
    }),
  );
}

/** Mean and population variance (two-pass). */
function meanVar(xs: number[]): [number, number] {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
  return [mean, variance];
}
