// Mean correlation coefficient (MCC; Paper A's metrics, as in cl-ica / Hyvärinen & Morioka):
//   C_ij = Pearson corr(z_i, ẑ_j) over the samples, for the k truth and d recovered dimensions;
//   match dimensions one-to-one by the Hungarian algorithm maximising Σ |C_ij| over the pairs;
//   MCC = mean |C_ij| over the min(k, d) matched pairs.
// 1 = every latent is recovered up to permutation, sign and per-dimension affine rescaling.
import { noGrad, scope, type Tensor } from '../torch/index.js';
import { hungarian } from './hungarian.js';
import type { Metric } from './types.js';
import { checkFiniteSamples, checkPairedSamples } from './r2.js';

/** One matched pair of dimensions. */
export interface MatchedPair {
  /** Index of the truth dimension (0..k−1). */
  truth: number;
  /** Index of the recovered dimension it is matched to (0..d−1). */
  recovered: number;
  /** Signed Pearson correlation of the pair. */
  correlation: number;
}

export interface MCCResult {
  /** Mean |correlation| over the matched pairs, in [0, 1]. */
  mcc: number;
  /** The min(k, d) matched pairs, by increasing truth index. */
  matching: MatchedPair[];
  /** The full Pearson correlation matrix [k][d] (truth rows, recovered columns). */
  correlations: number[][];
}

/**
 * Pearson correlations between the columns of truth [n, k] and recovered [n, d], as plain
 * numbers [k][d]. A constant column has no defined correlation; it is given 0.
 *
 * @example
 * pearsonMatrix(z, zHat)[0][2];   // corr(z_0, ẑ_2)
 */
export function pearsonMatrix(truth: Tensor, recovered: Tensor): number[][] {
  checkPairedSamples('pearsonMatrix()', truth, recovered);
  return noGrad(() => scope(() => correlationRows(truth, recovered)));
}

function correlationRows(truth: Tensor, recovered: Tensor): number[][] {
  const [k, d] = [truth.size(1), recovered.size(1)];
  const center = (t: Tensor): Tensor => {
    const x = t.to('float64');
    return x.sub(x.mean(0, true));
  };
  const [zc, hc] = [center(truth), center(recovered)];
  const cov = zc.T.matmul(hc); // [k, d], unnormalised
  const norms = (t: Tensor): number[] => t.norm(2, 0).toArray();
  const [sz, sh] = [norms(zc), norms(hc)];
  const flat = cov.toArray();
  return Array.from({ length: k }, (_, i) =>
    Array.from({ length: d }, (_, j) => {
      const denom = sz[i]! * sh[j]!;
      // Clamp rounding excursions just past ±1; a zero-variance column correlates with nothing.
      return denom > 0 ? Math.max(-1, Math.min(1, flat[i * d + j]! / denom)) : 0;
    }),
  );
}

/**
 * Mean correlation coefficient between truth and recovered dimensions after the one-to-one
 * matching (Hungarian) that maximises the total |Pearson correlation|.
 *
 * Shapes: truth z [n, k], recovered ẑ [n, d] (any float dtype; computed in float64), n ≥ 2.
 * @example
 * const { mcc: score, matching } = mcc(z, zHat);
 * // matching[0] = { truth: 0, recovered: 2, correlation: -0.99 }
 */
export function mcc(truth: Tensor, recovered: Tensor): MCCResult {
  checkPairedSamples('mcc()', truth, recovered);
  checkFiniteSamples('mcc()', truth, recovered);
  const correlations = noGrad(() => scope(() => correlationRows(truth, recovered)));
  const { pairs } = hungarian(
    correlations.map((row) => row.map(Math.abs)),
    { maximize: true },
  );
  const matching = pairs.map(([i, j]) => ({ truth: i, recovered: j, correlation: correlations[i]![j]! }));
  const score = matching.reduce((s, p) => s + Math.abs(p.correlation), 0) / matching.length;
  return { mcc: score, matching, correlations };
}

/**
 * MCC as a `Metric`: `{ mcc }`.
 *
 * @example
 * mccMetric()(z, zHat);   // { mcc: 0.97 }
 */
export function mccMetric(): Metric {
  return (truth, recovered) => ({ mcc: mcc(truth, recovered).mcc });
}
