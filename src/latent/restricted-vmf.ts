// Paper A's restricted conditional (their Alg. 13), the mechanism that violates the diversity
// condition: split z = (u, v) with u ∈ R^m the first m = fixedDims coordinates and v ∈ R^l the
// rest (m + l = k). A positive keeps u and resamples v on its own sphere:
//   r = |v|,   v~ ~ vMF(v/r, κ) on S^{l−1},   z~ = (u, r·v~).
// Every positive therefore lies in K(z) = { z~ on the sphere : u~ = u }, a sub-sphere of radius
// r = sqrt(1 − |u|²), and |z~|² = |u|² + r² = |z|²: positives stay on the sphere.
import { cat, eye, noGrad, scope, where, type Generator, type Tensor } from '../torch/index.js';
import { checkInteger, checkKappa, checkPoints } from './checks.js';
import type { Conditional } from './types.js';
import { sampleVonMisesFisher } from './vmf.js';

/**
 * Throws unless 1 ≤ fixedDims ≤ k − 2: at least one coordinate is held (else this is plain vMF) and
 * the varying part has l ≥ 2 coordinates (vMF needs a sphere S^{l−1} of dimension ≥ 1).
 */
export function checkRestrictedFixedDims(who: string, fixedDims: number, k: number): void {
  if (!Number.isInteger(fixedDims) || fixedDims < 1 || fixedDims > k - 2) {
    const allowed = k >= 3 ? `1..${k - 2}` : 'none (k must be >= 3)';
    throw new RangeError(
      `${who}: fixedDims must be an integer in 1..k−2 so that at least 2 coordinates vary; allowed values for k = ${k}: ${allowed}; got ${String(fixedDims)}`,
    );
  }
}

/**
 * One restricted-vMF positive per anchor (Paper A, Alg. 13): anchors [n, k] → [n, k] in the
 * anchors' dtype. The first `fixedDims` coordinates are copied from the anchor (bit for bit, never
 * recomputed); the rest are r·v~ with v~ ~ vMF(v/r, κ) on S^{l−1}, computed in float64.
 *
 * An anchor with r = |v| = 0 (u on the unit sphere already) has K(z) = {z}: the sub-sphere has
 * radius 0, so its positive is the anchor itself (v~ is drawn around an arbitrary direction and
 * multiplied by r = 0; no NaN arises).
 */
export function sampleRestrictedVonMisesFisher(
  anchors: Tensor,
  fixedDims: number,
  kappa: number,
  gen: Generator,
): Tensor {
  const who = 'sampleRestrictedVonMisesFisher()';
  const [, k, dtype] = checkPoints(who, 'anchors', anchors, 1);
  checkRestrictedFixedDims(who, fixedDims, k);
  checkKappa(who, kappa);
  const l = k - fixedDims;
  return noGrad(() =>
    scope(() => {
      const v = anchors.narrow(1, fixedDims, l).to('float64');
      const r = v.norm(2, 1, true);
      // Mean direction v/r; rows with r = 0 take e_1 of R^l (any unit vector would do, see above).
      const e1 = eye(l, 'float64').narrow(0, 0, 1);
      const positive = r.gt(0);
      const mu = where(positive, v.div(where(positive, r, 1)), e1);
      const vTilde = sampleVonMisesFisher(mu, kappa, gen);
      const u = anchors.narrow(1, 0, fixedDims);
      return cat([u, vTilde.mul(r).to(dtype)], 1);
    }),
  );
}

/** Paper A's restricted conditional as a `Conditional` ('restricted-vmf'); see the module comment. */
export class RestrictedVonMisesFisher implements Conditional {
  readonly name = 'restricted-vmf';
  readonly kappa: number;
  readonly fixedDims: number;

  /** `fixedDims` ≥ 1 coordinates held fixed; `sample` further requires fixedDims ≤ k − 2. */
  constructor(options: { kappa: number; fixedDims: number }) {
    this.kappa = checkKappa('RestrictedVonMisesFisher', options.kappa);
    this.fixedDims = checkInteger('RestrictedVonMisesFisher', 'fixedDims', options.fixedDims, 1);
  }

  sample(anchors: Tensor, gen: Generator): Tensor {
    return sampleRestrictedVonMisesFisher(anchors, this.fixedDims, this.kappa, gen);
  }
}
