// SimCLR on images (Chen et al. 2020), the training procedure of Paper A's CIFAR-10 study, and the
// frozen-feature evaluation that follows it.
//
// Training: an image encoder (src/encoders/image) and an augmentation pipeline (a named regime of
// Paper A or any Augmentation). Each epoch shuffles the train images (randperm from the training
// generator) and walks them in mini-batches of B (the last incomplete batch is dropped, as SimCLR's
// loader does; when the set is smaller than B, the one batch is the whole set). For every batch
// two views are drawn (the augmentation applied twice, from the same generator), both go through
// the encoder in one forward pass (BatchNorm sees 2B images), and NT-Xent with temperature τ over
// the 2B embeddings is minimised with Adam.
// Evaluation (encoder in eval mode, no gradients): the L2-normalised embedding before any projection
// head (`encoder.embed`) of the un-augmented train and test images; a linear probe (multinomial
// logistic regression, src/metrics/linear-probe.ts) trained on the train features and scored on the
// test features, and cosine k-NN accuracy (k = 20 by default, src/metrics/knn.ts).
// Determinism: the encoder's initialisation comes from Generator(seed), the batches and views from
// Generator(seed + 1); with the same data and seed the run is repeatable.
import { regime, type Augmentation } from '../augment/index.js';
import type { ImageDataset, ImageSplits } from '../data/image-types.js';
import { createImageEncoder, type ImageEncoder, type ImageEncoderSpec } from '../encoders/image/index.js';
import { ntXent } from '../losses/nt-xent.js';
import { knnAccuracy } from '../metrics/knn.js';
import { linearProbe } from '../metrics/linear-probe.js';
import { Adam } from '../optim/index.js';
import { cat, Generator, noGrad, randperm, scope, type Tensor } from '../torch/index.js';

export interface SimclrConfig {
  /** The encoder to build (e.g. imageEncoderPreset('resnet18', 'cpu', { inChannels: 1, imageSize: 28 })). */
  encoder: ImageEncoderSpec;
  /** A regime name of Paper A ('all', 'crop-only', 'all-without-crop') or any augmentation. */
  augmentation: string | Augmentation;
  /** NT-Xent temperature τ; Paper A: 0.5. */
  tau: number;
  /** Adam learning rate; Paper A: 3e-4. */
  lr: number;
  /** Images per batch B (2B views); Paper A: 2000. */
  batchSize: number;
  /** Passes over the train set; 0 evaluates the randomly initialised encoder. */
  epochs: number;
  /** Seeds the initialisation (seed) and the batches and views (seed + 1). */
  seed: number;
  /** Linear-probe epochs (full-batch Adam); default 300. */
  probeEpochs?: number;
  /** Neighbours of the k-NN score; default 20. */
  knnK?: number;
  /** Images per forward pass when embedding for evaluation; default 500. */
  evalBatchSize?: number;
}

export interface FrozenScores {
  /** Linear-probe test accuracy in [0, 1]. */
  probe: number;
  /** Linear-probe train accuracy in [0, 1]. */
  probeTrain: number;
  /** Cosine k-NN test accuracy in [0, 1]. */
  knn: number;
}

export interface SimclrResult extends FrozenScores {
  /** Mean NT-Xent loss per epoch. */
  epochLosses: number[];
  /** Mean loss of the last epoch (NaN when epochs = 0). */
  finalLoss: number;
  /** Optimiser steps taken. */
  steps: number;
  /** Encoder parameters. */
  parameters: number;
  /** Wall-clock seconds of training and evaluation. */
  seconds: number;
}

const FN = 'trainSimclr()';

function checkConfig(c: SimclrConfig, data: ImageSplits): void {
  const posInt = (name: string, v: unknown, min: number): void => {
    if (!Number.isInteger(v) || (v as number) < min) throw new RangeError(`${FN}: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
  };
  posInt('batchSize', c.batchSize, 2);
  posInt('epochs', c.epochs, 0);
  posInt('seed', c.seed, 0);
  if (!(c.lr > 0)) throw new RangeError(`${FN}: lr must be > 0, got ${c.lr}`);
  if (c.probeEpochs !== undefined) posInt('probeEpochs', c.probeEpochs, 1);
  if (c.knnK !== undefined) posInt('knnK', c.knnK, 1);
  if (c.evalBatchSize !== undefined) posInt('evalBatchSize', c.evalBatchSize, 1);
  if (data.train.images.size(0) < 2) throw new RangeError(`${FN}: needs at least 2 train images`);
  if (data.test.images.size(0) < 1) throw new RangeError(`${FN}: needs at least 1 test image`);
}

/** The augmentation of a config: a regime name resolved at the images' side, or the object given. */
export function resolveAugmentation(augmentation: string | Augmentation, imageSize: number): Augmentation {
  return typeof augmentation === 'string' ? regime(augmentation, { imageSize }) : augmentation;
}

/** The L2-normalised embeddings [N, embedDim] of a dataset's images, in eval mode, in batches. */
export function embedImages(encoder: ImageEncoder, images: Tensor, batchSize = 500): Tensor {
  const wasTraining = encoder.training;
  encoder.eval();
  try {
    return noGrad(() =>
      scope(() => {
        const n = images.size(0);
        const parts: Tensor[] = [];
        for (let start = 0; start < n; start += batchSize) parts.push(encoder.embed(images.narrow(0, start, Math.min(batchSize, n - start))));
        return cat(parts, 0);
      }),
    );
  } finally {
    encoder.train(wasTraining);
  }
}

/**
 * Linear-probe and k-NN accuracy of an encoder's frozen embeddings: fitted on `train`, scored on
 * `test` (no augmentation).
 */
export function evaluateFrozen(
  encoder: ImageEncoder,
  train: ImageDataset,
  test: ImageDataset,
  options: { probeEpochs?: number; knnK?: number; evalBatchSize?: number } = {},
): FrozenScores {
  const { probeEpochs = 300, knnK = 20, evalBatchSize = 500 } = options;
  const classes = Math.max(train.classes.length, 2);
  return scope(() => {
    const fTrain = embedImages(encoder, train.images, evalBatchSize);
    const fTest = embedImages(encoder, test.images, evalBatchSize);
    const probe = linearProbe(fTrain, train.labels, fTest, test.labels, { classes, epochs: probeEpochs });
    probe.weights.weight.dispose();
    probe.weights.bias.dispose();
    const knn = knnAccuracy(fTrain, train.labels, fTest, test.labels, { k: knnK, classes });
    return { probe: probe.testAccuracy, probeTrain: probe.trainAccuracy, knn };
  });
}

/**
 * Trains an image encoder with SimCLR on `data.train` and scores its frozen embeddings on
 * `data.test`. `log` receives one line per epoch.
 *
 * @example
 * const r = trainSimclr(loadMnist({ train: 2000, test: 1000, gen: new Generator(0) }), {
 *   encoder: imageEncoderPreset('pixel-mlp', 'cpu', { inChannels: 1, imageSize: 28 }),
 *   augmentation: 'crop-only', tau: 0.5, lr: 1e-3, batchSize: 256, epochs: 10, seed: 0,
 * });
 * r.probe; // linear-probe test accuracy
 */
export function trainSimclr(data: ImageSplits, config: SimclrConfig, log: (message: string) => void = () => {}): SimclrResult {
  checkConfig(config, data);
  const started = performance.now();
  const images = data.train.images;
  const n = images.size(0);
  const side = images.size(3);
  const augment = resolveAugmentation(config.augmentation, side);
  const encoder = createImageEncoder(config.encoder, new Generator(config.seed));
  const gen = new Generator(config.seed + 1);
  const loss = ntXent({ tau: config.tau });
  const opt = new Adam(encoder.parameters(), { lr: config.lr });
  const B = Math.min(config.batchSize, n);
  const batchesPerEpoch = Math.floor(n / B);
  const epochLosses: number[] = [];
  let steps = 0;
  try {
    encoder.train();
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      let sum = 0;
      scope(() => {
        const perm = randperm(n, gen);
        for (let b = 0; b < batchesPerEpoch; b++) {
          const value = scope(() => {
            const x = images.indexSelect(0, perm.narrow(0, b * B, B));
            const views = noGrad(() => cat([augment.apply(x, gen), augment.apply(x, gen)], 0));
            const z = encoder.forward(views);
            const out = loss({ anchors: z.narrow(0, 0, B), positives: z.narrow(0, B, B) });
            opt.zeroGrad();
            out.loss.backward();
            opt.step();
            return out.loss.item();
          });
          if (!Number.isFinite(value)) throw new Error(`${FN}: training diverged (loss ${value} at epoch ${epoch + 1}, batch ${b + 1})`);
          sum += value;
          steps++;
        }
      });
      epochLosses.push(sum / batchesPerEpoch);
      log(`  epoch ${epoch + 1}/${config.epochs}: NT-Xent ${(sum / batchesPerEpoch).toFixed(4)}`);
    }
    const scores = evaluateFrozen(encoder, data.train, data.test, config);
    return {
      ...scores,
      epochLosses,
      finalLoss: epochLosses.length > 0 ? (epochLosses[epochLosses.length - 1] as number) : NaN,
      steps,
      parameters: encoder.numParameters(),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    opt.dispose();
    encoder.dispose();
  }
}
