// Orthogonality diagnostics (ours; Paper A claims h = f∘g is orthogonal, but its metrics do not
// test that directly). With ẑ = h(z):
//   - the least-squares affine map z ≈ ẑ·A + b (the same fit as R², r2.ts) and the singular values
//     of its linear part A [d, k]: all ones ⇔ A is orthogonal (has orthonormal columns when d > k).
//     They are those of h⁻¹: σ_i > 1 means h contracted that direction, σ_i < 1 that it stretched it.
//   - orthogonalityError = max_i |σ_i − 1|.
//   - the orthogonal Procrustes fit (Schönemann 1966): R = argmin over orthogonal R of ‖ẑR − z‖_F,
//     R = U·Vᵀ from the SVD ẑᵀz = U·S·Vᵀ, and its relative residual ‖ẑR − z‖_F / ‖z‖_F (0 for an
//     orthogonal h; no centring, no scaling: the claim is h(z) = Az about the origin).
import { linalg, noGrad, scope, type Tensor } from '../torch/index.js';
import type { Metric } from './types.js';
import { checkFiniteSamples, checkPairedSamples, fitAffine } from './r2.js';

export interface OrthogonalityResult {
  /** Linear part A [d][k] of the least-squares affine fit z ≈ ẑ·A + b. */
  linearMap: number[][];
  /** Offset b [k] of that fit. */
  offset: number[];
  /** Singular values of A, descending; min(d, k) of them. */
  singularValues: number[];
  /** max_i |σ_i − 1|: 0 ⇔ A orthogonal. */
  orthogonalityError: number;
  /** The best orthogonal map R [d][k] (orthonormal columns if d ≥ k, rows if d < k). */
  procrustesMap: number[][];
  /** ‖ẑR − z‖_F / ‖z‖_F: 0 ⇔ z is exactly an orthogonal map of ẑ. */
  procrustesResidual: number;
}

function rowsOf(t: Tensor): number[][] {
  const [r, c] = t.shape as [number, number];
  const flat = t.toArray();
  return Array.from({ length: r }, (_, i) => flat.slice(i * c, (i + 1) * c));
}

/**
 * How far the map from the recovered latents back to the true ones is from orthogonal: singular
 * values of the best affine fit's linear part, and the best orthogonal (Procrustes) fit's residual.
 *
 * Shapes: truth z [n, k], recovered ẑ [n, d] (any float dtype; computed in float64), n ≥ 2.
 * @example
 * const { singularValues, orthogonalityError, procrustesResidual } = orthogonality(z, zHat);
 * // ẑ = zQ with Q orthogonal: singularValues ≈ [1, 1, 1], both errors ≈ 0
 */
export function orthogonality(truth: Tensor, recovered: Tensor): OrthogonalityResult {
  checkPairedSamples('orthogonality()', truth, recovered);
  checkFiniteSamples('orthogonality()', truth, recovered);
  return noGrad(() =>
    scope(() => {
      const z = truth.to('float64');
      const zHat = recovered.to('float64');
      const { weight, bias } = fitAffine(zHat, z);
      const singularValues = linalg.svd(weight).S.toArray();
      const { U, Vh } = linalg.svd(zHat.T.matmul(z));
      const R = U.matmul(Vh);
      const zNorm = z.norm().item();
      const resNorm = zHat.matmul(R).sub(z).norm().item();
      return {
        linearMap: rowsOf(weight),
        offset: bias.toArray(),
        singularValues,
        orthogonalityError: singularValues.reduce((e, s) => Math.max(e, Math.abs(s - 1)), 0),
        procrustesMap: rowsOf(R),
        procrustesResidual: zNorm > 0 ? resNorm / zNorm : resNorm === 0 ? 0 : Infinity,
      };
    }),
  );
}

/**
 * Orthogonality as a `Metric`: `{ orthogonalityError, procrustesResidual, sigmaMin, sigmaMax }`.
 *
 * @example
 * orthogonalityMetric()(z, zHat);   // { orthogonalityError: 0.4, procrustesResidual: 0.2, sigmaMin: 0.9, sigmaMax: 1.4 }
 */
export function orthogonalityMetric(): Metric {
  return (truth, recovered) => {
    const { orthogonalityError, procrustesResidual, singularValues } = orthogonality(truth, recovered);
    return {
      orthogonalityError,
      procrustesResidual,
      sigmaMin: Math.min(...singularValues),
      sigmaMax: Math.max(...singularValues),
    };
  };
}
