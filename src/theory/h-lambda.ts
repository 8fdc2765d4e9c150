// Maps on latents used by the theory: Paper A's h_λ(u, v) = (u, λv)/|(u, λv)| (u the first
// `fixedDims` coordinates), the identity, and orthogonal maps z ↦ Qz.
import { cat, F, linalg, randn, scope, type Generator, type Tensor } from '../torch/index.js';
import type { LatentMap } from './asymptotic-loss.js';

/**
 * h_λ(u, v) = (u, λv)/|(u, λv)| with u = z[:, :fixedDims], v = the rest. λ = 1 is the identity on
 * the sphere; λ < 1 shrinks the varying coordinates (Paper A, Thm 4.5: beats the identity under the
 * restricted conditional with full-sphere negatives, for λ slightly below 1).
 */
export function hLambda(lambda: number, fixedDims: number): LatentMap {
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda <= 0)
    throw new RangeError(`hLambda: lambda must be a finite number > 0, got ${String(lambda)}`);
  if (!Number.isInteger(fixedDims) || fixedDims < 0)
    throw new RangeError(`hLambda: fixedDims must be an integer >= 0, got ${String(fixedDims)}`);
  return (z: Tensor): Tensor =>
    scope(() => {
      const k = z.shape[1]!;
      if (z.ndim !== 2 || fixedDims > k - 1)
        throw new RangeError(
          `hLambda: expected latents [n, k] with k > fixedDims = ${fixedDims}, got [${z.shape.join(', ')}]`,
        );
      const u = z.narrow(1, 0, fixedDims);
      const v = z.narrow(1, fixedDims, k - fixedDims).mul(lambda);
      return F.normalize(cat([u, v], 1), 1);
    });
}

/** The identity map (returns a copy so that callers may dispose the result freely). */
export const identityMap: LatentMap = (z: Tensor): Tensor => z.clone();

/** z ↦ Qz for a fixed matrix Q [d, k] (rows of z: z·Qᵀ). */
export function linearMap(Q: Tensor): LatentMap {
  return (z: Tensor): Tensor => z.matmul(Q.T.to(z.dtype));
}

/** A random orthogonal k×k matrix (QR of a Gaussian matrix with the signs of diag(R) fixed: Haar). */
export function randomOrthogonal(k: number, gen: Generator): Tensor {
  return scope(() => {
    const { Q, R } = linalg.qr(randn([k, k], gen, 'float64'));
    return Q.mul(R.diagonal().sign().unsqueeze(0));
  });
}
