// Paper A's same-anchor augmentation proxy (their Alg. 14), the support-corrected loss when the
// latents are unknown: the M negatives of anchor i are M further independent samples of the
// anchor's own positive conditional P(· | z_i) — in data space, M further augmentations of x_i.
// Under the restricted conditional these all lie in K(z_i), as the corrected loss asks. The loss
// itself is InfoNCE with per-anchor negatives [B, M, d].
import { noGrad, scope, type Generator, type Tensor } from '../torch/index.js';
import type { Conditional } from '../latent/index.js';
import { checkNegativesPerAnchor } from './adapted-infonce.js';
import { infoNCE } from './infonce.js';
import { checkTemperature, type ContrastiveBatch, type ContrastiveLoss, type LossOutput } from './types.js';

export interface AugmentationProxyOptions {
  /** Temperature τ > 0. */
  tau: number;
  /** M ≥ 1 negatives per anchor (the batch must carry negatives of shape [B, M, d]). */
  negativesPerAnchor: number;
}

/**
 * Proxy negatives: anchorsLatent [B, k] → [B, M, k], row i holding M independent draws of
 * `conditional.sample` around anchor i (one batched call on the anchors repeated M times).
 *
 * @example
 * const negLatent = sampleProxyNegatives(z, new RestrictedVonMisesFisher({ kappa: 1 / 0.3, fixedDims: 1 }), 32, gen);
 */
export function sampleProxyNegatives(
  anchorsLatent: Tensor,
  conditional: Conditional,
  M: number,
  gen: Generator,
): Tensor {
  const who = 'sampleProxyNegatives()';
  checkNegativesPerAnchor(who, M);
  if (anchorsLatent.ndim !== 2)
    throw new RangeError(`${who}: anchorsLatent must be [B, k], got [${anchorsLatent.shape.join(', ')}]`);
  const [B, k] = anchorsLatent.shape as [number, number];
  return noGrad(() =>
    scope(() => {
      const repeated = anchorsLatent.repeatInterleave(M, 0); // [B·M, k], anchor i at rows i·M .. i·M + M − 1
      return conditional.sample(repeated, gen).reshape(B, M, k);
    }),
  );
}

/**
 * The augmentation-proxy loss: InfoNCE with per-anchor negatives [B, M, d] (embeddings of
 * `sampleProxyNegatives`). Returns { loss, perAnchor [B], parts { alignment, uniformity } }.
 */
export function augmentationProxy(
  options: AugmentationProxyOptions,
): ContrastiveLoss & { readonly options: Readonly<AugmentationProxyOptions> } {
  const who = 'augmentationProxy';
  const { tau, negativesPerAnchor: M } = options;
  checkTemperature(who, tau);
  checkNegativesPerAnchor(who, M);
  const base = infoNCE({ tau });
  const loss = (batch: ContrastiveBatch): LossOutput => {
    const { anchors, negatives } = batch;
    if (negatives === undefined)
      throw new TypeError(`${who}: this loss needs batch.negatives of shape [B, M, d] (see sampleProxyNegatives)`);
    const [B, d] = anchors.shape;
    if (negatives.ndim !== 3 || negatives.shape[0] !== B || negatives.shape[1] !== M || negatives.shape[2] !== d)
      throw new RangeError(
        `${who}: negatives must be per-anchor [B, M, d] = [${B}, ${M}, ${d}], got [${negatives.shape.join(', ')}]`,
      );
    return base(batch);
  };
  return Object.assign(loss, { options: Object.freeze({ tau, negativesPerAnchor: M }) });
}
