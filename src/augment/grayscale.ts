// Random grayscale (torchvision RandomGrayscale): with probability p an RGB image is replaced by
// its luma L = 0.299 R + 0.587 G + 0.114 B (ITU-R 601-2, as PIL and torchvision), copied to all
// three channels. A one-channel batch is already gray and is returned unchanged.
import { scope, where, type Generator, type Tensor } from '../torch/index.js';
import { checkImages, checkProbability, sampleMask, type Augmentation } from './types.js';

export interface GrayscaleOptions {
  /** Probability of converting each image; default 0.2 (SimCLR). */
  p?: number;
}

/** Luma [N, 1, H, W] of an RGB batch (the channel itself for one channel). */
export function luma(x: Tensor): Tensor {
  if (x.size(1) === 1) return x.clone();
  if (x.size(1) !== 3) throw new RangeError(`luma: images must have 1 or 3 channels, got ${x.size(1)}`);
  return scope(() => {
    const [r, g, b] = x.unbind(1) as [Tensor, Tensor, Tensor];
    return r.mul(0.299).add(g.mul(0.587)).add(b.mul(0.114)).unsqueeze(1);
  });
}

/** Converts each image of [N, C, H, W] (C = 1 or 3) to grayscale with probability p. */
export function grayscale(options: GrayscaleOptions = {}): Augmentation {
  const { p = 0.2 } = options;
  checkProbability('grayscale', p);
  return {
    name: 'grayscale',
    apply(x: Tensor, gen: Generator): Tensor {
      checkImages('grayscale', x);
      return scope(() => {
        const mask = sampleMask(x.size(0), p, gen);
        if (x.size(1) === 1) return x.clone();
        return where(mask, luma(x).expandAs(x), x);
      });
    },
  };
}
