// Rendered shapes with known latents (ours): a deterministic, batched renderer of 32×32 colour
// images of one soft-edged square on a coloured background, so that identifiability can be measured
// against ground truth on pixels (issue 6; Paper A's synthetic finding tested on images).
//
// Latents z ∈ [0, 1]^6, columns (SHAPE_LATENTS): x, y, hue, size, rotation, background hue.
//   centre (cx, cy) = 0.2 + 0.6·(x, y) (image coordinates in [0, 1], y down)
//   half side r = 0.08 + 0.12·size; angle θ = rotation·π/2 (a square repeats after π/2)
//   signed distance d(p) = max(|p'₁|, |p'₂|) − r with p' = R(−θ)(p − c) at pixel centres
//   coverage α = sigmoid(−d / 0.015) (soft edge: rendering is smooth in every latent)
//   colour of hue h: rgb_k = 0.5 + 0.5·cos(2π(h − k/3)), k = 0, 1, 2 (smooth and periodic in h);
//   background colour = 0.25 + 0.25·(the colour of the background hue) (darker, in [0.25, 0.5])
//   image = α·object + (1 − α)·background, in [0, 1].
// fromSphere(u ∈ S², [N, 3]) maps a unit vector smoothly to the latents: x = (u₀ + 1)/2,
// y = (u₁ + 1)/2, hue = (u₂ + 1)/2, and size, rotation, background hue fixed (options), so that any
// Conditional on the sphere (vMF, fixed factors) gives positive pairs of images.
import { arange, scope, stack, full, type Tensor } from '../torch/index.js';

/** The latent factors, in column order. */
export const SHAPE_LATENTS = ['x', 'y', 'hue', 'size', 'rotation', 'background-hue'] as const;
export const SHAPE_IMAGE_SIZE = 32;
const EDGE = 0.015;

function hueColour(h: Tensor): Tensor {
  // h [N] → [N, 3]
  return stack(
    [0, 1, 2].map((k) =>
      h
        .sub(k / 3)
        .mul(2 * Math.PI)
        .cos()
        .mul(0.5)
        .add(0.5),
    ),
    1,
  );
}

/** Renders latents [N, 6] in [0, 1] to images [N, 3, 32, 32] float32 in [0, 1]. Deterministic. */
export function renderShapes(latents: Tensor): Tensor {
  if (latents.ndim !== 2 || latents.size(1) !== 6)
    throw new RangeError(
      `renderShapes: latents must be [N, 6] (${SHAPE_LATENTS.join(', ')}), got shape [${latents.shape.join(', ')}]`,
    );
  const n = latents.size(0);
  const s = SHAPE_IMAGE_SIZE;
  return scope(() => {
    const z = latents.float().clamp(0, 1);
    const col = (i: number): Tensor => z.select(1, i).view(n, 1, 1);
    const centres = arange(0, s, 1, 'float32').add(0.5).div(s);
    const px = centres.view(1, 1, s);
    const py = centres.view(1, s, 1);
    const dx = px.sub(col(0).mul(0.6).add(0.2));
    const dy = py.sub(col(1).mul(0.6).add(0.2));
    const theta = col(4).mul(Math.PI / 2);
    const [c, si] = [theta.cos(), theta.sin()];
    const rx = dx.mul(c).add(dy.mul(si));
    const ry = dy.mul(c).sub(dx.mul(si));
    const d = rx.abs().maximum(ry.abs()).sub(col(3).mul(0.12).add(0.08));
    const alpha = d.neg().div(EDGE).sigmoid().unsqueeze(1); // [n, 1, s, s]
    const obj = hueColour(z.select(1, 2)).view(n, 3, 1, 1);
    const bg = hueColour(z.select(1, 5)).mul(0.25).add(0.25).view(n, 3, 1, 1);
    return alpha.mul(obj).add(alpha.rsub(1).mul(bg)).clamp(0, 1);
  });
}

export interface FromSphereOptions {
  /** Fixed size, rotation and background hue in [0, 1]; defaults 0.5, 0, 0.6. */
  size?: number;
  rotation?: number;
  backgroundHue?: number;
}

/** Latents [N, 6] from unit vectors u [N, 3] (see the mapping above). */
export function fromSphere(u: Tensor, options: FromSphereOptions = {}): Tensor {
  if (u.ndim !== 2 || u.size(1) !== 3)
    throw new RangeError(`fromSphere: points must be [N, 3] on S², got shape [${u.shape.join(', ')}]`);
  const { size = 0.5, rotation = 0, backgroundHue = 0.6 } = options;
  const n = u.size(0);
  return scope(() => {
    const xyh = u.float().add(1).div(2);
    const rest = [size, rotation, backgroundHue].map((v) => full([n], v));
    return stack([...xyh.unbind(1), ...rest], 1);
  });
}
