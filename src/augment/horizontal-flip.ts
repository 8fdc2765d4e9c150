// Random horizontal flip (torchvision RandomHorizontalFlip): each image is mirrored left–right
// (x ↦ W − 1 − x) with probability p.
import { scope, where, type Generator, type Tensor } from '../torch/index.js';
import { checkImages, checkProbability, sampleMask, type Augmentation } from './types.js';

export interface HorizontalFlipOptions {
  /** Probability of flipping each image; default 0.5. */
  p?: number;
}

/** Mirrors each image of [N, C, H, W] along W with probability p (one uniform draw per image). */
export function horizontalFlip(options: HorizontalFlipOptions = {}): Augmentation {
  const { p = 0.5 } = options;
  checkProbability('horizontalFlip', p);
  return {
    name: 'horizontal-flip',
    apply(x: Tensor, gen: Generator): Tensor {
      checkImages('horizontalFlip', x);
      return scope(() => where(sampleMask(x.size(0), p, gen), x.flip(3), x));
    },
  };
}
