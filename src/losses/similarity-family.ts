// Paper B's InfoNCE family (Lee, Lim, Lee, Sohn, ICML 2025, Def. 3.1) over two views u, v [n, d]
// with unit-norm rows. Per anchor u_i (positive v_i):
//   ℓ_i = ψ( c1·Σ_{j≠i} φ((v_j − v_i)·u_i) + c2·Σ_{j≠i} φ((u_j − v_i)·u_i) ),
// averaged over anchors and symmetrised over the views (the same with u and v swapped).
// c1 switches the cross-view negatives (u_i, v_j), c2 the within-view negatives (u_i, u_j).
//   φ = exp(x/t), ψ = log(1 + x), (c1, c2) = (1, 0): symmetric InfoNCE with in-batch cross-view negatives.
//   φ = exp(x/t), ψ = log(1 + x), (c1, c2) = (1, 1): NT-Xent (SimCLR), identical to `ntXent`.
// For φ = exp the sum is taken in log space: log(1 + Σ c·e^{(s − s⁺)/t}) = logsumexp{s⁺/t, s/t + log c} − s⁺/t.
import { arange, cat, ones, eye, scope, type Tensor } from '../torch/index.js';
import {
  checkFiniteBatch,
  checkTemperature,
  type ContrastiveBatch,
  type ContrastiveLoss,
  type LossOutput,
} from './types.js';

/** φ: 'exp' is exp(x/t); a function receives the raw similarity difference x and must be elementwise. */
export type SimilarityPhi = 'exp' | ((x: Tensor) => Tensor);
/** ψ: 'log1p' is log(1 + x), 'identity' is x; a function receives the per-anchor sum [n]. */
export type SimilarityPsi = 'log1p' | 'identity' | ((x: Tensor) => Tensor);

export interface SimilarityFamilyOptions {
  /** Weight of the cross-view negatives (u_i, v_j), ≥ 0. */
  c1: number;
  /** Weight of the within-view negatives (u_i, u_j), ≥ 0. */
  c2: number;
  /** Default 'exp' (needs t). */
  phi?: SimilarityPhi;
  /** Default 'log1p'. */
  psi?: SimilarityPsi;
  /** Temperature t > 0 of φ = exp(x/t); required for phi 'exp', ignored by a custom φ. */
  t?: number;
}

/** The options with their defaults filled in (φ = exp, ψ = log1p). */
interface Family {
  c1: number;
  c2: number;
  phi: SimilarityPhi;
  psi: SimilarityPsi;
  t: number | undefined;
}

/** One direction's results, each [n]: the per-anchor loss ℓ_i, the positive similarities s⁺_i and, for φ = exp with ψ = log1p, the logsumexp. */
interface Direction {
  per: Tensor;
  pos: Tensor;
  lse?: Tensor;
}

function checkWeight(name: string, c: number): void {
  if (typeof c !== 'number' || !Number.isFinite(c) || c < 0)
    throw new RangeError(`similarityFamily: ${name} must be a finite number >= 0, got ${String(c)}`);
}

/** Checks the weights (not both 0: Def. 3.1 needs negatives), φ with its temperature, and ψ. */
function checkFamily({ c1, c2, phi, psi, t }: Family): void {
  checkWeight('c1', c1);
  checkWeight('c2', c2);
  if (c1 === 0 && c2 === 0)
    throw new RangeError('similarityFamily: c1 and c2 are both 0, so the loss has no negatives');
  if (phi === 'exp') checkTemperature('similarityFamily', t as number);
  else if (typeof phi !== 'function')
    throw new TypeError(`similarityFamily: phi must be 'exp' or a function, got ${String(phi)}`);
  else if (t !== undefined) checkTemperature('similarityFamily', t);
  if (psi !== 'log1p' && psi !== 'identity' && typeof psi !== 'function')
    throw new TypeError(`similarityFamily: psi must be 'log1p', 'identity' or a function, got ${String(psi)}`);
}

/** Checks that the views are finite, both [n, d] of one shape, with n ≥ 2 (so that there are negatives). */
function checkViews(batch: ContrastiveBatch): void {
  checkFiniteBatch('similarityFamily', batch);
  const { anchors: u, positives: v } = batch;
  if (u.ndim !== 2 || v.ndim !== 2 || u.shape[0] !== v.shape[0] || u.shape[1] !== v.shape[1])
    throw new RangeError(
      `similarityFamily: both views must be [n, d] of equal shape, got [${u.shape}] and [${v.shape}]`,
    );
  if (u.size(0) < 2)
    throw new RangeError('similarityFamily: needs at least 2 instances per batch (n ≥ 2) to have negatives');
}

/** ψ applied to the per-anchor sum x [n]: log(1 + x), x, or the given function. */
function applyPsi(psi: SimilarityPsi, x: Tensor): Tensor {
  return psi === 'log1p' ? x.add(1).log() : psi === 'identity' ? x : psi(x);
}

/** Paper B Def. 3.1's negatives as logits for φ = exp, s/t + log c with the self-pairs j = i at −∞: an [n, n] block per weight c > 0 (c1: a_i·b_j, c2: a_i·a_j). */
function negativeLogits(f: Family, sCross: Tensor, sWithin: Tensor, tau: number): Tensor[] {
  const n = sCross.size(0);
  const idx = arange(n);
  const self = idx.unsqueeze(1).eq(idx.unsqueeze(0));
  const blocks: Tensor[] = [];
  if (f.c1 > 0) blocks.push(sCross.div(tau).add(Math.log(f.c1)).maskedFill(self, -Infinity));
  if (f.c2 > 0) blocks.push(sWithin.div(tau).add(Math.log(f.c2)).maskedFill(self, -Infinity));
  return blocks;
}

/** Def. 3.1 for φ = exp, in log space (module comment): ℓ_i [n] and, for ψ = log1p, logsumexp{s⁺/t, s/t + log c} [n]. */
function expDirection(f: Family, sCross: Tensor, sWithin: Tensor, pos: Tensor): Direction {
  const tau = f.t as number;
  const blocks = negativeLogits(f, sCross, sWithin, tau);
  const posLogit = pos.div(tau);
  if (f.psi === 'log1p') {
    const lse = cat([posLogit.unsqueeze(1), ...blocks], 1).logsumexp(1);
    return { per: lse.sub(posLogit), pos, lse };
  }
  return { per: applyPsi(f.psi, cat(blocks, 1).logsumexp(1).sub(posLogit).exp()), pos };
}

/** Def. 3.1's argument of ψ for a custom φ: c1·Σ_{j≠i} φ(a_i·b_j − s⁺_i) + c2·Σ_{j≠i} φ(a_i·a_j − s⁺_i), [n]. */
function negativeSum(f: Family, phi: (x: Tensor) => Tensor, sCross: Tensor, sWithin: Tensor, pos: Tensor): Tensor {
  const n = sCross.size(0);
  const off = ones([n, n], sCross.dtype).sub(eye(n, sCross.dtype));
  const shift = pos.unsqueeze(1);
  let arg: Tensor | undefined;
  if (f.c1 > 0) arg = phi(sCross.sub(shift)).mul(off).sum(1).mul(f.c1);
  if (f.c2 > 0) {
    const w = phi(sWithin.sub(shift)).mul(off).sum(1).mul(f.c2);
    arg = arg === undefined ? w : arg.add(w);
  }
  return arg as Tensor;
}

/** One direction of Def. 3.1: anchors a_i, positives b_i (both [n, d]) → ℓ_i and s⁺_i = a_i·b_i, each [n]. */
function direction(f: Family, a: Tensor, b: Tensor): Direction {
  const sCross = a.matmul(b.T); // s_ij = a_i·b_j
  const sWithin = a.matmul(a.T); // a_i·a_j
  const pos = sCross.diagonal();
  if (f.phi === 'exp') return expDirection(f, sCross, sWithin, pos);
  return { per: applyPsi(f.psi, negativeSum(f, f.phi, sCross, sWithin, pos)), pos };
}

/** positiveSimilarity (mean s⁺); for φ = exp, alignment (−E s⁺/t) and, with ψ = log1p, uniformity (E logsumexp), which add up to the loss. */
function lossParts(f: Family, pos: Tensor, fwd: Direction, bwd: Direction): Record<string, Tensor> {
  const parts: Record<string, Tensor> = { positiveSimilarity: pos.mean() };
  if (f.phi === 'exp')
    parts['alignment'] = pos
      .mean()
      .div(f.t as number)
      .neg();
  if (fwd.lse !== undefined && bwd.lse !== undefined) parts['uniformity'] = cat([fwd.lse, bwd.lse], 0).mean();
  return parts;
}

/** Paper B's Def. 3.1 loss symmetrised over the views (module comment): perAnchor [2n] (the anchors u_i, then v_i), its mean and the parts. */
function symmetrised(f: Family, u: Tensor, v: Tensor): LossOutput {
  const fwd = direction(f, u, v);
  const bwd = direction(f, v, u);
  const perAnchor = cat([fwd.per, bwd.per], 0);
  const parts = lossParts(f, cat([fwd.pos, bwd.pos], 0), fwd, bwd);
  return { loss: perAnchor.mean(), perAnchor, parts };
}

/**
 * The (c1, c2, φ, ψ) contrastive loss family of Paper B.
 * Shapes: anchors (view u) and positives (view v) [n, d], rows unit-norm → perAnchor [2n]
 * (first the n anchors u_i, then the n anchors v_i, as `ntXent`).
 * parts: positiveSimilarity (mean u_i·v_i); for φ = exp also alignment (−E s⁺/t) and, with ψ = log1p,
 * uniformity (E logsumexp) which add up to the loss.
 * @example
 * const simclr = similarityFamily({ c1: 1, c2: 1, t: 0.5 });   // = ntXent({ tau: 0.5 })
 */
export function similarityFamily(options: SimilarityFamilyOptions): ContrastiveLoss {
  const { c1, c2, phi = 'exp', psi = 'log1p', t } = options;
  const family: Family = { c1, c2, phi, psi, t };
  checkFamily(family);
  return (batch: ContrastiveBatch): LossOutput => {
    checkViews(batch);
    return scope(() => symmetrised(family, batch.anchors, batch.positives));
  };
}
