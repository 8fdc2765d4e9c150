// Bilinear resampling of a batch through per-image affine maps (shared by random resized crop and
// rotation), with aten::affine_grid_generator and aten::grid_sampler (align_corners = false: the
// normalised coordinates −1 and 1 are the outer edges of the border pixels, so the identity map
// samples every pixel centre exactly).
import { tensor, type Tensor } from '../torch/index.js';
import { op } from '../torch/tensor.js';

const BILINEAR = 0;
/** grid_sampler padding modes. */
export const PADDING = { zeros: 0, border: 1 } as const;

/**
 * Resamples x [N, C, H, W] to [N, C, outH, outW]: output pixel at normalised position (u, v) reads
 * x at θ_n · (u, v, 1) (normalised coordinates, bilinear). theta holds N row-major 2×3 matrices.
 */
export function affineResample(
  x: Tensor,
  theta: Float64Array,
  outH: number,
  outW: number,
  padding: keyof typeof PADDING,
): Tensor {
  const n = x.size(0);
  const t = tensor(theta, [n, 2, 3], x.dtype);
  const grid = op('aten::affine_grid_generator', t, [n, x.size(1), outH, outW], false);
  const out = op('aten::grid_sampler', x, grid, BILINEAR, PADDING[padding], false);
  t.dispose();
  grid.dispose();
  return out;
}
