// Linear probe: multinomial logistic regression on frozen features, the downstream score of
// Papers C and D (and of issue 6's CIFAR probe).
//
//   1. Standardise every feature with the TRAIN mean and (biased) standard deviation; a constant
//      feature (std < 1e-12) is only centred.
//   2. Fit logits = x̂·W + b (W [d, C], b [C], both initialised at 0) by minimising
//        mean cross-entropy + (weightDecay / 2)·|W|²_F      (the bias is not penalised)
//      with Adam (torch.optim.Adam defaults except lr) for `epochs` passes over the train set:
//      full batch by default (one step per epoch; deterministic without a Generator), or
//      shuffled mini-batches of `batchSize` (shuffles drawn from `gen`). Float32.
//   3. Report train and test accuracy (argmax of the logits), and the fitted map folded back to
//      the raw features: logits = x·weightᵀ + bias with weight = (W / σ)ᵀ [C, d], bias = b − (μ/σ)·W.
// The problem is convex and starts at 0, so with full batches the result depends on no seed.
import { Adam } from '../optim/index.js';
import { enableGrad, F, Generator, noGrad, randperm, scope, zeros, type Tensor } from '../torch/index.js';

export interface LinearProbeOptions {
  /** Number of classes C; default max(label) + 1 over train and test. */
  classes?: number;
  /** Passes over the train set; default 200. */
  epochs?: number;
  /** Adam learning rate; default 0.05 (features are standardised). */
  lr?: number;
  /** L2 penalty (weightDecay / 2)·|W|² on the weights, not the bias; default 0. */
  weightDecay?: number;
  /** Mini-batch size; default the whole train set (full-batch Adam). */
  batchSize?: number;
  /** Shuffles the mini-batches; required when batchSize < number of train samples. */
  gen?: Generator;
}

export interface LinearProbeResult {
  /** Fraction of train samples classified correctly. */
  trainAccuracy: number;
  /** Fraction of test samples classified correctly. */
  testAccuracy: number;
  /** Mean train cross-entropy (without the penalty) of the final map. */
  trainLoss: number;
  /** The fitted map on raw features: logits = x·weight.T + bias; weight [C, d], bias [C] (float32, caller owns). */
  weights: { weight: Tensor; bias: Tensor };
}

function checkPair(fn: string, name: string, x: Tensor, y: Tensor): number {
  if (x.ndim !== 2)
    throw new RangeError(`${fn}: ${name}X must be a 2-d tensor [n, d], got shape [${x.shape.join(', ')}]`);
  if (y.ndim !== 1)
    throw new RangeError(
      `${fn}: ${name}Y must be a 1-d tensor [n] of class indices, got shape [${y.shape.join(', ')}]`,
    );
  if (y.dtype !== 'int64' && y.dtype !== 'int32')
    throw new TypeError(`${fn}: ${name}Y must be an integer tensor (int64), got ${y.dtype}`);
  if (x.size(0) !== y.size(0))
    throw new RangeError(
      `${fn}: ${name}X and ${name}Y must have the same number of rows, got ${x.size(0)} and ${y.size(0)}`,
    );
  if (x.size(0) < 1) throw new RangeError(`${fn}: ${name} set is empty`);
  if (noGrad(() => scope(() => x.isfinite().all().item())) !== 1)
    throw new RangeError(`${fn}: ${name}X contains non-finite values (NaN or ±Inf)`);
  return x.size(0);
}

/** The validated fit options of header step 2; `shuffle` is the Generator when mini-batching, else undefined. */
interface FitOptions {
  epochs: number;
  lr: number;
  weightDecay: number;
  batchSize: number;
  shuffle: Generator | undefined;
}

/** The train and test features, standardised with the train statistics (header step 1). */
interface Standardised {
  /** Standardised train features [n, d] (float32). */
  xs: Tensor;
  /** Standardised test features [m, d] (float32). */
  xt: Tensor;
  /** Train labels [n] (int64). */
  yTrain: Tensor;
  /** Test labels [m] (int64). */
  yTest: Tensor;
  /** Train mean μ [1, d]. */
  mu: Tensor;
  /** Train standard deviation σ [1, d], 1 where a feature is constant. */
  sigma: Tensor;
}

/** Checks both (features, labels) pairs and their common width; returns n (train rows) and d (features). */
function checkData(fn: string, trainX: Tensor, trainY: Tensor, testX: Tensor, testY: Tensor): { n: number; d: number } {
  const n = checkPair(fn, 'train', trainX, trainY);
  checkPair(fn, 'test', testX, testY);
  const d = trainX.size(1);
  if (testX.size(1) !== d)
    throw new RangeError(
      `${fn}: trainX and testX must have the same number of features, got ${d} and ${testX.size(1)}`,
    );
  return { n, d };
}

/** The fit options with their defaults, checked for n train rows. */
function checkFitOptions(fn: string, options: LinearProbeOptions, n: number): FitOptions {
  const { epochs = 200, lr = 0.05, weightDecay = 0, batchSize = n, gen } = options;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new RangeError(`${fn}: epochs must be a positive integer, got ${String(epochs)}`);
  if (typeof lr !== 'number' || !(lr > 0)) throw new RangeError(`${fn}: lr must be a number > 0, got ${String(lr)}`);
  if (typeof weightDecay !== 'number' || !(weightDecay >= 0))
    throw new RangeError(`${fn}: weightDecay must be a number >= 0, got ${String(weightDecay)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`${fn}: batchSize must be a positive integer, got ${String(batchSize)}`);
  const miniBatch = batchSize < n;
  if (miniBatch && !(gen instanceof Generator))
    throw new TypeError(
      `${fn}: options.gen (a Generator) is required for mini-batches (batchSize ${batchSize} < ${n} samples)`,
    );
  return { epochs, lr, weightDecay, batchSize, shuffle: miniBatch ? gen : undefined };
}

/** The number of classes C (given, or max label + 1), checked against the labels of both sets. */
function checkClasses(fn: string, trainY: Tensor, testY: Tensor, given: number | undefined): number {
  const [minY, maxY] = noGrad(() =>
    scope(() => [Math.min(trainY.min().item(), testY.min().item()), Math.max(trainY.max().item(), testY.max().item())]),
  ) as [number, number];
  const classes = given ?? maxY + 1;
  if (!Number.isInteger(classes) || classes < 2)
    throw new RangeError(`${fn}: classes must be an integer >= 2, got ${String(classes)}`);
  if (minY < 0 || maxY >= classes)
    throw new RangeError(`${fn}: labels must lie in [0, ${classes - 1}], got range [${minY}, ${maxY}]`);
  return classes;
}

/**
 * Trains a linear softmax classifier on frozen train features and scores it on test features.
 *
 * Shapes: trainX [n, d], testX [m, d] (any float dtype; used as float32); trainY [n], testY [m]
 * integer class indices in 0..C−1.
 * @example
 * const { testAccuracy } = linearProbe(fTrain, yTrain, fTest, yTest, { classes: 10 });
 */
export function linearProbe(
  trainX: Tensor,
  trainY: Tensor,
  testX: Tensor,
  testY: Tensor,
  options: LinearProbeOptions = {},
): LinearProbeResult {
  const fn = 'linearProbe()';
  const { n, d } = checkData(fn, trainX, trainY, testX, testY);
  const fit = checkFitOptions(fn, options, n);
  const classes = checkClasses(fn, trainY, testY, options.classes);
  return scope(() => {
    const data = standardise(trainX, trainY, testX, testY);
    const { W, b } = fitLogits(data.xs, data.yTrain, d, classes, fit);
    return score(data, W, b);
  });
}

/** Header step 1: both sets standardised with the train μ and biased σ [1, d]; labels as int64. */
function standardise(trainX: Tensor, trainY: Tensor, testX: Tensor, testY: Tensor): Standardised {
  return noGrad(() => {
    const x = trainX.to('float32');
    const mu = x.mean(0, true);
    const sd = x.std(0, { unbiased: false, keepdim: true });
    const sigma = sd.where(sd.ge(1e-12), 1);
    return {
      xs: x.sub(mu).div(sigma),
      xt: testX.to('float32').sub(mu).div(sigma),
      yTrain: trainY.long(),
      yTest: testY.long(),
      mu,
      sigma,
    };
  });
}

/** Header step 2: W [d, C] and b [C] fitted from 0 by Adam on the standardised train set (xs [n, d], y [n]). */
function fitLogits(xs: Tensor, y: Tensor, d: number, classes: number, fit: FitOptions): { W: Tensor; b: Tensor } {
  const W = zeros([d, classes]).requiresGrad_();
  const b = zeros([classes]).requiresGrad_();
  const opt = new Adam([W, b], { lr: fit.lr });
  const step = (xBatch: Tensor, yBatch: Tensor): void =>
    adamStep(opt, () => penalisedLoss(xBatch, yBatch, W, b, fit.weightDecay));
  const gen = fit.shuffle;
  try {
    for (let epoch = 0; epoch < fit.epochs; epoch++) {
      if (gen === undefined) scope(() => step(xs, y));
      else scope(() => miniBatchEpoch(xs, y, fit.batchSize, gen, step));
    }
  } finally {
    opt.dispose(); // its moment estimates live outside every scope
  }
  return { W, b };
}

/** The scalar objective of header step 2: mean cross-entropy of x·W + b plus (weightDecay / 2)·|W|²_F. */
function penalisedLoss(x: Tensor, y: Tensor, W: Tensor, b: Tensor, weightDecay: number): Tensor {
  const ce = F.crossEntropy(x.matmul(W).add(b), y);
  return weightDecay > 0
    ? ce.add(
        W.square()
          .sum()
          .mul(weightDecay / 2),
      )
    : ce;
}

/** One Adam step on loss(); returns nothing (the parameters are updated in place). */
function adamStep(opt: Adam, loss: () => Tensor): void {
  // The probe's own fit needs autograd even when the caller evaluates under noGrad (the trainer's
  // evaluation does): the frozen features carry no graph, only W and b do.
  enableGrad(() => {
    opt.zeroGrad();
    loss().backward();
    opt.step();
  });
}

/** One pass over xs [n, d], y [n] in mini-batches of batchSize rows, shuffled by gen; returns nothing. */
function miniBatchEpoch(
  xs: Tensor,
  y: Tensor,
  batchSize: number,
  gen: Generator,
  step: (xBatch: Tensor, yBatch: Tensor) => void,
): void {
  const n = xs.size(0);
  const perm = randperm(n, gen);
  for (let start = 0; start < n; start += batchSize) {
    scope(() => {
      const idx = perm.narrow(0, start, Math.min(batchSize, n - start));
      step(xs.indexSelect(0, idx), y.indexSelect(0, idx));
    });
  }
}

/** Header step 3: train and test accuracy, train loss, and the map on raw features (weight [C, d], bias [C]). */
function score(data: Standardised, W: Tensor, b: Tensor): LinearProbeResult {
  return noGrad(() => {
    const trainLoss = F.crossEntropy(data.xs.matmul(W).add(b), data.yTrain).item();
    const weights = rawFeatureMap(W, b, data.mu, data.sigma);
    return {
      trainAccuracy: accuracy(data.xs, data.yTrain, W, b),
      testAccuracy: accuracy(data.xt, data.yTest, W, b),
      trainLoss,
      weights,
    };
  });
}

/** The fraction of rows of x [r, d] whose argmax of x·W + b equals the label y [r]. */
function accuracy(x: Tensor, y: Tensor, W: Tensor, b: Tensor): number {
  return x.matmul(W).add(b).argmax(1).eq(y).to('float64').mean().item();
}

/** W [d, C], b [C] folded back through the standardisation: weight = (W / σ)ᵀ [C, d], bias = b − (μ/σ)·W [C]. */
function rawFeatureMap(W: Tensor, b: Tensor, mu: Tensor, sigma: Tensor): { weight: Tensor; bias: Tensor } {
  const weight = W.detach().div(sigma.T).T.contiguous();
  const bias = b.detach().sub(mu.div(sigma).matmul(W.detach()).squeeze(0));
  return { weight, bias };
}
