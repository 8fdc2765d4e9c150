// Paper D's clustered data as a dataset (Parulekar et al., COLT 2023; the construction is
// src/data/clusters.ts): `clusters` clusters of `pointsPerCluster` points in R^dim, each point's
// augmentation set a sine curve; the intertwine knob ι moves the curves of a cluster from far apart
// (ι = 0) to closely interleaved (ι = 1).
//
// Frozen (the set stream): the random frame of the configuration — the same for every ι, encoder
// and loss at one run seed, so only the knob changes between the cells of a suite.
// Inputs are divided by the RMS distance of the anchor points to their mean (one number per
// dataset), so every ι feeds the encoder inputs on the same scale.
// Training stream (the run's data stream), per step: B anchors drawn uniformly with replacement from
// the dataset, then (shared negatives) M dataset points likewise; two augmentations of every anchor
// (the positive pair) and one of every negative. So InfoNCE with `count: M` is the loss of the
// original study: M explicit negatives shared by the batch. Per-anchor 'views' negatives are
// further augmentations of the anchor itself.
// Held-out set (the eval stream): the n anchor points themselves with their cluster labels (the
// clustering metrics score the representation of the dataset), and one augmentation of each.
import { noGrad, randint, scope, type Generator, type Tensor } from '../../torch/index.js';
import { defineKind, positiveInt, unitInterval, variant } from '../../registry/kind.js';
import { clusteredData, type ClusteredData } from '../clusters.js';
import type { DataContext, DataSource, EvalSet, NegativeRequest, TrainBatch } from '../source.js';

export interface ClustersDataConfig {
  clusters: number;
  pointsPerCluster: number;
  dim: number;
  intertwine: number;
}

/** RMS distance of the points [n, d] to their mean: the one input scale of a dataset. */
export function inputScale(points: Tensor): number {
  return noGrad(() =>
    scope(() =>
      points
        .sub(points.mean([0], true))
        .square()
        .sum(1)
        .mean()
        .sqrt()
        .item(),
    ),
  );
}

export class ClustersDataSource implements DataSource {
  readonly inputShape: readonly number[];
  readonly size: number;
  readonly perAnchorSources: readonly ('support' | 'views')[] = ['views'];
  readonly sharedNegatives = true;
  readonly data: ClusteredData;
  /** The input scale the points are divided by. */
  readonly scale: number;
  private readonly evalData: EvalSet;

  constructor(config: ClustersDataConfig, ctx: DataContext) {
    this.data = clusteredData({ ...config, gen: ctx.set });
    this.size = this.data.labels.size(0);
    this.inputShape = [config.dim];
    this.scale = inputScale(this.data.points);
    const all = Array.from({ length: this.size }, (_, i) => i);
    this.evalData = noGrad(() =>
      scope(() => ({
        inputs: this.data.points.div(this.scale),
        positives: this.augment(all, ctx.eval),
        labels: this.data.labels.clone(),
      })),
    );
  }

  /** One rescaled augmentation of each listed point. */
  private augment(indices: Tensor | readonly number[], gen: Generator): Tensor {
    return scope(() => this.data.augment(indices, gen).div(this.scale));
  }

  batch(_step: number, B: number, negatives: NegativeRequest, gen: Generator): TrainBatch {
    const n = this.size;
    return noGrad(() =>
      scope(() => {
        // The order of the original study's loop: anchor indices, negative indices, then the views.
        const anchors = randint(0, n, [B], gen);
        const shared = negatives.kind === 'shared' ? randint(0, n, [negatives.count], gen) : undefined;
        const out: TrainBatch = { anchors: this.augment(anchors, gen), positives: this.augment(anchors, gen) };
        if (shared !== undefined) out.negatives = this.augment(shared, gen);
        else if (negatives.kind === 'per-anchor') {
          if (negatives.source !== 'views')
            throw new RangeError(
              "data 'clusters' has no latent support K(z): per-anchor negatives can only be further views ('proxy' loss)",
            );
          const M = negatives.count;
          out.negatives = this.augment(anchors.repeatInterleave(M), gen).reshape(B, M, this.inputShape[0]!);
        }
        return out;
      }),
    );
  }

  evalSet(): EvalSet {
    return this.evalData;
  }

  describe(): Record<string, unknown> {
    return { gap: this.data.gap, minSetDistance: this.data.minSetDistance, scale: this.scale, size: this.size };
  }

  dispose(): void {
    for (const t of [
      this.evalData.inputs,
      this.evalData.positives,
      this.evalData.labels,
      this.data.points,
      this.data.labels,
    ])
      t?.dispose();
  }
}

export const clustersData = defineKind({
  schema: variant('clusters', {
    clusters: positiveInt('clusters').default(4),
    pointsPerCluster: positiveInt('pointsPerCluster').default(32),
    /** Ambient dimension, ≥ 3·clusters (three private directions per cluster). */
    dim: positiveInt('dim').default(12),
    /** ι: 0 = augmentation sets far apart, 1 = closely intertwined. */
    intertwine: unitInterval('intertwine'),
  }).refine((c) => c.clusters >= 2 && c.pointsPerCluster >= 2 && c.dim >= 3 * c.clusters, {
    error: 'data.clusters and data.pointsPerCluster must be ≥ 2, and data.dim ≥ 3·clusters',
    path: ['dim'],
  }),
  summary:
    "Paper D's clustered data: per-point augmentation curves, far apart (intertwine 0) or interleaved (intertwine 1) inside a cluster",
  example: { kind: 'clusters', clusters: 2, pointsPerCluster: 8, dim: 6, intertwine: 1 },
  provides: ['labels', 'positives', 'shared-negatives', 'view-negatives', 'finite-set'],
  // Anchors are drawn with replacement: any train.batch.
  inputs: (c) => ({ shape: [c.dim], size: c.clusters * c.pointsPerCluster }),
  create: (c, ctx: DataContext): DataSource => new ClustersDataSource(c, ctx),
});
