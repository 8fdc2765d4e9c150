// The negatives of a data kind that draws fresh latents each step (latents, shapes), in latent
// space, before the map to model inputs: shared ones from the marginal [M, k], or per anchor
// [B, M, k] — other positives of the anchor (Paper A, Alg. 14's proxy) or uniform points of its
// support K(z) (the support-corrected InfoNCE, with ρ of them from the support).
import type { Generator, Tensor } from '../../torch/index.js';
import { ConstrainedSupport, type Conditional, type Marginal } from '../../latent/index.js';
import { sampleAdaptedNegatives } from '../../losses/adapted-infonce.js';
import { sampleProxyNegatives } from '../../losses/augmentation-proxy.js';
import type { NegativeRequest } from '../source.js';

/** Where a step's latent negatives come from. */
export interface LatentLaw {
  marginal: Marginal;
  conditional: Conditional;
  /** Leading coordinates the conditional holds fixed (0: none); K(z) keeps them. */
  fixedDims: number;
}

/** The negatives `request` asks for, anchors z [B, k] → [M, k], [B, M, k] or undefined ('none'). */
export function latentNegatives(
  z: Tensor,
  request: NegativeRequest,
  law: LatentLaw,
  gen: Generator,
): Tensor | undefined {
  switch (request.kind) {
    case 'none':
      return undefined;
    case 'shared':
      return law.marginal.sample(request.count, gen);
    case 'per-anchor':
      if (request.source === 'views') return sampleProxyNegatives(z, law.conditional, request.count, gen);
      return sampleAdaptedNegatives(
        z,
        new ConstrainedSupport({ fixedDims: law.fixedDims }),
        request.count,
        request.rho,
        gen,
      );
  }
}
