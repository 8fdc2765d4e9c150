// The generative processes a spec can declare (`process: { kind: … }`), frozen x = g(z) of Paper A's
// synthetic setup; parameters come from the run's `set` stream.
import { z } from 'zod';
import { defineKind, positiveInt, variant, type ConfigOf } from '../registry/kind.js';
import type { Generator } from '../torch/index.js';
import { IdentityProcess } from './identity.js';
import { InvertibleMlpProcess } from './invertible-mlp.js';
import { LinearProcess } from './linear.js';
import { MonomialProcess } from './monomial.js';
import { PatchesProcess } from './patches.js';
import { SpiralProcess } from './spiral.js';
import type { Process } from './types.js';

export interface ProcessContext {
  latentDim: number;
  gen: Generator;
}

export const processKinds = {
  identity: defineKind({
    schema: variant('identity', {}),
    summary: 'x = z',
    example: { kind: 'identity' },
    create: (_c, ctx: ProcessContext): Process => new IdentityProcess({ dim: ctx.latentDim }),
  }),
  linear: defineKind({
    schema: variant('linear', {
      outDim: positiveInt('outDim').default(7),
      /** Range of the top block's uniform diagonal; [0.5, 1.5] (ours) or [0, 1] (reference code). */
      diagonalRange: z.tuple([z.number(), z.number()]).default([0.5, 1.5]),
    }),
    summary: 'x = Wz + b, W of full column rank (Paper A: S² → R⁷)',
    example: { kind: 'linear' },
    outDim: (c) => c.outDim,
    create: (c, ctx: ProcessContext): Process =>
      new LinearProcess(ctx.gen, { inDim: ctx.latentDim, outDim: c.outDim, diagonalRange: c.diagonalRange }),
  }),
  spiral: defineKind({
    schema: variant('spiral', { turns: z.number().default(2) }),
    summary: 'rotate (z1, z2) by nπ·z3 (S² only)',
    example: { kind: 'spiral' },
    outDim: () => 3,
    create: (c, ctx: ProcessContext): Process => new SpiralProcess({ dim: ctx.latentDim, turns: c.turns }),
  }),
  patches: defineKind({
    schema: variant('patches', {
      slices: positiveInt('slices').default(4),
      variant: z.enum(['reference', 'design']).default('reference'),
    }),
    summary: 'piecewise rotations of K slices of the sphere (S² only)',
    example: { kind: 'patches' },
    outDim: () => 3,
    create: (c, ctx: ProcessContext): Process =>
      new PatchesProcess({ dim: ctx.latentDim, slices: c.slices, variant: c.variant }),
  }),
  'invertible-mlp': defineKind({
    schema: variant('invertible-mlp', { layers: positiveInt('layers').default(3) }),
    summary: 'cl-ica style square LeakyReLU MLP, each weight well conditioned',
    example: { kind: 'invertible-mlp' },
    create: (c, ctx: ProcessContext): Process =>
      new InvertibleMlpProcess(ctx.gen, { dim: ctx.latentDim, layers: c.layers }),
  }),
  monomial: defineKind({
    schema: variant('monomial', { degree: positiveInt('degree').default(7) }),
    summary: 'x = (z_i^p) for p = 1..degree (Paper A, S⁹ experiment)',
    example: { kind: 'monomial' },
    outDim: (c, latentDim) => latentDim * c.degree,
    create: (c, ctx: ProcessContext): Process => new MonomialProcess({ dim: ctx.latentDim, degree: c.degree }),
  }),
};

/** Processes defined on S² only (latent.dim 3). */
export const S2_ONLY_PROCESSES: readonly string[] = ['spiral', 'patches'];

export type ProcessConfig = ConfigOf<typeof processKinds>;
