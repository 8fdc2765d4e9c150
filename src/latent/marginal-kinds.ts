// The marginals a spec can declare (`latent: { space, marginal: { kind: … } }`): the law of the
// anchors (and of shared negatives). Paper A has only the uniform law on the sphere; cl-ica's
// benchmark (Zimmermann et al. 2021) adds normal, Laplace and generalised-normal marginals on the
// sphere, the box and R^k, and von Kügelgen et al. (2021) the content/style marginal on R^k.
// A spec without `space` or `marginal` keeps Paper A's uniform sphere exactly (src/experiments/latent-spec.ts).
import { z } from 'zod';
import { defineKind, positive, positiveInt, variant, type ConfigOf } from '../registry/kind.js';
import type { Generator } from '../torch/index.js';
import { ContentStyleMarginal } from './content-style.js';
import { NoiseMarginal } from './noise-marginal.js';
import type { LatentSpace } from './space.js';
import type { Marginal } from './types.js';
import { UniformBox } from './uniform-box.js';
import { UniformSphere } from './uniform-sphere.js';

export interface MarginalContext {
  space: LatentSpace;
  /** Frozen parameters of the law (the run's `set` stream). */
  gen: Generator;
}

/** The spaces each marginal kind is defined on (checked with the spec). */
export const MARGINAL_SPACES: Record<string, readonly LatentSpace['kind'][]> = {
  uniform: ['sphere', 'box'],
  normal: ['sphere', 'box', 'real'],
  laplace: ['sphere', 'box', 'real'],
  'generalized-normal': ['sphere', 'box', 'real'],
  'content-style': ['real'],
};

const scale = positive('scale').default(1);

export const marginalKinds = {
  uniform: defineKind({
    schema: variant('uniform', {}),
    summary: 'uniform on the sphere (Paper A) or on the box; not defined on R^k',
    example: { kind: 'uniform' },
    create: (_c, ctx: MarginalContext): Marginal => {
      const s = ctx.space;
      if (s.kind === 'sphere') return new UniformSphere(s.dim);
      if (s.kind === 'box') return new UniformBox(s.dim, s.low, s.high);
      throw new RangeError("marginal 'uniform' is not defined on R^k; use normal, laplace or generalized-normal");
    },
  }),
  normal: defineKind({
    schema: variant('normal', { /** σ of each coordinate (cl-ica's m-param). */ scale }),
    summary: 'i.i.d. N(0, σ²) coordinates around 0 (e_1 on the sphere), projected / truncated to the space (cl-ica)',
    example: { kind: 'normal' },
    create: (c, ctx: MarginalContext): Marginal => new NoiseMarginal(ctx.space, { kind: 'normal', scale: c.scale }),
  }),
  laplace: defineKind({
    schema: variant('laplace', { /** b of the density (1/2b) e^{−|x|/b}. */ scale }),
    summary:
      'i.i.d. Laplace(0, b) coordinates around 0 (e_1 on the sphere), projected / truncated to the space (cl-ica)',
    example: { kind: 'laplace' },
    create: (c, ctx: MarginalContext): Marginal => new NoiseMarginal(ctx.space, { kind: 'laplace', scale: c.scale }),
  }),
  'generalized-normal': defineKind({
    schema: variant('generalized-normal', {
      /** α of the density ∝ exp(−|x/α|^β). */
      scale,
      /** Shape β > 0 (2: normal with σ = α/√2; 1: Laplace). */
      beta: positive('beta'),
    }),
    summary:
      'i.i.d. generalised-normal coordinates ∝ exp(−|x/α|^β) around 0 (e_1 on the sphere), projected / truncated (cl-ica)',
    example: { kind: 'generalized-normal', beta: 3 },
    create: (c, ctx: MarginalContext): Marginal =>
      new NoiseMarginal(ctx.space, { kind: 'generalized-normal', scale: c.scale, beta: c.beta }),
  }),
  'content-style': defineKind({
    schema: variant('content-style', {
      /** Content coordinates n_c (the first ones); the style block is the other latent.dim − n_c. */
      content: positiveInt('content'),
      /** σ of the block draws. */
      scale,
      /** Wishart covariances within each block (von Kügelgen et al.'s statistical dependence). */
      dependence: z.boolean().default(false),
      /** s ← s + Bc + a (their content-dependent style). */
      styleOnContent: z.boolean().default(false),
    }),
    summary: 'content and style blocks of normal coordinates on R^k, optionally dependent (von Kügelgen et al. 2021)',
    example: { kind: 'content-style', content: 1 },
    create: (c, ctx: MarginalContext): Marginal => {
      if (ctx.space.kind !== 'real')
        throw new RangeError("marginal 'content-style' lives on R^k: set latent.space: real");
      return new ContentStyleMarginal(
        {
          dim: ctx.space.dim,
          content: c.content,
          scale: c.scale,
          dependence: c.dependence,
          styleOnContent: c.styleOnContent,
        },
        ctx.gen,
      );
    },
  }),
};

export type MarginalConfig = ConfigOf<typeof marginalKinds>;
