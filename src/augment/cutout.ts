// Cutout (DeVries & Taylor 2017, "Improved Regularization of Convolutional Neural Networks with
// Cutout"): a size × size square of every channel is set to 0. Ours: the square is placed uniformly
// among the positions where it lies wholly inside the image (the paper lets it hang over the border,
// so its visible area varies); applied to each image with probability p.
import { arange, randint, scope, type Generator, type Tensor } from '../torch/index.js';
import { checkImages, checkProbability, sampleMask, type Augmentation } from './types.js';

export interface CutoutOptions {
  /** Side of the square in pixels (≥ 1, at most the image's height and width). */
  size: number;
  /** Probability of cutting each image; default 1. */
  p?: number;
}

/** Zeroes one size × size square per image of [N, C, H, W] (top-left corner uniform). */
export function cutout(options: CutoutOptions): Augmentation {
  const { size, p = 1 } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`cutout: size must be a positive integer, got ${size}`);
  checkProbability('cutout', p);
  return {
    name: 'cutout',
    apply(x: Tensor, gen: Generator): Tensor {
      checkImages('cutout', x);
      const [n, , h, w] = x.shape as [number, number, number, number];
      if (size > h || size > w) throw new RangeError(`cutout: size ${size} exceeds the image size ${h}×${w}`);
      return scope(() => {
        const y0 = randint(0, h - size + 1, [n], gen).view(n, 1, 1, 1);
        const x0 = randint(0, w - size + 1, [n], gen).view(n, 1, 1, 1);
        const apply = sampleMask(n, p, gen);
        const rows = arange(h, undefined, 1, 'int64').view(1, 1, h, 1);
        const cols = arange(w, undefined, 1, 'int64').view(1, 1, 1, w);
        const inside = rows
          .ge(y0)
          .logicalAnd(rows.lt(y0.add(size)))
          .logicalAnd(cols.ge(x0))
          .logicalAnd(cols.lt(x0.add(size)));
        return x.maskedFill(inside.logicalAnd(apply), 0);
      });
    },
  };
}
