// Neural-network functions (torch.nn.functional), stateless: parameters are arguments.
import { nativeGen, type Generator } from './random.js';
import { scope } from './scope.js';
import { op, Tensor } from './tensor.js';

type Pair = number | [number, number];

/** y = x·Wᵀ + b; x: [..., in], weight: [out, in], bias: [out]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return op('aten::linear', x, weight, bias);
}

/** 2-d convolution; input [N, C, H, W], weight [out, C/groups, kh, kw]. */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor,
  options: { stride?: Pair; padding?: Pair; dilation?: Pair; groups?: number } = {},
): Tensor {
  return op(
    'aten::conv2d',
    input,
    weight,
    bias,
    options.stride ?? 1,
    options.padding ?? 0,
    options.dilation ?? 1,
    options.groups ?? 1,
  );
}

/**
 * Batch normalisation over dim 1 of [N, C] or [N, C, H, W]. In training mode the batch statistics
 * normalise and the running buffers (if given) are updated in place with `momentum`.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | undefined,
  runningVar: Tensor | undefined,
  options: { weight?: Tensor; bias?: Tensor; training?: boolean; momentum?: number; eps?: number } = {},
): Tensor {
  const training = options.training ?? false;
  if (!training && (runningMean === undefined || runningVar === undefined))
    throw new TypeError('batchNorm(): evaluation mode needs runningMean and runningVar');
  return op(
    'aten::batch_norm',
    x,
    options.weight,
    options.bias,
    runningMean,
    runningVar,
    training,
    options.momentum ?? 0.1,
    options.eps ?? 1e-5,
    false,
  );
}

/** Layer normalisation over the trailing `normalizedShape` dimensions. */
export function layerNorm(x: Tensor, normalizedShape: number[], weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  return op('aten::layer_norm', x, normalizedShape, weight, bias, eps);
}

export function maxPool2d(x: Tensor, kernelSize: Pair, stride?: Pair, padding: Pair = 0): Tensor {
  return op('aten::max_pool2d', x, kernelSize, stride ?? kernelSize, padding);
}
export function avgPool2d(x: Tensor, kernelSize: Pair, stride?: Pair, padding: Pair = 0): Tensor {
  return op('aten::avg_pool2d', x, kernelSize, stride ?? kernelSize, padding);
}
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  return op('aten::adaptive_avg_pool2d', x, outputSize);
}

/**
 * Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1−p).
 * The mask comes from `gen`, so training runs are reproducible.
 */
export function dropout(x: Tensor, p: number, training: boolean, gen?: Generator): Tensor {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout(): p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return op('aten::alias', x);
  if (p === 1) return op('aten::mul.Scalar', x, 0);
  return scope(() => {
    const keep = op('aten::bernoulli.p', op('aten::empty_like', x), 1 - p, nativeGen(gen));
    return x.mul(keep).div(1 - p);
  });
}

export function softmax(x: Tensor, dim: number): Tensor {
  return op('aten::softmax.int', x, dim);
}
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return op('aten::log_softmax.int', x, dim);
}

const REDUCTION = { none: 0, mean: 1, sum: 2 } as const;
export type Reduction = keyof typeof REDUCTION;

/** Cross-entropy of logits [N, C] against int64 class targets [N] (or class probabilities [N, C]). */
export function crossEntropy(
  logits: Tensor,
  target: Tensor,
  options: { reduction?: Reduction; labelSmoothing?: number } = {},
): Tensor {
  return op(
    'aten::cross_entropy_loss',
    logits,
    target,
    undefined,
    REDUCTION[options.reduction ?? 'mean'],
    -100,
    options.labelSmoothing ?? 0,
  );
}
export function mseLoss(x: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return op('aten::mse_loss', x, target, REDUCTION[reduction]);
}

/** x / max(|x|_p, eps) along `dim` (F.normalize). */
export function normalize(x: Tensor, dim = -1, p = 2, eps = 1e-12): Tensor {
  return scope(() => x.div(x.norm(p, dim, true).clampMin(eps)));
}
export function cosineSimilarity(a: Tensor, b: Tensor, dim = 1, eps = 1e-8): Tensor {
  return op('aten::cosine_similarity', a, b, dim, eps);
}
/** Pairwise p-norm distances between the rows of a [.., P, M] and b [.., R, M]. */
export function cdist(a: Tensor, b: Tensor, p = 2): Tensor {
  return op('aten::cdist', a, b, p);
}
/** One-hot int64 encoding of int64 class indices. */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  return op('aten::one_hot', indices, numClasses);
}
