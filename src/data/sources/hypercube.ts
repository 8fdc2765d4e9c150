// Paper C's hypercube task as a dataset (Saunshi et al., ICML 2022, arXiv 2202.14037; the task is
// src/data/hypercube.ts): inputs x ∈ {±1}^D, label linear in the first k coordinates, augmentation
// scales the other D − k coordinates by independent factors in (0, 1].
//
// Training stream (the run's data stream), per step: B fresh inputs, two augmentations each (the
// positive pair); shared negatives are further fresh inputs with one augmentation each, per-anchor
// 'views' negatives further augmentations of the anchor itself.
// Frozen (the set stream): the label weights w ∈ {±1}^k.
// Held-out set (the eval stream, drawn once): a fixed evaluation sample of `eval.samples` inputs,
// two augmentations each (inputs = first views, positives = second views, labels), so the
// contrastive loss of a representation on it is the mean of the loss over batches of the two views
// (metric eval-loss); and a labelled training split of `probeTrain` other inputs, one augmentation
// each, for the linear probe (fit on the split, scored on the first views of the evaluation sample).
// The probe reads augmented inputs on both sides: labels do not change under augmentation, and
// the metrics only see what the trainer embeds (inputs, positives, train split).
import { noGrad, scope, type Generator } from '../../torch/index.js';
import { defineKind, positiveInt, variant } from '../../registry/kind.js';
import { HYPERCUBE_DEFAULT_D, HYPERCUBE_DEFAULT_K, hypercubeTask, type HypercubeTask } from '../hypercube.js';
import type { DataContext, DataSource, EvalSet, NegativeRequest, TrainBatch } from '../source.js';

export interface HypercubeDataConfig {
  D: number;
  k: number;
  probeTrain: number;
}

export class HypercubeDataSource implements DataSource {
  readonly inputShape: readonly number[];
  readonly perAnchorSources: readonly ('support' | 'views')[] = ['views'];
  readonly sharedNegatives = true;
  readonly task: HypercubeTask;
  private readonly evalData: EvalSet;

  constructor(config: HypercubeDataConfig, ctx: DataContext) {
    this.task = hypercubeTask({ D: config.D, k: config.k, gen: ctx.set });
    this.inputShape = [config.D];
    const task = this.task;
    // Drawn before training, from its own stream: the same held-out set whatever happens later.
    this.evalData = noGrad(() =>
      scope(() => {
        const { x, y } = task.sample(ctx.evalSamples, ctx.eval);
        const inputs = task.augment(x, ctx.eval);
        const positives = task.augment(x, ctx.eval);
        const probe = task.sample(config.probeTrain, ctx.eval);
        return { inputs, positives, labels: y, train: { inputs: task.augment(probe.x, ctx.eval), labels: probe.y } };
      }),
    );
  }

  batch(_step: number, B: number, negatives: NegativeRequest, gen: Generator): TrainBatch {
    const task = this.task;
    return noGrad(() =>
      scope(() => {
        // The order of the original study's loop: inputs, first views, second views.
        const { x } = task.sample(B, gen);
        const out: TrainBatch = { anchors: task.augment(x, gen), positives: task.augment(x, gen) };
        if (negatives.kind === 'shared') out.negatives = task.augment(task.sample(negatives.count, gen).x, gen);
        else if (negatives.kind === 'per-anchor') {
          if (negatives.source !== 'views')
            throw new RangeError(
              "data 'hypercube' has no latent support K(z): per-anchor negatives can only be further views ('proxy' loss)",
            );
          const M = negatives.count;
          const repeated = x
            .unsqueeze(1)
            .expand(B, M, task.D)
            .reshape(B * M, task.D);
          out.negatives = task.augment(repeated, gen).reshape(B, M, task.D);
        }
        return out;
      }),
    );
  }

  evalSet(): EvalSet {
    return this.evalData;
  }

  describe(): Record<string, unknown> {
    return { D: this.task.D, k: this.task.k, w: this.task.w };
  }

  dispose(): void {
    const e = this.evalData;
    for (const t of [e.inputs, e.positives, e.labels, e.train?.inputs, e.train?.labels]) t?.dispose();
  }
}

export const hypercubeData = defineKind({
  schema: variant('hypercube', {
    /** Input dimension (ours: the paper does not state it). */
    D: positiveInt('D').default(HYPERCUBE_DEFAULT_D),
    /** Label coordinates: odd (so w·x is never 0) and smaller than D. */
    k: positiveInt('k').default(HYPERCUBE_DEFAULT_K),
    /** Inputs of the linear probe's training split. */
    probeTrain: positiveInt('probeTrain').default(2000),
  }).refine((c) => c.k < c.D && c.k % 2 === 1, { error: 'data.k must be odd and smaller than data.D', path: ['k'] }),
  summary:
    "Paper C's hypercube: x ∈ {±1}^D, label linear in the first k signs, augmentation scales the other coordinates by (0, 1]",
  example: { kind: 'hypercube', D: 8, k: 3, probeTrain: 32 },
  provides: ['labels', 'positives', 'shared-negatives', 'view-negatives'],
  inputs: (c) => ({ shape: [c.D] }),
  create: (c, ctx: DataContext): DataSource => new HypercubeDataSource(c, ctx),
});
