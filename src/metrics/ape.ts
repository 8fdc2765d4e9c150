// Average pairwise error (APE; Paper A's metrics): how far the recovered latents are from an
// isometry of the true ones, through their inner products,
//   APE = 1/(m(m−1)) Σ_{i≠j} |z_i·z_j − ẑ_i·ẑ_j|   over the m first samples
// (the definition in the paper's text). Paper A's published APE values come from its reference
// code (CLTheory evals/distance_preservation.py), which averages over all m² pairs, the diagonal
// included, and halves the mean: 1/(2m²) Σ_{i,j} |…|. For unit vectors on both sides the diagonal
// is 0, so that is (m−1)/(2m) × the above, about half (`pairs: 'all-halved'`).
// 0 when inner products are preserved: ẑ = z·A with A orthogonal (or, for d > k, with orthonormal
// rows). Unlike R² and MCC it is not invariant to rescaling, so it separates an isometry from any
// other invertible linear map.
import { noGrad, scope, type Tensor } from '../torch/index.js';
import type { Metric } from './types.js';
import { checkFiniteSamples, checkPairedSamples } from './r2.js';

export interface APEOptions {
  /**
   * Use only the first min(n, maxSamples) rows (deterministic; samples are i.i.d., so the first
   * rows are a random subsample). Default 2000; `Infinity` uses every row. Integer ≥ 2.
   */
  maxSamples?: number;
  /** Rows of the Gram matrices formed at a time (memory: 2·chunkSize·m doubles). Default 1024. */
  chunkSize?: number;
  /**
   * 'distinct' (default): mean over ordered pairs i ≠ j, the paper's text. 'all-halved': half the
   * mean over all m² pairs, the diagonal included — Paper A's reference code, whose values it publishes.
   */
  pairs?: APEPairs;
}

export type APEPairs = 'distinct' | 'all-halved';

export interface APEResult {
  /** Mean |z_i·z_j − ẑ_i·ẑ_j| over ordered pairs i ≠ j (or as `pairs` chooses). */
  ape: number;
  /** Number of rows used, m = min(n, maxSamples). */
  samples: number;
}

function checkCount(name: string, value: number, min: number, allowInfinity: boolean): void {
  const ok =
    typeof value === 'number' && ((allowInfinity && value === Infinity) || (Number.isInteger(value) && value >= min));
  if (!ok)
    throw new RangeError(
      `ape(): ${name} must be an integer >= ${min}${allowInfinity ? ' or Infinity' : ''}, got ${String(value)}`,
    );
}

/**
 * Average pairwise error between the inner products of the true and recovered latents, computed
 * exactly on the first min(n, maxSamples) rows with the Gram matrices formed in row chunks.
 * truth and recovered may have different widths (k ≠ d): only their Gram matrices are compared.
 *
 * Shapes: truth z [n, k], recovered ẑ [n, d] (any float dtype; computed in float64), n ≥ 2.
 * @example
 * ape(z, zHat).ape;                             // 0 for an orthogonal map
 * ape(z, zHat, { maxSamples: Infinity }).ape;   // every row
 * ape(z, zHat, { pairs: 'all-halved' }).ape;    // as Paper A's reference code computes it
 */
export function ape(truth: Tensor, recovered: Tensor, options: APEOptions = {}): APEResult {
  const n = checkPairedSamples('ape()', truth, recovered);
  const maxSamples = options.maxSamples ?? 2000;
  const chunkSize = options.chunkSize ?? 1024;
  checkCount('maxSamples', maxSamples, 2, true);
  checkCount('chunkSize', chunkSize, 1, false);
  const pairs = options.pairs ?? 'distinct';
  if (pairs !== 'distinct' && pairs !== 'all-halved')
    throw new RangeError(`ape(): pairs must be 'distinct' or 'all-halved', got ${String(pairs)}`);
  checkFiniteSamples('ape()', truth, recovered);
  const m = Math.min(n, maxSamples);
  return noGrad(() =>
    scope(() => {
      const z = truth.narrow(0, 0, m).to('float64');
      const zHat = recovered.narrow(0, 0, m).to('float64');
      const [zT, zHatT] = [z.T, zHat.T];
      let total = 0;
      for (let start = 0; start < m; start += chunkSize) {
        const len = Math.min(chunkSize, m - start);
        total += scope(() => {
          // Rows start..start+len of both Gram matrices; their diagonal (i = j) sits at offset start.
          const diff = z
            .narrow(0, start, len)
            .matmul(zT)
            .sub(zHat.narrow(0, start, len).matmul(zHatT))
            .abs();
          const all = diff.sum().item();
          return pairs === 'distinct' ? all - diff.diagonal(start).sum().item() : all;
        });
      }
      return { ape: pairs === 'distinct' ? total / (m * (m - 1)) : total / (2 * m * m), samples: m };
    }),
  );
}

/**
 * APE as a `Metric`: `{ ape }`.
 *
 * @example
 * apeMetric({ maxSamples: 1000 })(z, zHat);   // { ape: 0.012 }
 */
export function apeMetric(options: APEOptions = {}): Metric {
  return (truth, recovered) => ({ ape: ape(truth, recovered, options).ape });
}
