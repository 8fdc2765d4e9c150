// Closed forms the latent samplers are tested against, and the Kolmogorov–Smirnov test that
// compares a sample with a continuous CDF. Special functions by the standard series / continued
// fractions (Numerical Recipes, 3rd ed., §6.2 and §6.4), accurate to ~1e-12 — far below what a KS
// test of 10⁴–10⁵ draws can see (its statistic resolves ~1e-2 … 1e-3).
import assert from 'node:assert/strict';
import { logGamma } from '../../src/latent/index.js';

/** Regularised lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lead = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * lead;
  }
  // Q(a, x) by Lentz's continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return 1 - lead * h;
}

/** Regularised incomplete beta I_x(a, b). */
export function betaI(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - betaI(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return (front * h) / a;
}

export type Cdf = (x: number) => number;

/** N(0, σ²): ½(1 + erf(x/(σ√2))), erf(y) = sign(y)·P(½, y²). */
export const normalCdf =
  (sigma: number): Cdf =>
  (x) => {
    const y = x / (sigma * Math.SQRT2);
    return 0.5 + 0.5 * Math.sign(y) * gammaP(0.5, y * y);
  };

/** Laplace(0, b). */
export const laplaceCdf =
  (b: number): Cdf =>
  (x) =>
    x < 0 ? 0.5 * Math.exp(x / b) : 1 - 0.5 * Math.exp(-x / b);

/** Generalised normal ∝ exp(−|x/α|^β): ½ + sign(x)·P(1/β, |x/α|^β)/2. */
export const generalizedNormalCdf =
  (alpha: number, beta: number): Cdf =>
  (x) =>
    0.5 + 0.5 * Math.sign(x) * gammaP(1 / beta, Math.abs(x / alpha) ** beta);

/** The law of F restricted to [low, high] (what per-coordinate rejection samples). */
export const truncatedCdf =
  (cdf: Cdf, low: number, high: number): Cdf =>
  (x) =>
    x <= low ? 0 : x >= high ? 1 : (cdf(x) - cdf(low)) / (cdf(high) - cdf(low));

/** A shifted law: F(x − c). */
export const shifted =
  (cdf: Cdf, c: number): Cdf =>
  (x) =>
    cdf(x - c);

/**
 * The law of t = μ·u for u = x/|x|, x = μ + σε, ε ~ N(0, I_k), |μ| = 1 (the projected normal on
 * S^{k−1}). With λ = 1/σ, u has surface density ∝ ∫₀^∞ r^{k−1} exp(−|r u − λμ|²/2) dr, so
 *   f(t) ∝ (1 − t²)^{(k−3)/2} · e^{λ²t²/2} · J(λt),   J(c) = ∫₀^∞ r^{k−1} e^{−(r−c)²/2} dr,
 * tabulated on a fine grid (log-space, Simpson for J) and integrated to a CDF (trapezoid).
 */
export function projectedNormalCosineCdf(k: number, sigma: number, points = 4001): Cdf {
  const lambda = 1 / sigma;
  const J = (c: number): number => {
    const hi = Math.max(c, 0) + 12;
    const m = 400;
    const h = hi / m;
    let s = 0;
    for (let i = 0; i <= m; i++) {
      const r = i * h;
      const w = i === 0 || i === m ? 1 : i % 2 === 1 ? 4 : 2;
      s += w * (r === 0 && k > 1 ? 0 : r ** (k - 1) * Math.exp(-((r - c) ** 2) / 2));
    }
    return (s * h) / 3;
  };
  const ts = Array.from({ length: points }, (_, i) => -1 + (2 * i) / (points - 1));
  const logf = ts.map((t) => {
    const w = k === 3 ? 0 : ((k - 3) / 2) * Math.log(Math.max(1 - t * t, 1e-300));
    return w + (lambda * lambda * t * t) / 2 + Math.log(J(lambda * t));
  });
  const top = Math.max(...logf.filter(Number.isFinite));
  const f = logf.map((v) => (Number.isFinite(v) ? Math.exp(v - top) : 0));
  const cdf = [0];
  for (let i = 1; i < points; i++) cdf.push(cdf[i - 1]! + ((f[i]! + f[i - 1]!) / 2) * (ts[i]! - ts[i - 1]!));
  const total = cdf[points - 1]!;
  return (x) => {
    if (x <= -1) return 0;
    if (x >= 1) return 1;
    const pos = ((x + 1) / 2) * (points - 1);
    const i = Math.min(Math.floor(pos), points - 2);
    const frac = pos - i;
    return (cdf[i]! + frac * (cdf[i + 1]! - cdf[i]!)) / total;
  };
}

/** Kolmogorov–Smirnov statistic D and its asymptotic p-value (Stephens' small-n correction). */
export function ksTest(sample: ArrayLike<number>, cdf: Cdf): { d: number; p: number; n: number } {
  const xs = Float64Array.from(sample).sort();
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]!);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  const sn = Math.sqrt(n);
  const lambda = (sn + 0.12 + 0.11 / sn) * d;
  let p = 0;
  for (let j = 1; j <= 100; j++) p += 2 * (-1) ** (j - 1) * Math.exp(-2 * j * j * lambda * lambda);
  return { d, p: Math.min(1, Math.max(0, p)), n };
}

/**
 * Asserts that the sample follows the CDF: KS p-value ≥ 1e-3. The draws come from fixed seeds, so
 * a pass is deterministic; 1e-3 is the false-alarm rate the threshold would have over fresh seeds.
 */
export function assertFollows(sample: ArrayLike<number>, cdf: Cdf, what: string, pMin = 1e-3): void {
  const r = ksTest(sample, cdf);
  assert.ok(r.p >= pMin, `${what}: KS D = ${r.d.toExponential(3)}, p = ${r.p.toExponential(2)} over n = ${r.n}`);
}

/** Asserts that the sample does NOT follow the CDF (p < 1e-6): the test has power against a near miss. */
export function assertRejects(sample: ArrayLike<number>, cdf: Cdf, what: string): void {
  const r = ksTest(sample, cdf);
  assert.ok(r.p < 1e-6, `${what}: KS should reject (D = ${r.d.toExponential(3)}, p = ${r.p.toExponential(2)})`);
}
