// Rotation in the (x1, x2) plane by a per-row angle: the building block of the spiral and patches
// processes (Paper A) and of the inverse encoders that undo them.
import { scope, stack, type Tensor } from '../torch/index.js';

/** Rotates columns (0, 1) of x [..., 3] by the per-row angle theta [...]; the third column is copied. */
export function rotateXY(x: Tensor, theta: Tensor): Tensor {
  return scope(() => {
    const [x1, x2, x3] = x.unbind(-1) as [Tensor, Tensor, Tensor];
    const c = theta.cos();
    const s = theta.sin();
    return stack([c.mul(x1).sub(s.mul(x2)), s.mul(x1).add(c.mul(x2)), x3], -1);
  });
}
