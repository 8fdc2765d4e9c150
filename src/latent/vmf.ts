// The von Mises–Fisher law vMF(μ, κ) on S^{k−1}, density ∝ exp(κ μ·z): Paper A's positive-pair
// conditional P(z~ | z) = vMF(z, κ) (full support, so the diversity condition holds), sampled by
// Wood's algorithm (A. T. A. Wood, "Simulation of the von Mises Fisher distribution", Comm. Stat.
// Simul. Comput. 23(1), 1994).
//
// Wood writes a sample as z = W μ + sqrt(1 − W²) V, with V uniform on the unit sphere of the
// tangent space μ^⊥ and W = μ·z drawn by rejection from a Beta((k−1)/2, (k−1)/2) envelope:
//   b  = (k−1) / (2κ + sqrt(4κ² + (k−1)²)),   x0 = (1−b)/(1+b),   c = κ x0 + (k−1) log(1 − x0²),
//   Z ~ Beta((k−1)/2, (k−1)/2),  W = (1 − (1+b)Z) / (1 − (1−b)Z),  U ~ U(0, 1),
//   accept when κ W + (k−1) log(1 − x0 W) − c ≥ log U.
// For large κ, W → 1 and the textbook form loses every digit of 1 − W (and of 1 − x0W, 1 − x0²).
// We therefore carry ω = 1 − W, which has the closed form ω = 2bZ / (1 − (1−b)Z), and rewrite the
// acceptance test with differences that never cancel (derivation at `acceptanceLog`). Everything
// is computed in float64 and cast back to the caller's dtype at the end.
import { beta, cat, noGrad, rand, randn, scope, zeros, type Generator, type Tensor } from '../torch/index.js';
import { checkKappa, checkPoints } from './checks.js';
import type { Conditional } from './types.js';

/** Constants of Wood's envelope for dimension k and concentration κ, in cancellation-free form. */
interface WoodConstants {
  /** b = (k−1) / (2κ + sqrt(4κ² + (k−1)²)) — the "stable form": no subtraction at any κ. */
  b: number;
  /** x0 = (1 − b)/(1 + b), where the target/envelope ratio is largest (the envelope touches there). */
  x0: number;
  /** 1 − x0 = 2b/(1+b). */
  oneMinusX0: number;
  /** (1+b)²/(4b) = 1/(1 − x0²), used in the acceptance ratio (see acceptanceLog). */
  scale: number;
}

function woodConstants(k: number, kappa: number): WoodConstants {
  const km1 = k - 1;
  const s = Math.sqrt(4 * kappa * kappa + km1 * km1);
  const b = km1 / (2 * kappa + s);
  // 1 − b = (2κ + s − (k−1)) / (2κ + s) with s − (k−1) = 4κ² / (s + (k−1)): no cancellation as κ → 0.
  const oneMinusB = (2 * kappa + (4 * kappa * kappa) / (s + km1)) / (2 * kappa + s);
  return { b, x0: oneMinusB / (1 + b), oneMinusX0: (2 * b) / (1 + b), scale: ((1 + b) * (1 + b)) / (4 * b) };
}

/**
 * Log of Wood's acceptance ratio for candidates ω = 1 − W, as a float64 tensor:
 *   κW + (k−1) log(1 − x0W) − c
 *     = κ (W − x0) + (k−1) log((1 − x0W) / (1 − x0²))
 *     = κ ((1 − x0) − ω) + (k−1) log((1+b)/2 + x0 ω (1+b)²/(4b)),
 * using 1 − x0W = (1 − x0) + x0ω and 1 − x0² = 4b/(1+b)². Each term is O(1) at every κ.
 */
function acceptanceLog(omega: Tensor, k: number, kappa: number, c: WoodConstants): Tensor {
  return scope(() => {
    const linear = omega.rsub(c.oneMinusX0).mul(kappa);
    const logRatio = omega
      .mul(c.x0 * c.scale)
      .add((1 + c.b) / 2)
      .log()
      .mul(k - 1);
    return linear.add(logRatio);
  });
}

/**
 * n i.i.d. draws of ω = 1 − μ·z under vMF(·, κ) on S^{k−1} (float64 [n]), by Wood's rejection
 * sampler, vectorised: each round draws one candidate for every row still pending and keeps the
 * accepted ones, so only the rejected rows are redrawn. Since ω's law depends on κ and k only, the
 * accepted values are exchangeable and are assigned to rows in the order they were accepted.
 */
function sampleOmega(n: number, k: number, kappa: number, gen: Generator): Tensor {
  const c = woodConstants(k, kappa);
  const a = (k - 1) / 2;
  const accepted: Tensor[] = [];
  let have = 0;
  try {
    // Wood's envelope accepts with probability bounded away from 0 for every (k, κ) (above 1/2 in
    // practice), so this loop ends after a few rounds; the cap only guards against a broken stream.
    for (let round = 0; have < n; round++) {
      if (round >= 10_000)
        throw new Error(`sampleVonMisesFisher(): rejection sampler did not finish (k = ${k}, kappa = ${kappa})`);
      const pending = n - have;
      const got = scope(() => {
        const z = beta(a, a, [pending], gen, 'float64');
        const logU = rand([pending], gen, 'float64').log();
        // ω = 1 − W = 2bZ / (1 − (1−b)Z) ∈ (0, 2): the denominator is ≥ b > 0.
        const omega = z.mul(2 * c.b).div(z.mul(-(1 - c.b)).add(1));
        return omega.maskedSelect(acceptanceLog(omega, k, kappa, c).ge(logU));
      });
      accepted.push(got);
      have += got.numel;
    }
    return accepted.length === 0 ? zeros([0], 'float64') : scope(() => cat(accepted, 0).narrow(0, 0, n).contiguous());
  } finally {
    for (const t of accepted) t.dispose();
  }
}

/**
 * Euclidean norm of each row of a float64 [n, k] tensor, as √Σx². libtorch 1.13's norm(2, dim=1)
 * takes a slow path for short rows (timed ad hoc on 2026-11-25: 170 ms for n = 10⁶, k = 3, against
 * about 25 ms for this form; with it and the memory changes below, bench case vmf-sample/k=3 went
 * from 578 ms, bench/results/2026-11-24T23-46-50Z.json, to 287 ms, …2026-11-25T02-27-20Z.json); rows here are
 * directions and Gaussian draws, far from float64 overflow.
 */
function rowNorms(x: Tensor, keepdim: boolean): Tensor {
  return scope(() => {
    const sq = x.mul(x);
    return sq.sum(1, keepdim).sqrt_();
  });
}

/**
 * One vMF(μ_i, κ) sample per row of `mu` [n, k] (unit rows; each row its own mean direction), any
 * k ≥ 2, κ ≥ 0 (κ = 0 is the uniform law). Returns [n, k] in mu's dtype; computed in float64.
 * Tested from κ = 1e-3 to κ = 1e4. The samples carry no autograd graph.
 *
 * @example
 * const positives = sampleVonMisesFisher(anchors, 1 / 0.3, gen);   // Paper A: κ = 1/τ
 */
export function sampleVonMisesFisher(mu: Tensor, kappa: number, gen: Generator): Tensor {
  const [n, k, dtype] = checkPoints('sampleVonMisesFisher()', 'mu', mu, 2);
  checkKappa('sampleVonMisesFisher()', kappa);
  return noGrad(() =>
    scope(() => {
      // Re-normalising μ in float64 costs nothing and keeps float32 rounding of |μ| out of |z|; a
      // zero or non-finite row has no direction and would silently give a point off the sphere.
      // Memory: every [n, k] float64 temporary is freed as soon as it is used and the rest is
      // updated in place (the same arithmetic as the out-of-place form), so the peak is about three [n, k] float64
      // buffers instead of ten (peak RSS 5.6 → 2.2 GiB at n = 10⁶, k = 64: bench vmf-sample/k=64 in the
      // two result files named at rowNorms).
      const m = mu.dtype === 'float64' ? mu.clone() : mu.to('float64');
      const norms = rowNorms(m, false);
      if (n > 0 && !(norms.min().item() > 0 && norms.isfinite().all().item() === 1))
        throw new RangeError('sampleVonMisesFisher(): every row of mu must be a finite nonzero (unit) direction');
      m.div_(norms.unsqueeze(1));
      const omega = sampleOmega(n, k, kappa, gen).unsqueeze(1);
      // V: a standard normal projected on μ^⊥ and normalised is uniform on the unit sphere of μ^⊥
      // (rotational invariance of the normal law within that subspace).
      const v = randn([n, k], gen, 'float64');
      const gm = v.mul(m);
      const proj = gm.sum(1, true);
      gm.dispose();
      const along = m.mul(proj);
      v.sub_(along);
      along.dispose();
      v.div_(rowNorms(v, true).clampMin(1e-12)); // F.normalize(v, 1), in place
      // z = W μ + sqrt(1 − W²) V with W = 1 − ω and 1 − W² = ω(2 − ω), both exact for small ω.
      const sinTheta = omega.mul(omega.rsub(2)).clampMin(0).sqrt();
      const z = m.mul_(omega.rsub(1)).add_(v.mul_(sinTheta));
      v.dispose();
      return z.to(dtype);
    }),
  );
}

/**
 * The mean resultant length A_k(κ) = E[μ·z] = I_{k/2}(κ) / I_{k/2−1}(κ) of vMF(μ, κ) on S^{k−1}
 * (Mardia & Jupp, Directional Statistics, §9.3.2), for integer k ≥ 1 and κ ≥ 0.
 *
 * With ν = k/2 − 1 the Bessel ratio R_ν(x) = I_{ν+1}(x)/I_ν(x) has Gauss's continued fraction
 *   R_ν(x) = 1 / (2(ν+1)/x + 1 / (2(ν+2)/x + 1 / (2(ν+3)/x + …))),
 * (from the recurrence I_{ν−1} − I_{ν+1} = (2ν/x) I_ν), evaluated by the modified Lentz method.
 * Every partial denominator is positive, so there is no cancellation and no overflow (the Bessel
 * functions themselves are never formed); it converges in about 6√κ terms. Below κ = 1e-6 the
 * series κ/k · (1 − κ²/(k(k+2))) and beyond κ = 1e10 the asymptotic form 1 − (k−1)/(2κ) are
 * used; their errors, O(κ⁵) and O(k²/κ²), are below double precision there.
 *
 * Checks: A_1(κ) = tanh κ; A_3(κ) = coth κ − 1/κ; A_k(κ) ≈ κ/k as κ → 0; A_k(κ) ≈ 1 − (k−1)/(2κ) as κ → ∞.
 */
export function meanResultantLength(k: number, kappa: number): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1)
    throw new RangeError(`meanResultantLength(): k must be an integer >= 1, got ${String(k)}`);
  checkKappa('meanResultantLength()', kappa);
  if (kappa === 0) return 0;
  // Series R_ν(x) = x/(2(ν+1)) − x³/(8(ν+1)²(ν+2)) + O(x⁵): exact to double precision for κ < 1e-6,
  // where the continued fraction's terms 2(ν+j)/κ could overflow.
  if (kappa < 1e-6) return (kappa / k) * (1 - (kappa * kappa) / (k * (k + 2)));
  if (kappa > 1e10) return 1 - (k - 1) / (2 * kappa);
  const nu = k / 2 - 1;
  const tiny = 1e-300;
  let f = tiny;
  let C = f;
  let D = 0;
  for (let j = 1; j <= 10_000_000; j++) {
    const bj = (2 * (nu + j)) / kappa;
    D = bj + D;
    if (D === 0) D = tiny;
    D = 1 / D;
    C = bj + 1 / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) return f;
  }
  return f;
}

/**
 * vMF(z, κ) as Paper A's positive conditional: one draw around each anchor (full support on the
 * sphere, so the diversity condition holds). In the paper's synthetic runs κ = 1/τ.
 */
export class VonMisesFisher implements Conditional {
  readonly name = 'vmf';
  readonly kappa: number;

  constructor(options: { kappa: number }) {
    this.kappa = checkKappa('VonMisesFisher', options.kappa);
  }

  sample(anchors: Tensor, gen: Generator): Tensor {
    checkPoints('VonMisesFisher.sample()', 'anchors', anchors, 2);
    return sampleVonMisesFisher(anchors, this.kappa, gen);
  }

  /** E[z·z~] for this conditional on S^{k−1}: A_k(κ). */
  meanResultantLength(k: number): number {
    return meanResultantLength(k, this.kappa);
  }
}
