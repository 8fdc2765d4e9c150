// NT-Xent, the in-batch InfoNCE of SimCLR (Chen et al. 2020; Paper B's (c1, c2) = (1, 1)):
// 2B views z = [u; v]; anchor k's positive is its other view, its negatives the 2B − 2 other views.
//   ℓ_k = −log( e^{z_k·z_{k'}/τ} / Σ_{j≠k} e^{z_k·z_j/τ} ).
// Known value (lightly's test): when all embeddings coincide, the 2B − 1 logits of each row are
// equal and ℓ_k = −log(1/(2B − 1)).
import { arange, cat, scope } from '../torch/index.js';
import {
  checkTemperature,
  type ContrastiveBatch,
  type ContrastiveLoss,
  type LossOutput,
  checkFiniteBatch,
} from './types.js';

export interface NTXentOptions {
  /** Temperature τ > 0 (SimCLR: 0.5 on CIFAR-10 in Paper A). */
  tau: number;
}

/**
 * In-batch InfoNCE over both views, symmetric in (anchors, positives).
 * Shapes: anchors (view 1) and positives (view 2) [B, d] → perAnchor [2B].
 */
export function ntXent(options: NTXentOptions): ContrastiveLoss {
  const { tau } = options;
  checkTemperature('ntXent', tau);
  return (batch: ContrastiveBatch): LossOutput => {
    checkFiniteBatch('ntXent', batch);
    const { anchors: u, positives: v } = batch;
    if (u.ndim !== 2 || u.shape[0] !== v.shape[0] || u.shape[1] !== v.shape[1])
      throw new RangeError(`ntXent: both views must be [B, d] of equal shape, got [${u.shape}] and [${v.shape}]`);
    const b = u.size(0);
    if (b < 2) throw new RangeError('ntXent: needs at least 2 instances per batch (B ≥ 2) to have negatives');
    return scope(() => {
      const z = cat([u, v], 0);
      const eye = arange(2 * b);
      const sim = z.matmul(z.T).div(tau);
      // A view is never its own negative: mask the diagonal out of the softmax.
      const self = eye.unsqueeze(1).eq(eye.unsqueeze(0));
      const masked = sim.maskedFill(self, -Infinity);
      const partner = eye.add(b).remainder(2 * b);
      const pos = sim.gather(1, partner.unsqueeze(1)).squeeze(1);
      const lse = masked.logsumexp(1);
      const perAnchor = lse.sub(pos);
      return {
        loss: perAnchor.mean(),
        perAnchor,
        parts: { alignment: pos.mean().neg(), uniformity: lse.mean() },
      };
    });
  };
}
