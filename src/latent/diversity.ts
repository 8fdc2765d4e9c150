// The diversity diagnostic: does a positive-pair conditional reach every direction the marginal
// reaches? (Paper A's diversity condition: for almost every anchor z the marginal P_Z is absolutely
// continuous w.r.t. P(z~ | z).) If some direction a is never moved by positive pairs, i.e.
// a·(z~ − z) = 0 for every positive of z, then P(· | z) lives on the hyperplane section
// { x on the sphere : a·x = a·z }, a lower-dimensional set of marginal measure zero, and the
// condition fails. Paper A's restricted conditional is the example: its positives keep the first
// `fixedDims` coordinates, so K(z) is a sub-sphere and the axes e_1 … e_fixedDims never move.
//
// What is estimated, from samples (displacements d = z~ − z, in float64):
//  1. Pooled, in ambient coordinates: Σ = E[d dᵀ] over anchors z ~ P_Z and one positive each. A
//     direction a with a·d = 0 for every pair is exactly a null vector of Σ, so its eigenvalues
//     (`spectrum`) vanish exactly along never-moved directions, and the canonical axes are checked
//     one by one through Σ_jj = E[d_j²] (`axisSecondMoment`). Ambient, not tangent-projected, on
//     purpose: positives at finite distance on a curved sphere also move radially, and projecting
//     the chord d on the tangent space at z, d − (z·d) z, leaks a second-order component
//     −(z·d)·u (with z·d = −|d|²/2) into the held coordinates u of the restricted conditional,
//     which would blur its exact zero into an O(|d|⁴) eigenvalue. Without the projection the held
//     coordinates' displacements are exactly 0 and the kernel is exact. Pooling across anchors is
//     sound for a full-support conditional: tangent planes at different anchors cover R^k.
//  2. Local, per anchor (frame-free): for a few anchors, P positives each, the second moment of
//     the tangent-projected displacements (I − zzᵀ) d. Its eigenvalues, sorted, do not depend on
//     any choice of frame in the tangent space, so they are averaged over anchors
//     (`localSpectrum`, k − 1 values). A tangent direction never moved at one anchor shows as a
//     zero there (`localDeficit`, the largest count over the anchors). This catches conditionals
//     whose frozen directions depend on the anchor, which pooling in ambient coordinates averages
//     away. It measures linear span, so a curved support such as K(z) also spans part of the
//     normal directions: for the restricted conditional the local deficit is (generically)
//     fixedDims − 1, and it is the pooled kernel that finds all fixedDims held axes.
//     Off the sphere (cl-ica's box and R^k, src/latent/space.ts) the tangent space at z is all of
//     R^k: the local moment is of the raw displacements and has k eigenvalues (on the box too —
//     an interior anchor can move in every direction; rejection only reweights near the faces).
//     The content/style conditional never moves its content block: its pooled kernel is exactly
//     the content axes and so is its local deficit (n_c).
// "Never moves" means a second moment at most `relativeThreshold` × the largest one (default
// 1e-8): sampling noise never gets there for a direction that moves, and an exact zero always does.
// The diagnostic is one-sided: a (numerically exact) kernel shows the condition is violated; an
// empty one is evidence that it holds, not a proof (a conditional on finitely many points spans
// R^k too).
import { linalg, noGrad, scope, type Generator, type Tensor } from '../torch/index.js';
import { checkInteger } from './checks.js';
import type { Conditional, Marginal } from './types.js';

export interface DiversityOptions {
  /** Anchor/positive pairs pooled into Σ. Default 4096. */
  samples?: number;
  /** Anchors of the local (per-anchor) test; 0 skips it. Default 32. */
  localAnchors?: number;
  /** Positives per anchor in the local test. Default 4k (enough to span a (k−1)-dim tangent space). */
  positivesPerAnchor?: number;
  /** A direction never moves if its second moment ≤ relativeThreshold × the largest. Default 1e-8. */
  relativeThreshold?: number;
}

export interface DiversityReport {
  /** True when no direction is found that positives never move (pooled kernel empty, local deficit 0). */
  holds: boolean;
  /** Eigenvalues of the pooled Σ = E[(z~ − z)(z~ − z)ᵀ] in ambient coordinates, descending (k values). */
  spectrum: number[];
  /**
   * Unit ambient directions spanning the never-moved subspace (the kernel of Σ). When that
   * subspace is spanned by canonical axes they are reported as such (e.g. [[1, 0, 0]] for the
   * restricted conditional with fixedDims = 1, in axis order); otherwise as eigenvectors of Σ.
   */
  unperturbed: number[][];
  /** Absolute threshold: relativeThreshold × spectrum[0]. */
  threshold: number;
  relativeThreshold: number;
  /** Σ_jj = E[(z~_j − z_j)²] for each canonical axis e_j. */
  axisSecondMoment: number[];
  /** Per-anchor eigenvalues of the tangent-projected second moment, descending, averaged over anchors (k − 1 values on the sphere, k off it). */
  localSpectrum: number[];
  /** Largest number of tangent directions never moved at one anchor of the local test. */
  localDeficit: number;
}

/** Displacements z~ − z (float64 [n, k]) for anchors z and one positive each. */
function displacements(conditional: Conditional, anchors: Tensor, gen: Generator): Tensor {
  const positives = conditional.sample(anchors, gen);
  try {
    const [a, p] = [anchors.shape, positives.shape];
    if (a.length !== p.length || a.some((s, i) => s !== p[i]))
      throw new RangeError(
        `diversityDiagnostic(): conditional '${conditional.name}' returned shape [${p.join(', ')}] for anchors [${a.join(', ')}]`,
      );
    return scope(() => positives.to('float64').sub(anchors.to('float64')));
  } finally {
    positives.dispose();
  }
}

/** Columns of a [k, k] row-major matrix as arrays, sign-fixed so the largest |entry| is positive. */
function columns(m: number[], k: number, which: number[]): number[][] {
  return which.map((c) => {
    const col = Array.from({ length: k }, (_, i) => m[i * k + c]!);
    const big = col.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
    return big < 0 ? col.map((x) => -x) : col;
  });
}

/** The checked options with their defaults, plus the dimension k and whether the marginal is on the sphere. */
interface Settings {
  k: number;
  onSphere: boolean;
  samples: number;
  localAnchors: number;
  perAnchor: number;
  rel: number;
}

/** The pooled test's results (test 1 of the module comment), as reported, plus the kernel's size. */
interface Pooled {
  spectrum: number[];
  unperturbed: number[][];
  threshold: number;
  axisSecondMoment: number[];
  kernelSize: number;
}

/** The settings: options checked, defaults filled in (4096 samples, 32 local anchors, 4k positives each, 1e-8). */
function settingsOf(marginal: Marginal, options: DiversityOptions): Settings {
  const who = 'diversityDiagnostic()';
  const k = marginal.dim;
  // A marginal without a space is on the sphere (Paper A's UniformSphere before spaces existed).
  const onSphere = (marginal.space?.kind ?? 'sphere') === 'sphere';
  const samples = checkInteger(who, 'samples', options.samples ?? 4096, 1);
  const localAnchors = checkInteger(who, 'localAnchors', options.localAnchors ?? 32, 0);
  const perAnchor = checkInteger(who, 'positivesPerAnchor', options.positivesPerAnchor ?? 4 * k, 1);
  const rel = options.relativeThreshold ?? 1e-8;
  if (typeof rel !== 'number' || !(rel >= 0 && rel < 1))
    throw new RangeError(`${who}: relativeThreshold must be a number in [0, 1), got ${String(rel)}`);
  return { k, onSphere, samples, localAnchors, perAnchor, rel };
}

/**
 * The never-moved directions (unit vectors [k]): the canonical axes with Σ_jj ≤ threshold when
 * they span the whole kernel of Σ, otherwise Σ's eigenvectors for the kernel eigenvalues.
 */
function neverMoved(
  axisSecondMoment: number[],
  threshold: number,
  kernel: number[],
  eigenvectors: Tensor,
  k: number,
): number[][] {
  const stillAxes = axisSecondMoment.flatMap((m, j) => (m <= threshold ? [j] : []));
  return stillAxes.length === kernel.length
    ? stillAxes.map((j) => Array.from({ length: k }, (_, i) => (i === j ? 1 : 0)))
    : columns(eigenvectors.toArray(), k, kernel);
}

/** Paper A's diversity condition, test 1 (module comment): Σ = E[d dᵀ] [k, k] in ambient coordinates — spectrum (descending), threshold, diagonal, kernel. */
function pooledTest(marginal: Marginal, conditional: Conditional, gen: Generator, s: Settings): Pooled {
  const z = marginal.sample(s.samples, gen);
  const d = displacements(conditional, z, gen);
  const sigma = d.T.matmul(d).div(s.samples);
  const { eigenvalues, eigenvectors } = linalg.eigh(sigma); // ascending
  const ascending = eigenvalues.toArray();
  const spectrum = [...ascending].reverse();
  const top = Math.max(spectrum[0] ?? 0, 0);
  const threshold = s.rel * top;
  const kernel = ascending.flatMap((ev, i) => (ev <= threshold ? [i] : []));
  const axisSecondMoment = sigma.diagonal().toArray();
  const unperturbed = neverMoved(axisSecondMoment, threshold, kernel, eigenvectors, s.k);
  return { spectrum, unperturbed, threshold, axisSecondMoment, kernelSize: kernel.length };
}

/**
 * Paper A's diversity condition, test 2 (module comment): at each of A local anchors z, the
 * eigenvalues of the second moment of P positives' displacements, tangent-projected with
 * (I − zzᵀ) on the sphere: row-major [A, t], each row descending, its first t of k kept.
 */
function localEigenvalues(
  marginal: Marginal,
  conditional: Conditional,
  gen: Generator,
  s: Settings,
  t: number,
): number[] {
  const { k, onSphere, localAnchors, perAnchor } = s;
  const za = marginal.sample(localAnchors, gen).to('float64');
  const zr = za.repeatInterleave(perAnchor, 0); // [A·P, k], each anchor P times in a row
  const dl = displacements(conditional, zr, gen);
  const tangent = (onSphere ? dl.sub(zr.mul(dl.mul(zr).sum(1, true))) : dl).reshape(localAnchors, perAnchor, k);
  const local = tangent.mT.matmul(tangent).div(perAnchor); // [A, k, k]
  // Descending; on the sphere the last one is the structural zero along z (P_z z = 0), dropped.
  return linalg.eigh(local).eigenvalues.flip(1).narrow(1, 0, t).toArray();
}

/** Test 2's summary: localSpectrum (the rows of [anchors, t] eigenvalues averaged) and localDeficit (the most ≤ rel × its row's largest, in one row). */
function localSummary(
  rows: number[],
  anchors: number,
  t: number,
  rel: number,
): { localSpectrum: number[]; localDeficit: number } {
  let localDeficit = 0;
  const sums = new Array<number>(t).fill(0);
  for (let a = 0; a < anchors; a++) {
    const row = rows.slice(a * t, (a + 1) * t);
    const cut = rel * Math.max(row[0] ?? 0, 0);
    localDeficit = Math.max(localDeficit, row.filter((x) => x <= cut).length);
    row.forEach((x, i) => (sums[i]! += x));
  }
  return { localSpectrum: sums.map((sum) => sum / anchors), localDeficit };
}

/** Paper A's diversity condition, test 2 (module comment): localSpectrum and localDeficit; [] and 0 when skipped (no local anchors, or k < 2). */
function localTest(
  marginal: Marginal,
  conditional: Conditional,
  gen: Generator,
  s: Settings,
): { localSpectrum: number[]; localDeficit: number } {
  if (!(s.localAnchors > 0 && s.k >= 2)) return { localSpectrum: [], localDeficit: 0 };
  // Tangent directions per anchor: k − 1 on the sphere (the one along z is structurally still), k off it.
  const t = s.onSphere ? s.k - 1 : s.k;
  return localSummary(localEigenvalues(marginal, conditional, gen, s, t), s.localAnchors, t, s.rel);
}

/**
 * Estimates which directions the conditional's positive pairs never move, for anchors from the
 * marginal (see the module comment for the method and its reasoning).
 *
 * @example
 * const r = diversityDiagnostic(new UniformSphere(3), new RestrictedVonMisesFisher({ kappa: 10, fixedDims: 1 }), gen);
 * r.holds;         // false
 * r.unperturbed;   // [[1, 0, 0]]
 */
export function diversityDiagnostic(
  marginal: Marginal,
  conditional: Conditional,
  gen: Generator,
  options: DiversityOptions = {},
): DiversityReport {
  const s = settingsOf(marginal, options);
  return noGrad(() =>
    scope(() => {
      // The pooled test draws first, then the local one: the same generator stream as always.
      const pooled = pooledTest(marginal, conditional, gen, s);
      const { localSpectrum, localDeficit } = localTest(marginal, conditional, gen, s);
      return {
        holds: pooled.kernelSize === 0 && localDeficit === 0,
        spectrum: pooled.spectrum,
        unperturbed: pooled.unperturbed,
        threshold: pooled.threshold,
        relativeThreshold: s.rel,
        axisSecondMoment: pooled.axisSecondMoment,
        localSpectrum,
        localDeficit,
      };
    }),
  );
}
