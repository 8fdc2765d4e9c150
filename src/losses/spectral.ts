// Spectral contrastive loss (HaoChen, Wei, Gaidon, Ma 2021):
//   L = −2·E[f(x)ᵀf(x⁺)] + E[(f(x)ᵀf(x'))²],
// estimated in-batch as their reference code does: positives (u_i, v_i), independent pairs the
// cross-view (u_i, v_j), i ≠ j:
//   ℓ_i = −2·u_i·v_i + (1/(n−1)) Σ_{j≠i} (u_i·v_j)²,   L = mean_i ℓ_i.
// Embeddings are not required to be unit-norm. Symmetric in the two views.
import { arange, scope } from '../torch/index.js';
import { checkFiniteBatch, type ContrastiveBatch, type ContrastiveLoss, type LossOutput } from './types.js';

/**
 * Shapes: anchors (u), positives (v) [n, d], n ≥ 2 → perAnchor [n].
 * parts: alignment (−2·E u_i·v_i) and uniformity (E (u_i·v_j)², i ≠ j), which add up to the loss.
 * @example
 * const { loss } = spectralContrastive()({ anchors: u, positives: v });
 */
export function spectralContrastive(): ContrastiveLoss {
  return (batch: ContrastiveBatch): LossOutput => {
    checkFiniteBatch('spectralContrastive', batch);
    const { anchors: u, positives: v } = batch;
    if (u.ndim !== 2 || v.ndim !== 2 || u.shape[0] !== v.shape[0] || u.shape[1] !== v.shape[1])
      throw new RangeError(
        `spectralContrastive: both views must be [n, d] of equal shape, got [${u.shape}] and [${v.shape}]`,
      );
    const n = u.size(0);
    if (n < 2)
      throw new RangeError('spectralContrastive: needs at least 2 instances per batch (n ≥ 2) to have negatives');
    return scope(() => {
      const idx = arange(n);
      const self = idx.unsqueeze(1).eq(idx.unsqueeze(0));
      const s = u.matmul(v.T);
      const alignment = s.diagonal().mul(-2);
      const uniformity = s
        .square()
        .maskedFill(self, 0)
        .sum(1)
        .div(n - 1);
      const perAnchor = alignment.add(uniformity);
      return {
        loss: perAnchor.mean(),
        perAnchor,
        parts: { alignment: alignment.mean(), uniformity: uniformity.mean() },
      };
    });
  };
}
