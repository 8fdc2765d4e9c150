// Random Gaussian blur (SimCLR, Chen et al. 2020, appendix A; torchvision GaussianBlur): each image
// is convolved with a separable Gaussian kernel of odd size k and σ ~ U(sigma) drawn per image, with
// reflect padding (so a constant image stays constant); applied with probability p.
// Kernel: w_i ∝ exp(−x_i²/(2σ²)) at x_i = i − (k − 1)/2, normalised to sum 1 (as torchvision).
import { arange, F, scope, uniform, where, type Generator, type Tensor } from '../torch/index.js';
import { op } from '../torch/tensor.js';
import { checkImages, checkProbability, checkRange, sampleMask, type Augmentation, type Range } from './types.js';

export interface GaussianBlurOptions {
  /** Odd kernel size k ≥ 1 (SimCLR uses about 10 % of the image side). */
  kernelSize: number;
  /** Range of σ in pixels; default [0.1, 2] (SimCLR). */
  sigma?: Range;
  /** Probability of blurring each image; default 0.5 (SimCLR). */
  p?: number;
}

/** Blurs each image of [N, C, H, W] with its own σ (one σ draw and one apply draw per image). */
export function gaussianBlur(options: GaussianBlurOptions): Augmentation {
  const { kernelSize: k, sigma = [0.1, 2], p = 0.5 } = options;
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0)
    throw new RangeError(`gaussianBlur: kernelSize must be an odd positive integer, got ${k}`);
  checkRange('gaussianBlur', 'sigma', sigma);
  if (sigma[0] <= 0) throw new RangeError(`gaussianBlur: sigma must be positive, got [${sigma[0]}, ${sigma[1]}]`);
  checkProbability('gaussianBlur', p);
  const half = (k - 1) / 2;
  return {
    name: 'gaussian-blur',
    apply(x: Tensor, gen: Generator): Tensor {
      checkImages('gaussianBlur', x);
      const [n, c, h, w] = x.shape as [number, number, number, number];
      if (half >= h || half >= w)
        throw new RangeError(`gaussianBlur: kernelSize ${k} is too large for ${h}×${w} images (reflect padding)`);
      return scope(() => {
        const s = uniform(sigma[0], sigma[1], [n], gen, x.dtype).view(n, 1);
        const mask = sampleMask(n, p, gen);
        const pos = arange(-half, half + 1, 1, x.dtype).view(1, k);
        const kernel = pos.div(s).square().mul(-0.5).exp();
        const norm = kernel.div(kernel.sum(1, true)); // [n, k]
        const perChannel = norm.repeatInterleave(c, 0); // [n·c, k], image-major like x.view(1, n·c, ...)
        const flat = op('aten::reflection_pad2d', x.reshape(1, n * c, h, w), [half, half, half, half]);
        const rows = F.conv2d(flat, perChannel.view(n * c, 1, 1, k), undefined, { groups: n * c });
        const both = F.conv2d(rows, perChannel.view(n * c, 1, k, 1), undefined, { groups: n * c });
        return where(mask, both.view(n, c, h, w), x);
      });
    },
  };
}
