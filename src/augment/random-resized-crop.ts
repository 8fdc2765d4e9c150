// Random resized crop (Szegedy et al. 2015; torchvision RandomResizedCrop, SimCLR's main
// augmentation): per image, a crop of area fraction s ~ U(scale) and aspect ratio r (log r uniform on
// log(ratio)) at a uniform position, resized to the output size by bilinear interpolation.
//
// Crop parameters follow torchvision's get_params exactly: up to 10 attempts of
//   w = round(√(s·H·W·r)), h = round(√(s·H·W/r)), accepted when 0 < w ≤ W and 0 < h ≤ H,
//   top = ⌊u·(H − h + 1)⌋, left = ⌊u'·(W − w + 1)⌋;
// if none fits, the central crop of the whole image with the ratio clamped into `ratio`.
// Resampling: bilinear at the output pixel centres mapped into the crop (align_corners = false, as
// torchvision's resize); near the crop's edge the interpolation may read the neighbouring pixel just
// outside the crop where torchvision clamps to the crop (a sub-pixel difference). No antialiasing.
import { rand, scope, type Generator, type Tensor } from '../torch/index.js';
import { affineResample } from './affine.js';
import { checkImages, checkRange, type Augmentation, type Range } from './types.js';

export interface RandomResizedCropOptions {
  /** Output [height, width]; default: the input's size. */
  size?: readonly [number, number];
  /** Range of the crop's area as a fraction of the image; default [0.08, 1]. */
  scale?: Range;
  /** Range of the crop's aspect ratio width/height; default [3/4, 4/3]. */
  ratio?: Range;
}

const ATTEMPTS = 10;

/** A crop box in pixels. */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** torchvision's get_params for one image from 4·ATTEMPTS uniforms u (a flat view). */
function cropBox(
  h: number,
  w: number,
  scale: Range,
  ratio: Range,
  u: Float32Array | Float64Array,
  base: number,
): CropBox {
  const area = h * w;
  const [logLo, logHi] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let a = 0; a < ATTEMPTS; a++) {
    const k = base + 4 * a;
    const target = area * (scale[0] + (u[k] as number) * (scale[1] - scale[0]));
    const aspect = Math.exp(logLo + (u[k + 1] as number) * (logHi - logLo));
    const cw = Math.round(Math.sqrt(target * aspect));
    const ch = Math.round(Math.sqrt(target / aspect));
    if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
      const top = Math.min(h - ch, Math.floor((u[k + 2] as number) * (h - ch + 1)));
      const left = Math.min(w - cw, Math.floor((u[k + 3] as number) * (w - cw + 1)));
      return { top, left, height: ch, width: cw };
    }
  }
  const inRatio = w / h;
  let cw = w;
  let ch = h;
  if (inRatio < ratio[0]) ch = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) cw = Math.round(h * ratio[1]);
  return { top: Math.floor((h - ch) / 2), left: Math.floor((w - cw) / 2), height: ch, width: cw };
}

/**
 * Crops a random box from each image of [N, C, H, W] and resizes it to `size` (bilinear).
 * Draws N·40 uniforms per call.
 */
export function randomResizedCrop(options: RandomResizedCropOptions = {}): Augmentation & {
  /** The crop boxes a call with this generator state would use (for inspection and tests). */
  boxes(n: number, h: number, w: number, gen: Generator): CropBox[];
} {
  const { size, scale = [0.08, 1], ratio = [3 / 4, 4 / 3] } = options;
  checkRange('randomResizedCrop', 'scale', scale, 0);
  if (scale[1] <= 0 || scale[1] > 1)
    throw new RangeError(`randomResizedCrop: scale must lie in (0, 1], got [${scale[0]}, ${scale[1]}]`);
  checkRange('randomResizedCrop', 'ratio', ratio, 0);
  if (ratio[0] <= 0) throw new RangeError(`randomResizedCrop: ratio must be positive, got [${ratio[0]}, ${ratio[1]}]`);
  if (size !== undefined && !size.every((s) => Number.isInteger(s) && s > 0))
    throw new RangeError(`randomResizedCrop: size must be two positive integers, got [${size.join(', ')}]`);
  const boxes = (n: number, h: number, w: number, gen: Generator): CropBox[] => {
    const u = scope(() => rand([n, ATTEMPTS * 4], gen, 'float64').data() as Float64Array);
    return Array.from({ length: n }, (_, i) => cropBox(h, w, scale, ratio, u, i * ATTEMPTS * 4));
  };
  return {
    name: 'random-resized-crop',
    boxes,
    apply(x: Tensor, gen: Generator): Tensor {
      checkImages('randomResizedCrop', x);
      const [n, , h, w] = x.shape as [number, number, number, number];
      const [outH, outW] = size ?? [h, w];
      const theta = new Float64Array(n * 6);
      boxes(n, h, w, gen).forEach((b, i) => {
        // Output (u, v) ∈ [−1, 1]² ↦ input x = (2·left + width)/W − 1 + (width/W)·u (same for y).
        theta.set(
          [b.width / w, 0, (2 * b.left + b.width) / w - 1, 0, b.height / h, (2 * b.top + b.height) / h - 1],
          i * 6,
        );
      });
      return affineResample(x, theta, outH, outW, 'border');
    },
  };
}
