// A finite labelled image set trained SimCLR-style (Chen et al. 2020; Paper A's CIFAR-10 study):
// the shared part of the `cifar10` and `mnist` data kinds.
//
// Per step: a mini-batch of train images and two augmented views of each (the anchors and their
// positives), drawn with the augmentation `regime` (src/augment/regimes.ts) from the run's data
// stream, anchors' views first. Epochs are shuffled passes over the train set with SimCLR's
// drop-last batching: an epoch has ⌊n / B⌋ steps (one step of all n images when n < B) and step s
// reads positions ((s − 1) mod ⌊n / B⌋)·B … of the epoch's order. The order of epoch e is
// randperm(n) from Generator(shuffleSeed + e), where shuffleSeed is drawn once from the run's `set`
// stream: it is a function of the step, so the source holds no state a checkpoint must carry.
// Negatives a loss may ask for: `shared` — `count` train images drawn uniformly (with replacement)
// from the data stream, one augmented view each; per-anchor `views` — `count` further augmentations
// of the anchor image itself (Paper A's Alg. 14 proxy).
// Held-out set: the clean test images and labels, with the clean train split for probes and k-NN,
// and one augmented view of each test image (similarity statistics, alignment) from the eval stream.
import { z } from 'zod';
import { regime, REGIME_NAMES, type Augmentation } from '../../augment/index.js';
import { Generator, keep, noGrad, randint, randperm, scope, type Tensor } from '../../torch/index.js';
import type { ImageSplits } from '../image-types.js';
import type { DataSource, EvalSet, NegativeRequest, TrainBatch } from '../source.js';

/** The `augmentation` setting of the image kinds: a regime of Paper A, or none (views = the image). */
export const AUGMENTATIONS = [...REGIME_NAMES, 'none'] as const;
export type AugmentationName = (typeof AUGMENTATIONS)[number];
export const augmentationSetting = z.enum(AUGMENTATIONS);

/** The augmentation of a setting for images of side `imageSize`, or undefined for none. */
export function augmentationOf(name: AugmentationName, imageSize: number): Augmentation | undefined {
  return name === 'none' ? undefined : regime(name, { imageSize });
}

/** Which images step `step` (from 1) reads, as positions into its epoch's order: SimCLR's drop-last batching. */
export function epochPosition(step: number, n: number, batch: number): { epoch: number; start: number; size: number } {
  if (!Number.isInteger(step) || step < 1)
    throw new RangeError(`epochPosition: step must be an integer ≥ 1, got ${step}`);
  const size = Math.min(batch, n);
  const perEpoch = Math.floor(n / size);
  return { epoch: Math.floor((step - 1) / perEpoch), start: ((step - 1) % perEpoch) * size, size };
}

export class ImageSetSource implements DataSource {
  readonly inputShape: readonly number[];
  readonly size: number;
  readonly perAnchorSources = ['views'] as const;
  readonly sharedNegatives = true;
  private readonly augment: Augmentation | undefined;
  private readonly shuffleSeed: bigint;
  private readonly evalData: EvalSet;
  private order: { epoch: number; perm: Tensor } | undefined;

  /** Takes ownership of `data` (disposed with the source). */
  constructor(
    private readonly data: ImageSplits,
    augmentation: AugmentationName,
    set: Generator,
    evalGen: Generator,
  ) {
    const images = data.train.images;
    if (images.size(0) < 2) throw new RangeError(`image data: needs at least 2 train images, got ${images.size(0)}`);
    if (data.test.images.size(0) < 1) throw new RangeError('image data: needs at least 1 test image');
    this.inputShape = images.shape.slice(1);
    this.size = images.size(0);
    this.augment = augmentationOf(augmentation, images.size(3));
    this.shuffleSeed = set.split(1)[0].seed;
    const test = data.test;
    this.evalData = {
      inputs: test.images,
      labels: test.labels,
      positives: noGrad(() => scope(() => this.view(test.images, evalGen))),
      train: { inputs: data.train.images, labels: data.train.labels },
    };
  }

  /** One augmented view of each image (a copy when there is no augmentation). */
  private view(x: Tensor, gen: Generator): Tensor {
    return this.augment === undefined ? x.clone() : this.augment.apply(x, gen);
  }

  /** The shuffled order of epoch `epoch` (kept for the epoch's steps; recomputed from the step on resume). */
  private epochOrder(epoch: number): Tensor {
    if (this.order?.epoch !== epoch) {
      this.order?.perm.dispose();
      this.order = { epoch, perm: keep(randperm(this.size, new Generator(this.shuffleSeed + BigInt(epoch)))) };
    }
    return this.order.perm;
  }

  batch(step: number, B: number, negatives: NegativeRequest, gen: Generator): TrainBatch {
    const { epoch, start, size } = epochPosition(step, this.size, B);
    const perm = this.epochOrder(epoch);
    return noGrad(() =>
      scope(() => {
        const x = this.data.train.images.indexSelect(0, perm.narrow(0, start, size));
        const out: TrainBatch = { anchors: this.view(x, gen), positives: this.view(x, gen) };
        if (negatives.kind === 'shared') {
          out.negatives = this.view(
            this.data.train.images.indexSelect(0, randint(0, this.size, [negatives.count], gen)),
            gen,
          );
        } else if (negatives.kind === 'per-anchor') {
          if (negatives.source !== 'views')
            throw new RangeError(
              `image data has no latent support for '${negatives.source}' negatives; use the proxy loss (view negatives)`,
            );
          const M = negatives.count;
          out.negatives = this.view(x.repeatInterleave(M, 0), gen).reshape(size, M, ...this.inputShape);
        }
        return out;
      }),
    );
  }

  evalSet(): EvalSet {
    return this.evalData;
  }

  describe(): Record<string, unknown> {
    return {
      train: this.size,
      test: this.data.test.images.size(0),
      inputShape: this.inputShape,
      augmentation: this.augment?.name ?? 'none',
    };
  }

  dispose(): void {
    this.order?.perm.dispose();
    this.order = undefined;
    this.evalData.positives?.dispose();
    for (const d of [this.data.train, this.data.test]) {
      d.images.dispose();
      d.labels.dispose();
    }
  }
}
