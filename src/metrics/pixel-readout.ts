// A reference for identifiability on images (ours): how linearly readable are the latents from the
// raw pixels at all? R² of the affine regression from the top k principal components of the images
// to the latents, fitted on half of the samples and scored on the other half (src/metrics/r2.ts).
import { linalg, scope, type Generator, type Tensor } from '../torch/index.js';
import { r2 } from './r2.js';

/**
 * Held-out R² of latents z [n, k] from the top `components` principal components of images
 * [n, ...] (flattened, centred, float64 SVD); `gen` draws the half/half split.
 */
export function pixelReadoutR2(
  z: Tensor,
  images: Tensor,
  components: number,
  gen: Generator,
): { r2: number; r2PerDim: number[] } {
  const n = images.size(0);
  if (!Number.isInteger(components) || components < 1 || components >= n / 2)
    throw new RangeError(
      `pixelReadoutR2: components must be an integer in [1, n/2) for n = ${n} samples, got ${components}`,
    );
  return scope(() => {
    const x = images.reshape(n, -1).to('float64');
    const centred = x.sub(x.mean([0], true));
    const { U, S } = linalg.svd(centred, false);
    const pcs = U.narrow(1, 0, components).mul(S.narrow(0, 0, components));
    const r = r2(z, pcs, { testFraction: 0.5, gen });
    return { r2: r.r2, r2PerDim: r.perDim };
  });
}
