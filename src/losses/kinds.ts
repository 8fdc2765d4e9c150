// The losses a spec can declare (`loss: { kind: … }`) and the auxiliary terms added to them
// (`auxiliary: [{ kind: vrns, weight }]`). A loss kind builds the loss and says which negatives it
// needs from the data (src/data/source.ts, NegativeRequest).
import { z } from 'zod';
import type { NegativeRequest } from '../data/source.js';
import { defineKind, positive, positiveInt, unitInterval, variant, type ConfigOf } from '../registry/kind.js';
import { adaptedInfoNCE } from './adapted-infonce.js';
import { alignmentUniformityLoss } from './alignment-uniformity-loss.js';
import { augmentationProxy } from './augmentation-proxy.js';
import { infoNCE } from './infonce.js';
import { infoNCEInBatch } from './infonce-in-batch.js';
import { lpInfoNCE } from './lp-infonce.js';
import { ntXent } from './nt-xent.js';
import { siglip } from './siglip.js';
import { similarityFamily } from './similarity-family.js';
import { spectralContrastive } from './spectral.js';
import type { ContrastiveLoss } from './types.js';
import { withVRNS } from './vrns.js';

export interface LossContext {
  /** Anchors per step (the default count of shared negatives). */
  batch: number;
  /** Training-set size when the data is a finite set. */
  datasetSize?: number;
}

/** A built loss and the negatives it needs per step. */
export interface BuiltLoss {
  loss: ContrastiveLoss;
  negatives: NegativeRequest;
}

const tau = positive('tau');
/**
 * `loss.gather: true`: with several data-parallel ranks (`clab run --nproc`), each anchor is
 * contrasted with the negatives of the global batch — every rank's — instead of its own rank's
 * share; how each loss gathers, and which cannot, is in src/experiments/distributed/gather.ts. No
 * effect in one process. Optional without a default, so that existing specs resolve (and key) unchanged.
 */
const gather = z.boolean().optional();
const NONE: NegativeRequest = { kind: 'none' };

export const lossKinds = {
  infonce: defineKind({
    schema: variant('infonce', {
      tau,
      /**
       * shared: one fresh batch of `count` negatives from the marginal for all anchors (Paper A's
       * standard runs); in-batch: the other anchors' positives.
       */
      negatives: z.enum(['shared', 'in-batch']).default('shared'),
      /** Shared negatives per step (default: train.batch). */
      count: positiveInt('count').optional(),
      gather,
    }),
    summary: 'InfoNCE, −log e^{s+}/(e^{s+} + Σ e^{s−}) (Paper A, eq. 1)',
    example: { kind: 'infonce', tau: 0.3 },
    create: (c, ctx: LossContext): BuiltLoss =>
      c.negatives === 'in-batch'
        ? { loss: infoNCEInBatch({ tau: c.tau }), negatives: NONE }
        : { loss: infoNCE({ tau: c.tau }), negatives: { kind: 'shared', count: c.count ?? ctx.batch } },
  }),
  'lp-infonce': defineKind({
    schema: variant('lp-infonce', {
      tau,
      /** Exponent of the distance similarity −|a − b|_p^p/τ (2: normal model, 1: Laplace model). */
      p: positive('p').default(2),
      /** Shared negatives per step, drawn from the latent marginal (default: train.batch). */
      count: positiveInt('count').optional(),
      gather,
    }),
    summary:
      "InfoNCE with similarity −|f(x) − f(x')|_p^p/τ on unnormalised embeddings (cl-ica's box and R^k loss; use encoder normalize: false)",
    example: { kind: 'lp-infonce', tau: 1 },
    create: (c, ctx: LossContext): BuiltLoss => ({
      loss: lpInfoNCE({ tau: c.tau, p: c.p }),
      negatives: { kind: 'shared', count: c.count ?? ctx.batch },
    }),
  }),
  'adapted-infonce': defineKind({
    schema: variant('adapted-infonce', {
      tau,
      /** M negatives per anchor (paper: 2000; O(N·M) encoder passes, so smaller by default). */
      negativesPerAnchor: positiveInt('negativesPerAnchor').default(64),
      /** Constraint ratio ρ ∈ [0, 1]: share of each anchor's negatives drawn from U(K(z)). */
      rho: unitInterval('rho').default(1),
      gather,
    }),
    summary: "support-corrected InfoNCE: each anchor's negatives from its own support K(z) (Paper A)",
    example: { kind: 'adapted-infonce', tau: 0.3, negativesPerAnchor: 4 },
    create: (c): BuiltLoss => ({
      loss: adaptedInfoNCE({ tau: c.tau, negativesPerAnchor: c.negativesPerAnchor, rho: c.rho }),
      negatives: { kind: 'per-anchor', count: c.negativesPerAnchor, source: 'support', rho: c.rho },
    }),
  }),
  proxy: defineKind({
    schema: variant('proxy', { tau, negativesPerAnchor: positiveInt('negativesPerAnchor').default(16), gather }),
    summary: 'same-anchor augmentation proxy: negatives are further positives of the anchor itself (Paper A, Alg. 14)',
    example: { kind: 'proxy', tau: 0.3, negativesPerAnchor: 4 },
    create: (c): BuiltLoss => ({
      loss: augmentationProxy({ tau: c.tau, negativesPerAnchor: c.negativesPerAnchor }),
      negatives: { kind: 'per-anchor', count: c.negativesPerAnchor, source: 'views', rho: 1 },
    }),
  }),
  'nt-xent': defineKind({
    schema: variant('nt-xent', { tau, gather }),
    summary: "SimCLR's NT-Xent: in-batch InfoNCE over both views (2B − 2 negatives per anchor)",
    example: { kind: 'nt-xent', tau: 0.5 },
    create: (c): BuiltLoss => ({ loss: ntXent({ tau: c.tau }), negatives: NONE }),
  }),
  siglip: defineKind({
    schema: variant('siglip', {
      t: positive('t').default(10),
      b: z.number().default(-10),
      c2: z.number().nonnegative().default(0),
      gather,
    }),
    summary: 'sigmoid pairwise loss (SigLIP; Paper B with within-view weight c2)',
    example: { kind: 'siglip' },
    create: (c): BuiltLoss => ({ loss: siglip({ t: c.t, b: c.b, c2: c.c2 }), negatives: NONE }),
  }),
  spectral: defineKind({
    schema: variant('spectral', { gather }),
    summary: 'spectral contrastive loss (HaoChen et al. 2021)',
    example: { kind: 'spectral' },
    create: (): BuiltLoss => ({ loss: spectralContrastive(), negatives: NONE }),
  }),
  'alignment-uniformity': defineKind({
    schema: variant('alignment-uniformity', {
      alpha: positive('alpha').default(2),
      t: positive('t').default(2),
      weight: z.number().nonnegative().default(1),
      gather,
    }),
    summary: 'alignment + weight·uniformity (Wang & Isola 2020)',
    example: { kind: 'alignment-uniformity' },
    create: (c): BuiltLoss => ({
      loss: alignmentUniformityLoss({ alpha: c.alpha, t: c.t, weight: c.weight }),
      negatives: NONE,
    }),
  }),
  'similarity-family': defineKind({
    schema: variant('similarity-family', {
      /** Weight of the cross-view negatives (u_i, v_j). */
      c1: z.number().nonnegative(),
      /** Weight of the within-view negatives (u_i, u_j). */
      c2: z.number().nonnegative(),
      phi: z.enum(['exp']).default('exp'),
      psi: z.enum(['log1p', 'identity']).default('log1p'),
      t: positive('t').default(0.5),
      gather,
    }),
    summary: "Paper B's loss family ψ(c1·Σ φ(u_i·v_j) + c2·Σ φ(u_i·u_j)) − …",
    example: { kind: 'similarity-family', c1: 1, c2: 1 },
    create: (c): BuiltLoss => ({
      loss: similarityFamily({ c1: c.c1, c2: c.c2, phi: c.phi, psi: c.psi, t: c.t }),
      negatives: NONE,
    }),
  }),
};

export type LossConfig = ConfigOf<typeof lossKinds>;

/** Auxiliary terms added to the loss with a weight. */
export const auxiliaryKinds = {
  vrns: defineKind({
    schema: variant('vrns', {
      /** λ ≥ 0 (Paper B: 30). */
      weight: z.number().nonnegative().default(30),
      power: positive('power').default(2),
      /** k of δ = −1/(k − 1); default: the data's training-set size (required when the data has none). */
      datasetSize: positiveInt('datasetSize').optional(),
    }),
    summary: "Paper B's variance-reduction term for negative similarities, λ·mean (u_i·v_j − δ)^p",
    example: { kind: 'vrns', datasetSize: 1000 },
    create: (c, ctx: LossContext & { base: ContrastiveLoss }): ContrastiveLoss => {
      const k = c.datasetSize ?? ctx.datasetSize;
      if (k === undefined)
        throw new RangeError('auxiliary vrns: the data has no finite training set; set auxiliary[].datasetSize');
      return withVRNS(ctx.base, { lambda: c.weight, datasetSize: k, power: c.power });
    },
  }),
};

export type AuxiliaryConfig = ConfigOf<typeof auxiliaryKinds>;
