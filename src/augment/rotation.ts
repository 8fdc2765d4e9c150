// Random rotation (torchvision RandomRotation): each image is rotated about its centre by an angle
// drawn uniformly from [−degrees, degrees] (or a given [low, high]), counter-clockwise for positive
// angles as displayed (y pointing down); pixels coming from outside the image are 0. Ours: bilinear
// interpolation (torchvision's default is nearest).
import { uniform, scope, type Generator, type Tensor } from '../torch/index.js';
import { affineResample } from './affine.js';
import { checkImages, checkRange, type Augmentation, type Range } from './types.js';

export interface RotationOptions {
  /** Maximum absolute angle in degrees (range [−degrees, degrees]) or an explicit [low, high]. */
  degrees: number | Range;
}

/** Rotates each image of [N, C, H, W] by a uniform random angle (one draw per image). */
export function rotation(options: RotationOptions): Augmentation {
  const range: Range = typeof options.degrees === 'number' ? [-options.degrees, options.degrees] : options.degrees;
  if (typeof options.degrees === 'number' && !(options.degrees >= 0))
    throw new RangeError(`rotation: degrees must be a non-negative number or [low, high], got ${options.degrees}`);
  checkRange('rotation', 'degrees', range);
  return {
    name: 'rotation',
    apply(x: Tensor, gen: Generator): Tensor {
      checkImages('rotation', x);
      const [n, , h, w] = x.shape as [number, number, number, number];
      const angles = scope(() => uniform(range[0], range[1], [n], gen, 'float64').data() as Float64Array);
      const theta = new Float64Array(n * 6);
      angles.forEach((deg, i) => {
        // Output pixel offset (px, py) from the centre (y down) reads the input at
        // (c·px − s·py, s·px + c·py): content right of the centre moves up for α = 90°, i.e. the
        // image turns counter-clockwise on screen. In normalised coordinates px = u·W/2, py = v·H/2.
        const a = (deg * Math.PI) / 180;
        const [c, s] = [Math.cos(a), Math.sin(a)];
        theta.set([c, (-s * h) / w, 0, (s * w) / h, c, 0], i * 6);
      });
      return affineResample(x, theta, h, w, 'zeros');
    },
  };
}
