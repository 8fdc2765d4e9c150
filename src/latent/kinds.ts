// The positive-pair conditionals a spec can declare (`conditional: { kind: … }`): Paper A's sampling
// mechanism on the sphere — full-support vMF (diversity holds) and the restricted vMF that keeps
// the first `fixedDims` coordinates (diversity violated) — cl-ica's normal, Laplace and
// generalised-normal perturbations on any space (Zimmermann et al. 2021), and von Kügelgen et al.'s
// content/style augmentation on R^k (2021).
import { z } from 'zod';
import {
  defineKind,
  nonNegativeInt,
  positive,
  positiveInt,
  unitInterval,
  variant,
  type ConfigOf,
} from '../registry/kind.js';
import type { Generator } from '../torch/index.js';
import { ContentStyleConditional } from './content-style.js';
import { Perturbation } from './perturbation.js';
import { RestrictedVonMisesFisher } from './restricted-vmf.js';
import { sphere, type LatentSpace } from './space.js';
import type { Conditional } from './types.js';
import { VonMisesFisher } from './vmf.js';

export interface ConditionalContext {
  /** Latent dimension k. */
  latentDim: number;
  /** The latent space (default: the sphere S^{k−1}). */
  space?: LatentSpace;
  /** Frozen parameters of the conditional (the run's `set` stream); needed by content-style with dependence. */
  gen?: Generator;
}

/** The spaces each conditional kind is defined on (checked with the spec). */
export const CONDITIONAL_SPACES: Record<string, readonly LatentSpace['kind'][]> = {
  vmf: ['sphere'],
  'restricted-vmf': ['sphere'],
  normal: ['sphere', 'box', 'real'],
  laplace: ['sphere', 'box', 'real'],
  'generalized-normal': ['sphere', 'box', 'real'],
  'content-style': ['real'],
};

const spaceOf = (ctx: ConditionalContext): LatentSpace => ctx.space ?? sphere(ctx.latentDim);
/** σ, b or α of the per-coordinate noise (cl-ica's c-param; Zimmermann et al. use 0.05–1). */
const noiseScale = positive('scale');

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
       * Leading latent coordinates held fixed by the positive sampler; 0 ≤ fixedDims ≤ latent.dim
       * (0 is plain vMF; latent.dim − 1 leaves one coordinate, whose sign flips with probability
       * 1/(1 + e^{2κ}); latent.dim leaves none: the positive is the anchor).
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
  normal: defineKind({
    schema: variant('normal', { /** σ of each coordinate's N(0, σ²) step. */ scale: noiseScale }),
    summary: 'z + N(0, σ²I), projected onto the sphere / redrawn into the box (cl-ica; diversity holds)',
    example: { kind: 'normal', scale: 0.1 },
    create: (c, ctx: ConditionalContext): Conditional =>
      new Perturbation(spaceOf(ctx), { kind: 'normal', scale: c.scale }),
  }),
  laplace: defineKind({
    schema: variant('laplace', { /** b of each coordinate's Laplace(0, b) step. */ scale: noiseScale }),
    summary: 'z + i.i.d. Laplace(0, b), projected onto the sphere / redrawn into the box (cl-ica; diversity holds)',
    example: { kind: 'laplace', scale: 0.1 },
    create: (c, ctx: ConditionalContext): Conditional =>
      new Perturbation(spaceOf(ctx), { kind: 'laplace', scale: c.scale }),
  }),
  'generalized-normal': defineKind({
    schema: variant('generalized-normal', {
      /** α of each coordinate's step, density ∝ exp(−|x/α|^β). */
      scale: noiseScale,
      /** Shape β > 0. */
      beta: positive('beta'),
    }),
    summary: 'z + i.i.d. generalised-normal steps ∝ exp(−|x/α|^β), projected / redrawn into the space (cl-ica)',
    example: { kind: 'generalized-normal', scale: 0.1, beta: 3 },
    create: (c, ctx: ConditionalContext): Conditional =>
      new Perturbation(spaceOf(ctx), { kind: 'generalized-normal', scale: c.scale, beta: c.beta }),
  }),
  'content-style': defineKind({
    schema: variant('content-style', {
      /** Content coordinates n_c (the first ones), copied into the positive. */
      content: positiveInt('content'),
      /** Probability that a style coordinate changes (von Kügelgen et al.: 1 and below). */
      changeProb: unitInterval('changeProb')
        .refine((p) => p > 0, { error: 'changeProb must be > 0' })
        .default(1),
      /** σ of a style coordinate's change. */
      scale: positive('scale').default(1),
      /** Wishart covariance of the style change. */
      dependence: z.boolean().default(false),
    }),
    summary:
      'keeps the content block, changes each style coordinate with probability changeProb (von Kügelgen et al. 2021; diversity violated on content)',
    example: { kind: 'content-style', content: 1 },
    create: (c, ctx: ConditionalContext): Conditional => {
      if (c.dependence && ctx.gen === undefined)
        throw new RangeError("conditional 'content-style' with dependence needs a generator for its covariance");
      return new ContentStyleConditional(
        { dim: ctx.latentDim, content: c.content, changeProb: c.changeProb, scale: c.scale, dependence: c.dependence },
        ctx.gen as Generator,
      );
    },
  }),
};

export type ConditionalConfig = ConfigOf<typeof conditionalKinds>;
