// Paper A's support-corrected ("adapted") InfoNCE. The correction lives in how negatives are
// sampled in latent space: each anchor z gets M negatives of its own, round(ρ·M) of them uniform
// on its constrained support K(z) = { z~ on the sphere : u~ = u } and the rest uniform on the whole
// sphere (ρ = 0: standard InfoNCE with per-anchor negatives; ρ = 1: fully corrected). The caller
// draws them with `sampleAdaptedNegatives`, passes them through the generative process g and the
// encoder f, and hands the embeddings [B, M, d] to the loss, which is InfoNCE with per-anchor
// negatives:  ℓ_i = −log( e^{s⁺_i} / (e^{s⁺_i} + Σ_j e^{s⁻_ij}) ),  s = f(x)·f(x')/τ.
import { cat, noGrad, scope, type Generator, type Tensor } from '../torch/index.js';
import { FullSphereSupport, type Support } from '../latent/index.js';
import { infoNCE } from './infonce.js';
import { checkTemperature, type ContrastiveBatch, type ContrastiveLoss, type LossOutput } from './types.js';

export interface AdaptedInfoNCEOptions {
  /** Temperature τ > 0 (Paper A: 0.3). */
  tau: number;
  /** M ≥ 1 negatives per anchor (the batch must carry negatives of shape [B, M, d]). */
  negativesPerAnchor: number;
  /** Constraint ratio ρ ∈ [0, 1]: the fraction of each anchor's negatives drawn from U(K(z)). */
  rho: number;
}

/** Throws unless M is an integer ≥ 1. */
export function checkNegativesPerAnchor(who: string, M: number): number {
  if (typeof M !== 'number' || !Number.isInteger(M) || M < 1)
    throw new RangeError(`${who}: negativesPerAnchor M must be an integer >= 1, got ${String(M)}`);
  return M;
}

/** Throws unless ρ is a finite number in [0, 1]. */
export function checkConstraintRatio(who: string, rho: number): number {
  if (typeof rho !== 'number' || !Number.isFinite(rho) || rho < 0 || rho > 1)
    throw new RangeError(`${who}: constraint ratio rho must be a number in [0, 1], got ${String(rho)}`);
  return rho;
}

/**
 * How many of M negatives come from U(K(z)) at constraint ratio ρ: round(ρ·M), halves rounded up
 * (Math.round), so 0 ≤ count ≤ M, ρ = 0 → 0 and ρ = 1 → M. E.g. M = 3, ρ = 0.5 → 2.
 */
export function constrainedNegativeCount(M: number, rho: number): number {
  checkNegativesPerAnchor('constrainedNegativeCount()', M);
  checkConstraintRatio('constrainedNegativeCount()', rho);
  return Math.min(M, Math.max(0, Math.round(rho * M)));
}

/**
 * Latent negatives of the adapted loss: anchorsLatent [B, k] → [B, M, k] in the anchors' dtype.
 * Along dim 1, the first round(ρ·M) (see `constrainedNegativeCount`) are drawn from `support`
 * (U(K(z)) for a `ConstrainedSupport`; u copied bit for bit) and the remaining M − round(ρ·M)
 * uniformly from the whole sphere, independently for every anchor. The order does not matter to
 * InfoNCE. With ρ = 0 no draw is made from `support`, so the result is exactly what
 * `new FullSphereSupport().sampleNegatives(anchorsLatent, M, gen)` returns from the same stream.
 *
 * @example
 * const negLatent = sampleAdaptedNegatives(z, new ConstrainedSupport({ fixedDims: 1 }), 64, 0.5, gen);
 * const negEmb = encoder(g(negLatent.reshape(B * 64, k))).reshape(B, 64, -1);
 */
export function sampleAdaptedNegatives(
  anchorsLatent: Tensor,
  support: Support,
  M: number,
  rho: number,
  gen: Generator,
): Tensor {
  const who = 'sampleAdaptedNegatives()';
  checkNegativesPerAnchor(who, M);
  checkConstraintRatio(who, rho);
  if (anchorsLatent.ndim !== 2)
    throw new RangeError(`${who}: anchorsLatent must be [B, k], got [${anchorsLatent.shape.join(', ')}]`);
  const nK = constrainedNegativeCount(M, rho);
  const full = new FullSphereSupport();
  if (nK === 0) return full.sampleNegatives(anchorsLatent, M, gen);
  if (nK === M) return support.sampleNegatives(anchorsLatent, M, gen);
  return noGrad(() =>
    scope(() => {
      const constrained = support.sampleNegatives(anchorsLatent, nK, gen);
      const rest = full.sampleNegatives(anchorsLatent, M - nK, gen);
      return cat([constrained, rest.to(constrained.dtype)], 1);
    }),
  );
}

/**
 * Paper A's support-corrected InfoNCE: InfoNCE with per-anchor negatives [B, M, d], the embeddings
 * of latents drawn by `sampleAdaptedNegatives` with the same M and ρ. Returns the mean loss, the
 * per-anchor values [B] and parts { alignment: −E s⁺, uniformity: E log Σ e^{s} }.
 *
 * @example
 * const loss = adaptedInfoNCE({ tau: 0.3, negativesPerAnchor: 64, rho: 1 });
 * const out = loss({ anchors, positives, negatives });   // negatives [B, 64, d]
 */
export function adaptedInfoNCE(
  options: AdaptedInfoNCEOptions,
): ContrastiveLoss & { readonly options: Readonly<AdaptedInfoNCEOptions> } {
  const who = 'adaptedInfoNCE';
  const { tau, negativesPerAnchor: M, rho } = options;
  checkTemperature(who, tau);
  checkNegativesPerAnchor(who, M);
  checkConstraintRatio(who, rho);
  const base = infoNCE({ tau });
  const loss = (batch: ContrastiveBatch): LossOutput => {
    const { anchors, negatives } = batch;
    if (negatives === undefined)
      throw new TypeError(`${who}: this loss needs batch.negatives of shape [B, M, d] (see sampleAdaptedNegatives)`);
    const [B, d] = anchors.shape;
    if (negatives.ndim !== 3 || negatives.shape[0] !== B || negatives.shape[1] !== M || negatives.shape[2] !== d)
      throw new RangeError(
        `${who}: negatives must be per-anchor [B, M, d] = [${B}, ${M}, ${d}], got [${negatives.shape.join(', ')}]`,
      );
    return base(batch);
  };
  return Object.assign(loss, { options: Object.freeze({ tau, negativesPerAnchor: M, rho }) });
}
