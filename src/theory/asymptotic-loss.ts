// Monte Carlo estimator of Paper A's asymptotic InfoNCE loss for a map h on latents
// (h = f∘g, the recovery map):
//   L(h) = −(1/τ) E_{z, z~}[h(z)·h(z~)] + E_z log E_{z'} exp(h(z)·h(z')/τ),
// with z uniform on S^{k−1}, z~ ~ P(·|z) (a `Conditional`) and z' drawn from a `Support`: the whole
// sphere (standard InfoNCE, the default) or U(K(z)) (support-corrected InfoNCE).
//
// Per anchor z_i we draw P positives and M negatives and form
//   ℓ_i = −(1/τ) mean_p h(z_i)·h(z~_ip) + log mean_j exp(h(z_i)·h(z'_ij)/τ),
// and report mean_i ℓ_i with the standard error sd(ℓ)/√N over the N independent anchors.
// Caveat: log of a Monte Carlo mean is biased (downward, by ≈ Var/(2M·mean²) per anchor, Jensen),
// and that bias is not in the standard error; choose M large (thousands). When comparing maps,
// `compareMaps` evaluates both on the SAME z, z~, z' (common random numbers): the biases nearly
// cancel and the per-anchor differences have a small variance, so the difference is precise.
import { einsum, Generator, noGrad, scope, type Tensor } from '../torch/index.js';
import { FullSphereSupport, sampleUniformSphere, type Conditional, type Support } from '../latent/index.js';

/** A map on latents: [n, k] → [n, d] (rows are evaluated independently). */
export type LatentMap = (z: Tensor) => Tensor;

export interface AsymptoticLossOptions {
  /** Temperature τ > 0. */
  tau: number;
  /** Latent dimension k (anchors uniform on S^{k−1}). */
  dim: number;
  /** The positive conditional P(z~ | z). */
  conditional: Conditional;
  /** Where the negatives z' come from (default: the whole sphere, `FullSphereSupport`). */
  negatives?: Support;
  /** N independent anchors (default 2000). */
  anchors?: number;
  /** P positives per anchor for the alignment term (default 8). */
  positivesPerAnchor?: number;
  /** M negatives per anchor for the inner expectation (default 4096). */
  negativesPerAnchor?: number;
  /** Random stream, or a seed for one (default seed 0). */
  generator?: Generator | number;
  /** Anchors processed per chunk, bounding memory at ≈ chunk·M·k doubles (default 256). */
  chunk?: number;
}

export interface AsymptoticLossEstimate {
  /** mean_i ℓ_i. */
  loss: number;
  /** Standard error of `loss` over anchors: sd(ℓ_i)/√N. */
  stdErr: number;
  /** −(1/τ) mean_i mean_p h(z_i)·h(z~_ip). */
  alignment: number;
  /** Standard error of `alignment` over anchors. */
  alignmentStdErr: number;
  /** mean_i log mean_j exp(h(z_i)·h(z'_ij)/τ) (biased down by the log of a Monte Carlo mean). */
  uniformity: number;
  /** Standard error of `uniformity` over anchors (sampling error only, not the bias). */
  uniformityStdErr: number;
  /** ℓ_i for every anchor. */
  perAnchor: Float64Array;
}

export interface MapComparison {
  /** L(hA) − L(hB), estimated on common random numbers. */
  meanDiff: number;
  /** Standard error of meanDiff over anchors: sd(ℓA_i − ℓB_i)/√N. */
  stdErr: number;
  a: AsymptoticLossEstimate;
  b: AsymptoticLossEstimate;
}

interface Resolved {
  tau: number;
  dim: number;
  conditional: Conditional;
  negatives: Support;
  N: number;
  P: number;
  M: number;
  gen: Generator;
  chunk: number;
}

function positiveInteger(who: string, what: string, x: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1)
    throw new RangeError(`${who}: ${what} must be an integer >= 1, got ${String(x)}`);
  return x;
}

function resolve(who: string, o: AsymptoticLossOptions): Resolved {
  if (typeof o.tau !== 'number' || !Number.isFinite(o.tau) || o.tau <= 0)
    throw new RangeError(`${who}: temperature tau must be a finite number > 0, got ${String(o.tau)}`);
  positiveInteger(who, 'dim', o.dim);
  const gen = o.generator instanceof Generator ? o.generator : new Generator(o.generator ?? 0);
  return {
    tau: o.tau,
    dim: o.dim,
    conditional: o.conditional,
    negatives: o.negatives ?? new FullSphereSupport(),
    N: positiveInteger(who, 'anchors', o.anchors ?? 2000),
    P: positiveInteger(who, 'positivesPerAnchor', o.positivesPerAnchor ?? 8),
    M: positiveInteger(who, 'negativesPerAnchor', o.negativesPerAnchor ?? 4096),
    gen,
    chunk: positiveInteger(who, 'chunk', o.chunk ?? 256),
  };
}

/** Applies h to points of any leading shape [..., k] → [..., d]. */
function applyMap(h: LatentMap, z: Tensor): Tensor {
  const lead = z.shape.slice(0, -1);
  const k = z.shape[z.shape.length - 1]!;
  const out = h(z.reshape(-1, k));
  return out.reshape(...lead, out.shape[1]!);
}

/** Per-anchor alignment and uniformity terms of every map, on shared samples. */
function perAnchorTerms(who: string, maps: LatentMap[], r: Resolved): { align: Float64Array; unif: Float64Array }[] {
  const out = maps.map(() => ({ align: new Float64Array(r.N), unif: new Float64Array(r.N) }));
  const logM = Math.log(r.M);
  noGrad(() => {
    for (let start = 0; start < r.N; start += r.chunk) {
      const n = Math.min(r.chunk, r.N - start);
      scope(() => {
        const z = sampleUniformSphere(n, r.dim, r.gen, 'float64');
        const pos = r.conditional.sample(z.repeatInterleave(r.P, 0), r.gen).reshape(n, r.P, r.dim);
        const neg = r.negatives.sampleNegatives(z, r.M, r.gen);
        if (neg.ndim !== 3 || neg.shape[0] !== n || neg.shape[1] !== r.M)
          throw new RangeError(
            `${who}: negatives.sampleNegatives returned [${neg.shape.join(', ')}], expected [${n}, ${r.M}, ${r.dim}]`,
          );
        maps.forEach((h, m) => {
          scope(() => {
            const hz = h(z).to('float64');
            if (hz.ndim !== 2 || hz.shape[0] !== n)
              throw new RangeError(
                `${who}: map ${m} must return [n, d] for [n, k] input, got [${hz.shape.join(', ')}]`,
              );
            const hp = applyMap(h, pos).to('float64');
            const hn = applyMap(h, neg.to('float64')).to('float64');
            const align = einsum('nd,npd->np', hz, hp).mean(1).div(-r.tau);
            const unif = einsum('nd,nmd->nm', hz, hn).div(r.tau).logsumexp(1).sub(logM);
            out[m]!.align.set(align.data() as Float64Array, start);
            out[m]!.unif.set(unif.data() as Float64Array, start);
          });
        });
      });
    }
  });
  return out;
}

function meanAndStdErr(x: Float64Array): [number, number] {
  const n = x.length;
  let s = 0;
  for (const v of x) s += v;
  const mean = s / n;
  let ss = 0;
  for (const v of x) ss += (v - mean) * (v - mean);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  return [mean, sd / Math.sqrt(n)];
}

function toEstimate(t: { align: Float64Array; unif: Float64Array }): AsymptoticLossEstimate {
  const perAnchor = t.align.map((a, i) => a + t.unif[i]!);
  const [loss, stdErr] = meanAndStdErr(perAnchor);
  const [alignment, alignmentStdErr] = meanAndStdErr(t.align);
  const [uniformity, uniformityStdErr] = meanAndStdErr(t.unif);
  return { loss, stdErr, alignment, alignmentStdErr, uniformity, uniformityStdErr, perAnchor };
}

/**
 * Monte Carlo estimate of L(h) with its standard error over anchors (see the module comment for
 * the log-of-a-mean bias).
 *
 * @example
 * const est = estimateAsymptoticLoss(hLambda(0.9, 1), { tau: 0.3, dim: 3, conditional: new RestrictedVonMisesFisher({ kappa: 1 / 0.3, fixedDims: 1 }) });
 */
export function estimateAsymptoticLoss(h: LatentMap, options: AsymptoticLossOptions): AsymptoticLossEstimate {
  const r = resolve('estimateAsymptoticLoss()', options);
  return toEstimate(perAnchorTerms('estimateAsymptoticLoss()', [h], r)[0]!);
}

/**
 * Estimates L(h) for several maps on the SAME samples (common random numbers): one pass over the
 * anchors, each map evaluated on the shared z, z~, z'. Pair the results with `differenceOf`.
 */
export function estimateOnCommonSamples(maps: LatentMap[], options: AsymptoticLossOptions): AsymptoticLossEstimate[] {
  const r = resolve('estimateOnCommonSamples()', options);
  return perAnchorTerms('estimateOnCommonSamples()', maps, r).map(toEstimate);
}

/** L(a) − L(b) and its standard error from two estimates made on common samples. */
export function differenceOf(
  a: AsymptoticLossEstimate,
  b: AsymptoticLossEstimate,
): { meanDiff: number; stdErr: number } {
  if (a.perAnchor.length !== b.perAnchor.length)
    throw new RangeError(
      `differenceOf(): estimates have ${a.perAnchor.length} and ${b.perAnchor.length} anchors; they must share their samples`,
    );
  const [meanDiff, stdErr] = meanAndStdErr(a.perAnchor.map((v, i) => v - b.perAnchor[i]!));
  return { meanDiff, stdErr };
}

/**
 * L(hA) − L(hB) on common random numbers (the same anchors, positives and negatives feed both
 * maps), with the standard error of the mean of the per-anchor differences.
 *
 * @example
 * const { meanDiff, stdErr } = compareMaps(hLambda(0.9, 1), identityMap, options);
 * // meanDiff < 0 with |meanDiff| > 4·stdErr: h_0.9 has the lower asymptotic loss
 */
export function compareMaps(hA: LatentMap, hB: LatentMap, options: AsymptoticLossOptions): MapComparison {
  const r = resolve('compareMaps()', options);
  const [ta, tb] = perAnchorTerms('compareMaps()', [hA, hB], r) as [
    { align: Float64Array; unif: Float64Array },
    { align: Float64Array; unif: Float64Array },
  ];
  const a = toEstimate(ta);
  const b = toEstimate(tb);
  return { ...differenceOf(a, b), a, b };
}
