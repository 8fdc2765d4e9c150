// R² of the affine regression predicting the true latents z from the recovered ones ẑ
// (Paper A, App. D; the linear-disentanglement score of cl-ica, Zimmermann et al. 2021):
//   fit z ≈ ẑ·W + b by least squares, then per latent dimension j
//   R²_j = 1 − SS_res,j / SS_tot,j,  SS_res,j = Σ_i (z_ij − ẑ_i·W_j − b_j)²,  SS_tot,j = Σ_i (z_ij − z̄_j)²,
// reported with their unweighted mean (sklearn's r2_score, multioutput='uniform_average').
// 1 = z is an affine function of ẑ; ≈ 0 = ẑ carries no linear information about z.
// Two other definitions in use (options of `r2()`): the pooled R² 1 − Σ_j SS_res,j / Σ_j SS_tot,j
// (sklearn's 'variance_weighted': dimensions weighted by their variance), and the fit without a
// bias, z ≈ ẑ·W (SS_tot still about the mean, as sklearn scores any prediction).
import { Generator, linalg, noGrad, randperm, scope, zeros, type Tensor } from '../torch/index.js';
import type { Metric } from './types.js';

/** A random train/test split: the map is fitted on the train part and scored on the test part. */
export interface HeldOutSplit {
  /** Fraction of the samples held out for scoring, in (0, 1); round(n·testFraction) rows. */
  testFraction: number;
  /** Draws the permutation that splits the samples (consumed: one `randperm(n)` per call). */
  gen: Generator;
}

/** How the per-dimension R² are combined into one number. */
export type R2Average = 'uniform' | 'pooled';

/** Which R²: how it averages over dimensions and whether the fitted map has a bias. */
export interface R2Options {
  /**
   * 'uniform' (default): the mean of the per-dimension R² (sklearn's 'uniform_average');
   * 'pooled': 1 − Σ_j SS_res,j / Σ_j SS_tot,j (sklearn's 'variance_weighted').
   */
  average?: R2Average;
  /** Fit z ≈ ẑ·W + b (true, default) or z ≈ ẑ·W without a bias (false). */
  intercept?: boolean;
}

export interface R2Result {
  /** The R² the options ask for: the mean of `perDim` (default) or the pooled R². */
  r2: number;
  /** R² of each latent dimension of the truth [k]. */
  perDim: number[];
  /** Samples the affine map was fitted on. */
  trainSize: number;
  /** Samples R² was computed on (= trainSize when no split is given: in-sample R²). */
  testSize: number;
}

/** The least-squares affine map y ≈ x·weight + bias (float64). */
export interface AffineFit {
  /** [d, k] for x [n, d] and y [n, k]. */
  weight: Tensor;
  /** [k] */
  bias: Tensor;
}

/**
 * @internal Checks that truth [n, k] and recovered [n, d] are 2-d with matching n ≥ minSamples and
 * at least one column each; returns n. Messages name the calling function and the two arguments.
 */
export function checkPairedSamples(
  fn: string,
  truth: Tensor,
  recovered: Tensor,
  minSamples = 2,
  names: readonly [string, string] = ['truth', 'recovered'],
): number {
  for (const [name, t] of [
    [names[0], truth],
    [names[1], recovered],
  ] as const) {
    if (t.ndim !== 2)
      throw new RangeError(`${fn}: ${name} must be a 2-d tensor [n, dim], got shape [${t.shape.join(', ')}]`);
    if (t.size(1) < 1)
      throw new RangeError(
        `${fn}: ${name} must have at least one dimension (column), got shape [${t.shape.join(', ')}]`,
      );
  }
  const n = truth.size(0);
  if (recovered.size(0) !== n)
    throw new RangeError(
      `${fn}: ${names[0]} and ${names[1]} must have the same number of samples (rows), got ${n} and ${recovered.size(0)}`,
    );
  if (n < minSamples) throw new RangeError(`${fn}: needs at least ${minSamples} samples, got ${n}`);
  return n;
}

/**
 * @internal Throws if truth or recovered holds NaN or ±Inf (a diverged encoder): LAPACK and the
 * Hungarian matching have no meaningful answer for them.
 */
export function checkFiniteSamples(
  fn: string,
  truth: Tensor,
  recovered: Tensor,
  names: readonly [string, string] = ['truth', 'recovered'],
): void {
  for (const [name, t] of [
    [names[0], truth],
    [names[1], recovered],
  ] as const) {
    const finite = noGrad(() => scope(() => t.isfinite().all().item()));
    if (finite !== 1) throw new RangeError(`${fn}: ${name} contains non-finite values (NaN or ±Inf)`);
  }
}

/** Affine least squares on float64 tensors, centred first for conditioning (gelsd: rank-deficient safe). */
function affineLstsq(x: Tensor, y: Tensor, intercept = true): AffineFit {
  return scope(() => {
    if (!intercept) {
      const weight = linalg.lstsq(x, y).solution;
      return { weight, bias: zeros([y.size(1)], 'float64') };
    }
    const xMean = x.mean(0, true);
    const yMean = y.mean(0, true);
    const weight = linalg.lstsq(x.sub(xMean), y.sub(yMean)).solution;
    const bias = yMean.sub(xMean.matmul(weight)).squeeze(0);
    return { weight, bias };
  });
}

/**
 * The least-squares affine map y ≈ x·weight + bias, fitted in float64 without gradients.
 * Rank-deficient x gives the minimum-norm weight. The caller owns the returned tensors.
 *
 * Shapes: x [n, d], y [n, k] → weight [d, k], bias [k].
 * @example
 * const { weight, bias } = scope(() => fitAffine(zHat, z));   // z ≈ zHat·weight + bias
 */
export function fitAffine(x: Tensor, y: Tensor): AffineFit {
  checkPairedSamples('fitAffine()', x, y, 1, ['x', 'y']);
  checkFiniteSamples('fitAffine()', x, y, ['x', 'y']);
  return noGrad(() => scope(() => affineLstsq(x.to('float64'), y.to('float64'))));
}

/** sklearn's per-output R² with its conventions for a constant target (SS_tot = 0). */
function r2FromSums(ssRes: number, ssTot: number): number {
  if (ssTot !== 0) return 1 - ssRes / ssTot;
  return ssRes === 0 ? 1 : 0;
}

/**
 * R² of the affine regression predicting `truth` from `recovered` (Paper A, App. D).
 * Without `split`, the map is fitted and scored on all n samples (in-sample R²); with a split,
 * it is fitted on the train part and scored on the held-out part (can then be negative).
 * A constant truth dimension scores 1 if predicted exactly and 0 otherwise (as sklearn); pooled,
 * an all-constant truth does the same with the summed sums of squares.
 * `options` choose the definition (default: affine fit, uniform average — the Paper A / cl-ica R²).
 *
 * Shapes: truth z [n, k], recovered ẑ [n, d] (any float dtype; computed in float64).
 * @example
 * const { r2: score, perDim } = r2(z, zHat);                                  // in-sample
 * r2(z, zHat, { testFraction: 0.5, gen: new Generator(0) }).r2;               // held-out
 * r2(z, zHat, undefined, { average: 'pooled', intercept: false }).r2;         // pooled, z ≈ ẑ·W
 */
export function r2(truth: Tensor, recovered: Tensor, split?: HeldOutSplit, options: R2Options = {}): R2Result {
  const n = checkPairedSamples('r2()', truth, recovered);
  checkFiniteSamples('r2()', truth, recovered);
  const average = options.average ?? 'uniform';
  if (average !== 'uniform' && average !== 'pooled')
    throw new RangeError(`r2(): options.average must be 'uniform' or 'pooled', got ${String(average)}`);
  const intercept = options.intercept ?? true;
  if (typeof intercept !== 'boolean')
    throw new TypeError(`r2(): options.intercept must be a boolean, got ${String(intercept)}`);
  let testSize = n;
  if (split !== undefined) {
    const { testFraction, gen } = split;
    if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1))
      throw new RangeError(`r2(): split.testFraction must be a number in (0, 1), got ${String(testFraction)}`);
    if (!(gen instanceof Generator)) throw new TypeError('r2(): split.gen must be a Generator');
    testSize = Math.round(n * testFraction);
    if (testSize < 2 || n - testSize < 1)
      throw new RangeError(
        `r2(): a split with testFraction ${testFraction} of ${n} samples leaves ${testSize} test and ${n - testSize} train samples; needs at least 2 and 1`,
      );
  }
  const trainSize = split === undefined ? n : n - testSize;
  return noGrad(() =>
    scope(() => {
      const z = truth.to('float64');
      const zHat = recovered.to('float64');
      let [zTrain, zHatTrain, zTest, zHatTest] = [z, zHat, z, zHat];
      if (split !== undefined) {
        const perm = randperm(n, split.gen);
        const test = perm.slice(0, 0, testSize);
        const train = perm.slice(0, testSize);
        [zTrain, zHatTrain] = [z.indexSelect(0, train), zHat.indexSelect(0, train)];
        [zTest, zHatTest] = [z.indexSelect(0, test), zHat.indexSelect(0, test)];
      }
      const { weight, bias } = affineLstsq(zHatTrain, zTrain, intercept);
      const residual = zTest.sub(zHatTest.matmul(weight).add(bias));
      const ssRes = residual.square().sum(0).toArray();
      const ssTot = zTest.sub(zTest.mean(0, true)).square().sum(0).toArray();
      const perDim = ssRes.map((r, j) => r2FromSums(r, ssTot[j]!));
      const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
      const score = average === 'pooled' ? r2FromSums(sum(ssRes), sum(ssTot)) : sum(perDim) / perDim.length;
      return { r2: score, perDim, trainSize, testSize };
    }),
  );
}

/**
 * R² as a `Metric`: `{ r2, r2_0, …, r2_{k−1} }` (mean and per latent dimension).
 * With a split, each call draws a fresh split from `split.gen`.
 *
 * @example
 * const metric = r2Metric();
 * metric(z, zHat);   // { r2: 0.98, r2_0: 0.99, r2_1: 0.97, r2_2: 0.98 }
 */
export function r2Metric(split?: HeldOutSplit): Metric {
  return (truth, recovered) => {
    const { r2: mean, perDim } = r2(truth, recovered, split);
    const out: Record<string, number> = { r2: mean };
    perDim.forEach((v, j) => (out[`r2_${j}`] = v));
    return out;
  };
}
