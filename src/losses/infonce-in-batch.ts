// InfoNCE with in-batch negatives, one direction (CLIP's image→text half; CPC's form): anchor i's
// negatives are the other anchors' positives, s_ij = u_i·v_j / τ,
//   ℓ_i = −log( e^{s_ii} / Σ_j e^{s_ij} ).
// NT-Xent (nt-xent.ts) is the symmetric two-view form that also uses within-view negatives.
import { scope } from '../torch/index.js';
import {
  checkTemperature,
  type ContrastiveBatch,
  type ContrastiveLoss,
  type LossOutput,
  checkFiniteBatch,
} from './types.js';

/**
 * Shapes: anchors, positives [B, d] (B ≥ 2) → perAnchor [B].
 *
 * @example
 * const loss = infoNCEInBatch({ tau: 0.1 });
 * loss({ anchors: u, positives: v }).loss.item();
 */
export function infoNCEInBatch(options: { tau: number }): ContrastiveLoss {
  const { tau } = options;
  checkTemperature('infoNCEInBatch', tau);
  return (batch: ContrastiveBatch): LossOutput => {
    checkFiniteBatch('infoNCEInBatch', batch);
    const { anchors: u, positives: v } = batch;
    if (u.ndim !== 2 || u.shape[0] !== v.shape[0] || u.shape[1] !== v.shape[1] || u.size(0) < 2)
      throw new RangeError(
        `infoNCEInBatch: anchors and positives must be [B, d] of equal shape with B ≥ 2, got [${u.shape}] and [${v.shape}]`,
      );
    return scope(() => {
      const logits = u.matmul(v.T).div(tau);
      const positive = u.mul(v).sum(1).div(tau);
      const perAnchor = logits.logsumexp(1).sub(positive);
      return { loss: perAnchor.mean(), perAnchor, parts: { positive: positive.mean() } };
    });
  };
}
