// Representation collapse: every embedding (nearly) the same point, or all of them on one line. A
// collapsed run still "finishes" — an SGD step of lr 1e10 maps every input to one point, and R² is
// then 0 without any error — so the trainer reports it as a warning in the run's summary.
import { linalg, noGrad, scope, type Tensor } from '../torch/index.js';

/** Total variance of the embeddings below which they count as one point. */
export const COLLAPSE_VARIANCE = 1e-6;
/** Effective rank (exp of the entropy of the covariance spectrum) below which they count as one line. */
export const COLLAPSE_EFFECTIVE_RANK = 1.1;

export interface CollapseStats {
  /** Sum of the per-dimension variances. */
  variance: number;
  /** exp(entropy of the normalised covariance eigenvalues): 1 = one direction, d = isotropic. */
  effectiveRank: number;
  dim: number;
}

/** Variance and effective rank of embeddings [n, d] (n ≥ 2). */
export function collapseStats(embeddings: Tensor): CollapseStats {
  const [n, d] = embeddings.shape as [number, number];
  return noGrad(() =>
    scope(() => {
      const x = embeddings.to('float64');
      const centred = x.sub(x.mean(0, true));
      // CᵀC [d, d] and CCᵀ [n, n] have the same non-zero eigenvalues: decompose the smaller one, so
      // a wide embedding (d in the thousands, a short evaluation batch) costs O(n³), not O(d³).
      const gram = n < d ? centred.matmul(centred.T) : centred.T.matmul(centred);
      const eig = linalg.eigh(gram.div(Math.max(1, n - 1))).eigenvalues.clampMin(0);
      const variance = eig.sum().item();
      if (!(variance > 0)) return { variance: Number.isFinite(variance) ? variance : NaN, effectiveRank: 0, dim: d };
      const p = eig.div(variance);
      const entropy = p.mul(p.clampMin(1e-300).log()).sum().neg().item();
      return { variance, effectiveRank: Math.exp(entropy), dim: d };
    }),
  );
}

/** The warnings to report for embeddings [n, d]: [] when they are spread out. */
export function collapseWarnings(embeddings: Tensor): string[] {
  if (embeddings.ndim !== 2 || embeddings.size(0) < 2) return [];
  const s = collapseStats(embeddings);
  if (!Number.isFinite(s.variance)) return ['representation collapse: the embeddings are not finite (NaN or ±Inf)'];
  if (s.variance < COLLAPSE_VARIANCE)
    return [
      `representation collapse: the embeddings have total variance ${s.variance.toExponential(2)} (below ${COLLAPSE_VARIANCE}): every input maps to (nearly) one point`,
    ];
  if (s.dim >= 2 && s.effectiveRank < COLLAPSE_EFFECTIVE_RANK)
    return [
      `representation collapse: effective rank ${s.effectiveRank.toFixed(3)} of ${s.dim} dimensions (below ${COLLAPSE_EFFECTIVE_RANK}): the embeddings lie on one line`,
    ];
  return [];
}
