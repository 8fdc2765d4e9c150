// InfoNCE with explicit negatives (Paper A, "InfoNCE with M negatives"):
//   ℓ_i = −log( e^{s⁺_i} / (e^{s⁺_i} + Σ_j e^{s⁻_ij}) ),  s = f(x)·f(x')/τ.
// Standard runs of Paper A share one batch of negatives across all anchors ([M, d]); the
// support-corrected loss passes per-anchor negatives ([B, M, d]). Both forms are handled here.
import { cat, einsum, infoNCELogSumExp, scope, type Tensor } from '../torch/index.js';
import {
  checkFiniteBatch,
  checkTemperature,
  type ContrastiveBatch,
  type ContrastiveLoss,
  type LossOutput,
} from './types.js';

export const INFONCE_IMPLS = ['auto', 'fused', 'dense'] as const;
export type InfoNCEImpl = (typeof INFONCE_IMPLS)[number];

export interface InfoNCEOptions {
  /** Temperature τ > 0 (Paper A: 0.3). */
  tau: number;
  /**
   * How shared negatives ([M, d]) are computed: 'fused' = the engine's chunked kernel
   * (infoNCELogSumExp: never holds the B×M logits, forward + backward in three GEMMs; first-order
   * gradients only), 'dense' = the composition of ATen ops (supports gradients of gradients).
   * 'auto' (default) = fused for shared negatives. Per-anchor negatives ([B, M, d]) are always dense.
   */
  impl?: InfoNCEImpl;
  /** Block size bound of the fused kernel in bytes (default 1 MiB); see infoNCELogSumExp. */
  chunkBytes?: number;
}

/**
 * Per-anchor InfoNCE from the positive logits [B] and negative logits [B, M]:
 * logsumexp over {s⁺, s⁻_1..M} minus s⁺. Computed with logsumexp for stability.
 */
export function infoNCEFromLogits(positive: Tensor, negative: Tensor): LossOutput {
  return scope(() => {
    const all = cat([positive.unsqueeze(1), negative], 1);
    const lse = all.logsumexp(1);
    const perAnchor = lse.sub(positive);
    return {
      loss: perAnchor.mean(),
      perAnchor,
      // alignment: −E[s⁺]; uniformity: E[log Σ e^{s}] (Paper A's alignment + uniformity split).
      parts: { alignment: positive.mean().neg(), uniformity: lse.mean() },
    };
  });
}

/**
 * InfoNCE with explicit negatives.
 *
 * Shapes: anchors, positives [B, d]; negatives [M, d] (shared) or [B, M, d] (per anchor).
 * @example
 * const loss = infoNCE({ tau: 0.3 });
 * const { loss: value } = loss({ anchors, positives, negatives });
 */
export function infoNCE(options: InfoNCEOptions): ContrastiveLoss {
  const { tau, impl = 'auto', chunkBytes } = options;
  checkTemperature('infoNCE', tau);
  if (!INFONCE_IMPLS.includes(impl))
    throw new RangeError(`infoNCE: impl must be one of ${INFONCE_IMPLS.join(', ')}, got ${String(impl)}`);
  return (batch: ContrastiveBatch): LossOutput => {
    checkFiniteBatch('infoNCE', batch);
    const { anchors, positives, negatives } = batch;
    if (negatives === undefined) throw new TypeError('infoNCE: this loss needs batch.negatives ([M, d] or [B, M, d])');
    if (anchors.ndim !== 2 || positives.ndim !== 2)
      throw new RangeError(
        `infoNCE: anchors and positives must be [B, d], got [${anchors.shape}] and [${positives.shape}]`,
      );
    return scope(() => {
      const pos = anchors.mul(positives).sum(1).div(tau);
      if (negatives.ndim === 2 && impl !== 'dense') {
        const lse = infoNCELogSumExp(anchors, positives, negatives, tau, { chunkBytes });
        const perAnchor = lse.sub(pos);
        return { loss: perAnchor.mean(), perAnchor, parts: { alignment: pos.mean().neg(), uniformity: lse.mean() } };
      }
      const neg =
        negatives.ndim === 2
          ? anchors.matmul(negatives.T).div(tau)
          : negatives.ndim === 3
            ? einsum('bd,bmd->bm', anchors, negatives).div(tau)
            : (() => {
                throw new RangeError(`infoNCE: negatives must be [M, d] or [B, M, d], got [${negatives.shape}]`);
              })();
      return infoNCEFromLogits(pos, neg);
    });
  };
}
