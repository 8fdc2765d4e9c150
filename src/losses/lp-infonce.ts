// InfoNCE for unnormalised representations with an Lp-distance similarity, the loss of cl-ica's
// box and R^k experiments (Zimmermann et al., ICML 2021, Sec. 6; brendel-group/cl-ica
// losses.LpSimCLRLoss with simclr_compatibility_mode=True, pow=True) and of von Kügelgen et al.'s
// content/style experiment (ssl_identifiability, LpSimCLRLoss(p=2, τ=1)):
//   s(a, b) = −|a − b|_p^p / τ,   ℓ_i = −s⁺_i + log(e^{s⁺_i} + Σ_j e^{s⁻_ij}).
// Its model of the positive conditional is q(z~|z) ∝ exp(−|h(z) − h(z~)|_p^p / τ): with p = 2 it
// matches normal positives, with p = 1 Laplace ones (cl-ica's "model" column, the ✓ and ✗ of
// whether the model matches the generative conditional). The encoder must not normalise its
// output (encoder `normalize: false`), or the representation cannot fill R^k.
import { einsum, scope, type Tensor } from '../torch/index.js';
import { infoNCEFromLogits } from './infonce.js';
import {
  checkFiniteBatch,
  checkTemperature,
  type ContrastiveBatch,
  type ContrastiveLoss,
  type LossOutput,
} from './types.js';

export interface LpInfoNCEOptions {
  /** Temperature τ > 0 (cl-ica and von Kügelgen et al.: 1). */
  tau: number;
  /** Exponent p > 0 of the distance |a − b|_p^p (default 2). */
  p?: number;
}

/** Σ_j |x_j|^p over the last dimension (for p = 2 the plain sum of squares). */
function powerSum(x: Tensor, p: number): Tensor {
  return p === 2 ? x.square().sum(-1) : x.abs().pow(p).sum(-1);
}

/**
 * Shapes: anchors, positives [B, d]; negatives [M, d] (shared) or [B, M, d] (per anchor).
 * @example
 * lpInfoNCE({ tau: 1, p: 2 })({ anchors, positives, negatives }).loss;
 */
export function lpInfoNCE(options: LpInfoNCEOptions): ContrastiveLoss {
  const { tau, p = 2 } = options;
  checkTemperature('lpInfoNCE', tau);
  if (!(Number.isFinite(p) && p > 0))
    throw new RangeError(`lpInfoNCE: p must be a finite number > 0, got ${String(p)}`);
  return (batch: ContrastiveBatch): LossOutput => {
    checkFiniteBatch('lpInfoNCE', batch);
    const { anchors, positives, negatives } = batch;
    if (negatives === undefined)
      throw new TypeError('lpInfoNCE: this loss needs batch.negatives ([M, d] or [B, M, d])');
    if (anchors.ndim !== 2 || positives.ndim !== 2)
      throw new RangeError(
        `lpInfoNCE: anchors and positives must be [B, d], got [${anchors.shape}] and [${positives.shape}]`,
      );
    if (negatives.ndim !== 2 && negatives.ndim !== 3)
      throw new RangeError(`lpInfoNCE: negatives must be [M, d] or [B, M, d], got [${negatives.shape}]`);
    return scope(() => {
      const pos = powerSum(anchors.sub(positives), p).div(-tau);
      let dist: Tensor;
      if (negatives.ndim === 2 && p === 2)
        // |a − n|² = |a|² + |n|² − 2 a·n: one GEMM instead of a [B, M, d] difference.
        dist = anchors
          .square()
          .sum(1, true)
          .add(negatives.square().sum(1).unsqueeze(0))
          .sub(einsum('bd,md->bm', anchors, negatives).mul(2));
      else dist = powerSum(anchors.unsqueeze(1).sub(negatives.ndim === 2 ? negatives.unsqueeze(0) : negatives), p);
      return infoNCEFromLogits(pos, dist.div(-tau));
    });
  };
}
