// Augmentation pipelines: `compose` for user lists and the named regimes of Paper A's image study
// ("All (colour jitter, random resized crop, flip, grayscale, blur, cutout), Crop only, All without
// crop"; design/papers.md). The paper names the operations but not their parameters; ours are
// SimCLR's CIFAR-10 settings (Chen et al. 2020, appendix A/B) — crop scale [0.08, 1], flip p = 0.5,
// colour jitter (0.4, 0.4, 0.4, 0.1) with p = 0.8, grayscale p = 0.2 — plus Gaussian blur with a
// kernel of ≈ 10 % of the side (odd, ≥ 3), σ ∈ [0.1, 2], p = 0.5, and cutout of a quarter of the
// side (DeVries & Taylor's CIFAR-10 size, 8 px at 32 px).
import type { Generator, Tensor } from '../torch/index.js';
import { colorJitter } from './color-jitter.js';
import { cutout } from './cutout.js';
import { gaussianBlur } from './gaussian-blur.js';
import { grayscale } from './grayscale.js';
import { horizontalFlip } from './horizontal-flip.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { scope } from '../torch/index.js';
import type { Augmentation } from './types.js';

/** A pipeline: its operations applied in order, each drawing from the same generator in turn. */
export interface Composed extends Augmentation {
  readonly ops: readonly Augmentation[];
}

/** Applies `ops` in order; the name lists them ('compose(horizontal-flip, cutout)' unless given). */
export function compose(ops: readonly Augmentation[], name?: string): Composed {
  ops.forEach((o, i) => {
    if (typeof o?.apply !== 'function' || typeof o.name !== 'string')
      throw new TypeError(`compose: ops[${i}] is not an augmentation (an object with name and apply)`);
  });
  const list = [...ops];
  return {
    name: name ?? `compose(${list.map((o) => o.name).join(', ')})`,
    ops: list,
    apply(x: Tensor, gen: Generator): Tensor {
      if (list.length === 0) return x.clone();
      return scope(() => list.reduce((y, o) => o.apply(y, gen), x));
    },
  };
}

/** The regime names of Paper A. */
export const REGIME_NAMES = ['all', 'crop-only', 'all-without-crop'] as const;
export type RegimeName = (typeof REGIME_NAMES)[number];

export interface RegimeOptions {
  /** Side of the (square) images the regime is for; sets the blur kernel and cutout size. Default 32. */
  imageSize?: number;
}

/**
 * A named regime of Paper A for imageSize × imageSize images:
 * - `all`: random resized crop, horizontal flip, colour jitter, grayscale, Gaussian blur, cutout;
 * - `crop-only`: random resized crop;
 * - `all-without-crop`: `all` without the random resized crop.
 * An unknown name throws, listing the valid ones.
 */
export function regime(name: string, options: RegimeOptions = {}): Composed {
  const { imageSize = 32 } = options;
  if (!Number.isInteger(imageSize) || imageSize < 4)
    throw new RangeError(`regime: imageSize must be an integer ≥ 4, got ${imageSize}`);
  if (!(REGIME_NAMES as readonly string[]).includes(name))
    throw new RangeError(`unknown augmentation regime '${name}'; valid regimes: ${REGIME_NAMES.join(', ')}`);
  const blurKernel = Math.max(3, 2 * Math.floor(Math.round(imageSize / 10) / 2) + 1);
  const crop = randomResizedCrop({ scale: [0.08, 1], ratio: [3 / 4, 4 / 3] });
  const rest = [
    horizontalFlip({ p: 0.5 }),
    colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8 }),
    grayscale({ p: 0.2 }),
    gaussianBlur({ kernelSize: blurKernel, sigma: [0.1, 2], p: 0.5 }),
    cutout({ size: Math.max(1, Math.round(imageSize / 4)) }),
  ];
  switch (name as RegimeName) {
    case 'all':
      return compose([crop, ...rest], 'all');
    case 'crop-only':
      return compose([crop], 'crop-only');
    case 'all-without-crop':
      return compose(rest, 'all-without-crop');
  }
}
