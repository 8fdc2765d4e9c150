// Uniform sampling on an anchor's constrained support K(z) (Paper A, support-corrected InfoNCE):
// with z = (u, v), u the first m = fixedDims coordinates,
//   K(z) = { z~ on the sphere : u~ = u } = { (u, r·w) : w ∈ S^{l−1} },   r = |v| = sqrt(1 − |u|²).
// The uniform law on K(z) is the image of the uniform law on S^{l−1} under w ↦ (u, r·w) (a scaling
// preserves uniformity), so a negative is u copied and r times a uniform point of S^{l−1}.
// These are the negatives of the corrected loss: drawn from where the restricted positives live.
import { cat, noGrad, scope, type Generator, type Tensor } from '../torch/index.js';
import { checkInteger, checkPoints } from './checks.js';
import type { Support } from './types.js';
import { sampleUniformSphere } from './uniform-sphere.js';

/**
 * perAnchor points uniform on each anchor's K(z): anchors [n, k] → [n, perAnchor, k] in the
 * anchors' dtype. u is copied bit for bit; 0 ≤ fixedDims ≤ k (0: K(z) is the whole sphere;
 * k − 1: K(z) is the two points (u, ±r); k: K(z) = {z}). An anchor with r = 0 has K(z) = {z}: its
 * negatives are copies of it.
 */
export function sampleConstrainedSupport(
  anchors: Tensor,
  fixedDims: number,
  perAnchor: number,
  gen: Generator,
): Tensor {
  const who = 'sampleConstrainedSupport()';
  const [n, k, dtype] = checkPoints(who, 'anchors', anchors, 1);
  checkConstrainedFixedDims(who, fixedDims, k);
  checkInteger(who, 'perAnchor', perAnchor, 0);
  const l = k - fixedDims;
  return noGrad(() =>
    scope(() => {
      if (l === 0) return anchors.unsqueeze(1).expand(n, perAnchor, k).clone();
      const r = anchors.narrow(1, fixedDims, l).to('float64').norm(2, 1, true).unsqueeze(1); // [n, 1, 1]
      const w = sampleUniformSphere(n * perAnchor, l, gen, 'float64').reshape(n, perAnchor, l);
      const u = anchors.narrow(1, 0, fixedDims).unsqueeze(1).expand(n, perAnchor, fixedDims);
      return cat([u, w.mul(r).to(dtype)], 2);
    }),
  );
}

/** Throws unless 0 ≤ fixedDims ≤ k (k: nothing varies, K(z) = {z}). */
export function checkConstrainedFixedDims(who: string, fixedDims: number, k: number): void {
  if (!Number.isInteger(fixedDims) || fixedDims < 0 || fixedDims > k)
    throw new RangeError(
      `${who}: fixedDims must be an integer in 0..k; allowed values for k = ${k}: 0..${k}; got ${String(fixedDims)}`,
    );
}

/**
 * U(K(z)) as a `Support`: the per-anchor negatives of Paper A's support-corrected InfoNCE, matching
 * the restricted conditional with the same `fixedDims`.
 */
export class ConstrainedSupport implements Support {
  readonly name = 'constrained';
  readonly fixedDims: number;

  /** `fixedDims` ≥ 0 coordinates held; `sampleNegatives` further requires fixedDims ≤ k. */
  constructor(options: { fixedDims: number }) {
    this.fixedDims = checkInteger('ConstrainedSupport', 'fixedDims', options.fixedDims, 0);
  }

  sampleNegatives(anchors: Tensor, perAnchor: number, gen: Generator): Tensor {
    return sampleConstrainedSupport(anchors, this.fixedDims, perAnchor, gen);
  }
}
