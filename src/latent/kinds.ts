// The positive-pair conditionals a spec can declare (`conditional: { kind: … }`), Paper A's
// sampling mechanism: full-support vMF (diversity holds) and the restricted vMF that keeps the first
// `fixedDims` coordinates (diversity violated).
import { defineKind, nonNegativeInt, positive, variant, type ConfigOf } from '../registry/kind.js';
import { RestrictedVonMisesFisher } from './restricted-vmf.js';
import type { Conditional } from './types.js';
import { VonMisesFisher } from './vmf.js';

export interface ConditionalContext {
  /** Latent dimension k (S^{k−1}). */
  latentDim: number;
}

export const conditionalKinds = {
  vmf: defineKind({
    schema: variant('vmf', {
      /** vMF concentration κ > 0 (Paper A: κ = 1/τ). */
      kappa: positive('kappa'),
    }),
    summary: 'von Mises–Fisher positives around the anchor on the whole sphere (diversity holds)',
    example: { kind: 'vmf', kappa: 3 },
    create: (c, _ctx: ConditionalContext): Conditional => new VonMisesFisher({ kappa: c.kappa }),
  }),
  'restricted-vmf': defineKind({
    schema: variant('restricted-vmf', {
      kappa: positive('kappa'),
      /**
       * Leading latent coordinates held fixed by the positive sampler; 0 ≤ fixedDims ≤ latent.dim − 2
       * (0 is plain vMF; the varying part needs at least two coordinates to have a sphere to move on).
       */
      fixedDims: nonNegativeInt('fixedDims'),
    }),
    summary: 'vMF on the sub-sphere that keeps the first fixedDims coordinates (Paper A, Alg. 13; diversity violated)',
    example: { kind: 'restricted-vmf', kappa: 3, fixedDims: 1 },
    create: (c, _ctx: ConditionalContext): Conditional =>
      c.fixedDims === 0
        ? new VonMisesFisher({ kappa: c.kappa })
        : new RestrictedVonMisesFisher({ kappa: c.kappa, fixedDims: c.fixedDims }),
  }),
};

export type ConditionalConfig = ConfigOf<typeof conditionalKinds>;
