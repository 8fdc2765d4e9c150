// Paper A's synthetic data: latents z uniform on S^{k−1}, positives from the spec's conditional,
// inputs x = g(z) through the frozen process (design/papers.md, "Synthetic setup"). A spec that
// names a latent space or marginal (cl-ica's box and R^k, content/style latents) draws the anchors
// and the shared negatives from that marginal instead.
//
// Draw order per step (from the run's data stream): anchors, positives, negatives — the order of
// Paper A's reference loop, kept so that a run's numbers do not depend on how the trainer is built.
import { noGrad, scope, type Generator, type Tensor } from '../../torch/index.js';
import { UniformSphere, type Marginal } from '../../latent/index.js';
import { latentNegatives } from './latent-negatives.js';
import { latentBatch } from './latent-batch.js';
import { defineKind, variant } from '../../registry/kind.js';
import type { DataContext, DataSource, EvalSet, NegativeRequest, TrainBatch } from '../source.js';

export class LatentDataSource implements DataSource {
  readonly inputShape: readonly number[];
  readonly latentDim: number;
  readonly perAnchorSources: readonly ('support' | 'views')[];
  readonly sharedNegatives = true;
  private readonly marginal: Marginal;
  private readonly evalData: EvalSet;

  constructor(private readonly ctx: DataContext) {
    this.latentDim = ctx.latentDim;
    this.inputShape = [ctx.process.outDim];
    this.marginal = ctx.marginal ?? new UniformSphere(ctx.latentDim);
    const fixed = ctx.conditionalConfig?.fixedDims ?? 0;
    this.perAnchorSources = fixed > 0 ? ['support', 'views'] : ['views'];
    // Drawn before training, from its own stream: the same held-out set whatever happens later.
    this.evalData = noGrad(() =>
      scope(() => {
        const z = this.marginal.sample(ctx.evalSamples, ctx.eval);
        const zPos = this.conditional().sample(z, ctx.eval);
        // Copies: a process may return its input itself (identity), and each is disposed once.
        return { inputs: ctx.process.apply(z).clone(), positives: ctx.process.apply(zPos).clone(), latents: z };
      }),
    );
  }

  private conditional() {
    if (this.ctx.conditional === undefined)
      throw new RangeError(
        "data 'latents' needs a positive-pair conditional: set conditional: { kind: vmf, kappa } in the spec",
      );
    return this.ctx.conditional;
  }

  batch(_step: number, B: number, negatives: NegativeRequest, gen: Generator): TrainBatch {
    return noGrad(() =>
      scope(() => {
        const z = this.marginal.sample(B, gen);
        const zPos = this.conditional().sample(z, gen);
        const zNeg = this.negatives(z, negatives, gen);
        return latentBatch(z, zPos, zNeg, (latents) => this.ctx.process.apply(latents));
      }),
    );
  }

  private negatives(z: Tensor, request: NegativeRequest, gen: Generator): Tensor | undefined {
    const fixedDims = this.ctx.conditionalConfig?.fixedDims ?? 0;
    return latentNegatives(z, request, { marginal: this.marginal, conditional: this.conditional(), fixedDims }, gen);
  }

  evalSet(): EvalSet {
    return this.evalData;
  }

  dispose(): void {
    for (const t of [this.evalData.inputs, this.evalData.positives, this.evalData.latents]) t?.dispose();
    this.ctx.process.dispose?.();
    this.ctx.marginal?.dispose?.();
    this.ctx.conditional?.dispose?.();
  }
}

export const latentsData = defineKind({
  schema: variant('latents', {}),
  summary:
    "latents from the spec's 'latent' marginal (default uniform on S^{k−1}), positives from 'conditional', inputs through 'process' (Paper A; cl-ica)",
  example: { kind: 'latents' },
  requires: ['conditional'],
  provides: ['latents', 'positives', 'shared-negatives', 'support-negatives', 'view-negatives'],
  inputs: (_c, m) => ({ shape: [m.processOutDim], latentDim: m.latentDim }),
  create: (_c, ctx: DataContext): DataSource => new LatentDataSource(ctx),
});
