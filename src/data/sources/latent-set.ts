// A finite training set of latents (Paper B's setting on Paper A's synthetic data): `size` latents
// z uniform on the spec's sphere S^{k−1}, drawn once, walked in epochs of shuffled mini-batches;
// positives drawn afresh from the spec's conditional at every step; inputs x = g(z) through the
// spec's frozen process. The set size k is VRNS's δ = −1/(k − 1) (Paper B, Sec. 6).
//
// Streams (src/experiments/streams.ts):
//   set   the process's parameters (drawn first, by the spec builder), then the training set, then
//         the root seed of the epoch shuffles;
//   data  per step: the positives, then the negatives the loss asks for;
//   eval  the held-out set: `eval.samples` fresh latents with one positive view each.
// Epochs: with B anchors per step an epoch is ⌊size/B⌋ steps (a tail of size mod B is left out, as in
// the practical protocol); epoch e's order is randperm(size) from a Generator seeded from the
// epoch root and e, so the order of step s is a function of s alone: the source keeps no state a
// checkpoint would carry (it caches the current epoch's order, which it can always recompute), and a
// resumed run continues exactly.
import { Generator, noGrad, randint, randperm, scope, tensor, type Tensor } from '../../torch/index.js';
import { UniformSphere } from '../../latent/index.js';
import { sampleProxyNegatives } from '../../losses/augmentation-proxy.js';
import { latentBatch } from './latent-batch.js';
import { defineKind, positiveInt, variant } from '../../registry/kind.js';
import type { DataContext, DataSource, EvalSet, NegativeRequest, TrainBatch } from '../source.js';

const SEED_MASK = (1n << 63n) - 1n;
/** Odd 64-bit constant (the golden ratio's), spreading consecutive epochs over the seed space. */
const EPOCH_STRIDE = 0x9e3779b97f4a7c15n;

export interface LatentSetConfig {
  /** Number of training latents k (≥ 2). */
  size: number;
}

export class LatentSetDataSource implements DataSource {
  readonly inputShape: readonly number[];
  readonly latentDim: number;
  readonly size: number;
  readonly perAnchorSources: readonly ('support' | 'views')[] = ['views'];
  readonly sharedNegatives = true;
  /** The training latents [size, k] (set stream). */
  readonly latents: Tensor;
  private readonly epochRoot: bigint;
  private readonly evalData: EvalSet;
  private order: { epoch: number; perm: number[] } | undefined;

  constructor(
    config: LatentSetConfig,
    private readonly ctx: DataContext,
  ) {
    if (!Number.isInteger(config.size) || config.size < 2)
      throw new RangeError(`data 'latent-set': size must be an integer >= 2, got ${config.size}`);
    this.size = config.size;
    this.latentDim = ctx.latentDim;
    this.inputShape = [ctx.process.outDim];
    // The spec's marginal when it names one (cl-ica's spaces), else Paper A's uniform sphere.
    const marginal = ctx.marginal ?? new UniformSphere(ctx.latentDim);
    this.latents = noGrad(() => marginal.sample(config.size, ctx.set));
    this.epochRoot = ctx.set.split(1)[0].seed;
    // Drawn before training, from its own stream: the same held-out set whatever happens later.
    this.evalData = noGrad(() =>
      scope(() => {
        const z = marginal.sample(ctx.evalSamples, ctx.eval);
        const zPos = this.conditional().sample(z, ctx.eval);
        // Copies: a process may return its input itself (identity), and each is disposed once.
        return { inputs: ctx.process.apply(z).clone(), positives: ctx.process.apply(zPos).clone(), latents: z };
      }),
    );
  }

  private conditional() {
    if (this.ctx.conditional === undefined)
      throw new RangeError(
        "data 'latent-set' needs a positive-pair conditional: set conditional: { kind: vmf, kappa } in the spec",
      );
    return this.ctx.conditional;
  }

  /** Steps per epoch with B anchors per step. */
  stepsPerEpoch(B: number): number {
    if (!Number.isInteger(B) || B < 1 || B > this.size)
      throw new RangeError(`data 'latent-set': train.batch must be an integer in 1..size (${this.size}), got ${B}`);
    return Math.floor(this.size / B);
  }

  /** The order of epoch e (0-based): a permutation of 0..size−1 that depends on the set stream and e only. */
  epochOrder(epoch: number): number[] {
    if (this.order?.epoch !== epoch) {
      const seed = (this.epochRoot + BigInt(epoch) * EPOCH_STRIDE) & SEED_MASK;
      this.order = { epoch, perm: scope(() => randperm(this.size, new Generator(seed)).toArray()) };
    }
    return this.order.perm;
  }

  /** Indices of the training latents of step `step` (from 1). */
  indices(step: number, B: number): number[] {
    const spe = this.stepsPerEpoch(B);
    const epoch = Math.floor((step - 1) / spe);
    const start = ((step - 1) % spe) * B;
    return this.epochOrder(epoch).slice(start, start + B);
  }

  batch(step: number, B: number, negatives: NegativeRequest, gen: Generator): TrainBatch {
    const idx = this.indices(step, B);
    return noGrad(() =>
      scope(() => {
        const z = this.latents.indexSelect(0, tensor(idx, undefined, 'int64'));
        const zPos = this.conditional().sample(z, gen);
        const zNeg = this.negatives(z, negatives, gen);
        return latentBatch(z, zPos, zNeg, (latents) => this.ctx.process.apply(latents));
      }),
    );
  }

  private negatives(z: Tensor, request: NegativeRequest, gen: Generator): Tensor | undefined {
    switch (request.kind) {
      case 'none':
        return undefined;
      case 'shared':
        // The set's own (empirical) marginal: members of the training set, uniformly with replacement.
        return this.latents.indexSelect(0, randint(0, this.size, [request.count], gen));
      case 'per-anchor':
        if (request.source === 'views') return sampleProxyNegatives(z, this.conditional(), request.count, gen);
        throw new RangeError(
          "data 'latent-set' has no latent support K(z) negatives: use data 'latents' for the support-corrected loss",
        );
    }
  }

  evalSet(): EvalSet {
    return this.evalData;
  }

  describe(): Record<string, unknown> {
    return { size: this.size, latentDim: this.latentDim };
  }

  dispose(): void {
    for (const t of [this.latents, this.evalData.inputs, this.evalData.positives, this.evalData.latents]) t?.dispose();
    this.ctx.process.dispose?.();
    this.ctx.marginal?.dispose?.();
    this.ctx.conditional?.dispose?.();
  }
}

export const latentSetData = defineKind({
  schema: variant('latent-set', {
    /** Training-set size k: latents drawn once (VRNS's δ = −1/(k − 1)). */
    size: positiveInt('size').refine((k) => k >= 2, { error: 'size must be ≥ 2' }),
  }),
  summary:
    "a finite set of `size` latents on S^{k−1}, shuffled into mini-batches every epoch; positives from 'conditional', inputs through 'process' (Paper B's finite training set)",
  example: { kind: 'latent-set', size: 64 },
  requires: ['conditional'],
  provides: ['latents', 'positives', 'shared-negatives', 'view-negatives', 'finite-set'],
  // An epoch visits the set in steps of train.batch distinct latents: at most `size` per step.
  inputs: (c, m) => ({ shape: [m.processOutDim], latentDim: m.latentDim, size: c.size, maxBatch: c.size }),
  create: (c, ctx: DataContext): DataSource => new LatentSetDataSource(c, ctx),
});
