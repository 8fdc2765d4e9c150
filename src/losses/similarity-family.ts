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

function checkWeight(name: string, c: number): void {
  if (typeof c !== 'number' || !Number.isFinite(c) || c < 0)
    throw new RangeError(`similarityFamily: ${name} must be a finite number >= 0, got ${String(c)}`);
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

  /** One direction: anchors a_i, positives b_i; returns per-anchor loss [n] and the positive sims [n]. */
  const direction = (a: Tensor, b: Tensor): { per: Tensor; pos: Tensor; lse?: Tensor } => {
    const n = a.size(0);
    const sCross = a.matmul(b.T); // s_ij = a_i·b_j
    const sWithin = a.matmul(a.T); // a_i·a_j
    const pos = sCross.diagonal();
    if (phi === 'exp') {
      const tau = t as number;
      const idx = arange(n);
      const self = idx.unsqueeze(1).eq(idx.unsqueeze(0));
      const blocks: Tensor[] = [];
      if (c1 > 0) blocks.push(sCross.div(tau).add(Math.log(c1)).maskedFill(self, -Infinity));
      if (c2 > 0) blocks.push(sWithin.div(tau).add(Math.log(c2)).maskedFill(self, -Infinity));
      const posLogit = pos.div(tau);
      if (psi === 'log1p') {
        const lse = cat([posLogit.unsqueeze(1), ...blocks], 1).logsumexp(1);
        return { per: lse.sub(posLogit), pos, lse };
      }
      const arg = cat(blocks, 1).logsumexp(1).sub(posLogit).exp();
      return { per: psi === 'identity' ? arg : psi(arg), pos };
    }
    const off = ones([n, n], a.dtype).sub(eye(n, a.dtype));
    const shift = pos.unsqueeze(1);
    let arg: Tensor | undefined;
    if (c1 > 0) arg = phi(sCross.sub(shift)).mul(off).sum(1).mul(c1);
    if (c2 > 0) {
      const w = phi(sWithin.sub(shift)).mul(off).sum(1).mul(c2);
      arg = arg === undefined ? w : arg.add(w);
    }
    const x = arg as Tensor;
    return { per: psi === 'log1p' ? x.add(1).log() : psi === 'identity' ? x : psi(x), pos };
  };

  return (batch: ContrastiveBatch): LossOutput => {
    checkFiniteBatch('similarityFamily', batch);
    const { anchors: u, positives: v } = batch;
    if (u.ndim !== 2 || v.ndim !== 2 || u.shape[0] !== v.shape[0] || u.shape[1] !== v.shape[1])
      throw new RangeError(
        `similarityFamily: both views must be [n, d] of equal shape, got [${u.shape}] and [${v.shape}]`,
      );
    if (u.size(0) < 2)
      throw new RangeError('similarityFamily: needs at least 2 instances per batch (n ≥ 2) to have negatives');
    return scope(() => {
      const fwd = direction(u, v);
      const bwd = direction(v, u);
      const perAnchor = cat([fwd.per, bwd.per], 0);
      const pos = cat([fwd.pos, bwd.pos], 0);
      const parts: Record<string, Tensor> = { positiveSimilarity: pos.mean() };
      if (phi === 'exp')
        parts['alignment'] = pos
          .mean()
          .div(t as number)
          .neg();
      if (fwd.lse !== undefined && bwd.lse !== undefined) parts['uniformity'] = cat([fwd.lse, bwd.lse], 0).mean();
      return { loss: perAnchor.mean(), perAnchor, parts };
    });
  };
}
