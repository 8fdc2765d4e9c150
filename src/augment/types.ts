// The shape shared by every augmentation: a named, seeded map of an image batch [N, C, H, W] to a
// batch of the same N and C. Every random choice is drawn from the Generator argument, and each
// call draws a fixed number of values from it whatever the parameters, so a seed fixes the views.
import { rand, type Generator, type Tensor } from '../torch/index.js';

export interface Augmentation {
  /** A short name, e.g. 'horizontal-flip' (regime membership is read from it). */
  readonly name: string;
  /** The augmented batch; x is [N, C, H, W] float with values in [0, 1]. x is not modified. */
  apply(x: Tensor, gen: Generator): Tensor;
}

/** A closed interval given as [low, high]. */
export type Range = readonly [number, number];

/** Throws unless x is a floating [N, C, H, W] batch. */
export function checkImages(fn: string, x: Tensor): void {
  if (x.ndim !== 4) throw new RangeError(`${fn}: images must be [N, C, H, W], got shape [${x.shape.join(', ')}]`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64')
    throw new TypeError(`${fn}: images must be float32 or float64, got ${x.dtype}`);
}

/** Throws unless 0 ≤ p ≤ 1. */
export function checkProbability(fn: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${fn}: p must be in [0, 1], got ${p}`);
}

/** Throws unless range is [low, high] with finite low ≤ high (and low ≥ min if given). */
export function checkRange(fn: string, what: string, range: Range, min = -Infinity): void {
  const [lo, hi] = range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi && lo >= min))
    throw new RangeError(
      `${fn}: ${what} must be [low, high] with ${min > -Infinity ? `${min} ≤ ` : ''}low ≤ high, got [${lo}, ${hi}]`,
    );
}

/** [N, 1, 1, 1] bool: which samples an op with probability p applies to (one uniform draw per sample). */
export function sampleMask(n: number, p: number, gen: Generator): Tensor {
  return rand([n], gen).lt(p).view(n, 1, 1, 1);
}
