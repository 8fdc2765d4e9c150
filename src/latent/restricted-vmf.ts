// Paper A's restricted conditional (their Alg. 13), the mechanism that violates the diversity
// condition: split z = (u, v) with u ∈ R^m the first m = fixedDims coordinates and v ∈ R^l the
// rest (m + l = k). A positive keeps u and resamples v on its own sphere:
//   r = |v|,   v~ ~ vMF(v/r, κ) on S^{l−1},   z~ = (u, r·v~).
// Every positive therefore lies in K(z) = { z~ on the sphere : u~ = u }, a sub-sphere of radius
// r = sqrt(1 − |u|²), and |z~|² = |u|² + r² = |z|²: positives stay on the sphere.
//
// Paper A's Table 7 runs the progressive violation up to d_fixed = k, where the varying part has
// l = 1 or 0 coordinates:
// - l = 1: S^0 = {−1, +1}, and vMF(μ, κ) on it is the two-point law with masses ∝ e^{κ μ·x}:
//   P(x = μ) = e^κ/(e^κ + e^{−κ}), P(x = −μ) = 1/(1 + e^{2κ}). So the positive keeps v or flips its
//   sign: z~ = (u, ±v). (κ acts on the unit sub-sphere, as in Alg. 13, not on r·S^0.)
// - l = 0: K(z) = {z}, so the positive is the anchor itself.
import { cat, eye, noGrad, rand, scope, where, type Generator, type Tensor } from '../torch/index.js';
import { checkInteger, checkKappa, checkPoints } from './checks.js';
import type { Conditional } from './types.js';
import { sampleVonMisesFisher } from './vmf.js';

/**
 * Throws unless 1 ≤ fixedDims ≤ k: at least one coordinate is held (else this is plain vMF); k − 1
 * leaves one varying coordinate (the two-point law) and k none (the positive is the anchor).
 */
export function checkRestrictedFixedDims(who: string, fixedDims: number, k: number): void {
  if (!Number.isInteger(fixedDims) || fixedDims < 1 || fixedDims > k)
    throw new RangeError(
      `${who}: fixedDims must be an integer in 1..k; allowed values for k = ${k}: 1..${k}; got ${String(fixedDims)}`,
    );
}

/**
 * P(x = −μ) of vMF(μ, κ) on S^0 = {−1, +1}: e^{−κ}/(e^κ + e^{−κ}) = 1/(1 + e^{2κ}). For large κ
 * e^{2κ} overflows to ∞ and the probability is 0, its correct limit.
 */
export function twoPointFlipProbability(kappa: number): number {
  return 1 / (1 + Math.exp(2 * kappa));
}

/** l = 1: v~ = v or −v, the sign flipped with probability 1/(1 + e^{2κ}); one U(0, 1) draw per row. */
function sampleTwoPoint(v: Tensor, kappa: number, gen: Generator): Tensor {
  const flip = rand([v.size(0), 1], gen, 'float64').lt(twoPointFlipProbability(kappa));
  return where(flip, v.neg(), v);
}

/**
 * One restricted-vMF positive per anchor (Paper A, Alg. 13): anchors [n, k] → [n, k] in the
 * anchors' dtype. The first `fixedDims` coordinates are copied from the anchor (bit for bit, never
 * recomputed); the rest are r·v~ with v~ ~ vMF(v/r, κ) on S^{l−1}, computed in float64. With l = 1
 * the rest is ±v (the two-point law, see the module comment); with l = 0 the positive is a copy of
 * the anchor.
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
  if (l === 0) return noGrad(() => anchors.clone());
  return noGrad(() =>
    scope(() => {
      if (l === 1) {
        const vTilde = sampleTwoPoint(anchors.narrow(1, fixedDims, 1), kappa, gen);
        return cat([anchors.narrow(1, 0, fixedDims), vTilde], 1);
      }
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

  /** `fixedDims` ≥ 1 coordinates held fixed; `sample` further requires fixedDims ≤ k. */
  constructor(options: { kappa: number; fixedDims: number }) {
    this.kappa = checkKappa('RestrictedVonMisesFisher', options.kappa);
    this.fixedDims = checkInteger('RestrictedVonMisesFisher', 'fixedDims', options.fixedDims, 1);
  }

  sample(anchors: Tensor, gen: Generator): Tensor {
    return sampleRestrictedVonMisesFisher(anchors, this.fixedDims, this.kappa, gen);
  }
}
