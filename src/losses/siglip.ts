// SigLIP, the sigmoid pairwise loss (Zhai et al. 2023; Paper B's independently additive example,
// Def. 3.2 / Example 5.4). Views u, v [n, d]; logits ℓ_ij = t·u_i·v_j + b; label z_ij = +1 on i = j,
// −1 otherwise:
//   L = (1/n) Σ_i Σ_j −log σ(z_ij·ℓ_ij)
// (t multiplies, as SigLIP's logit scale; the paper's initialisation is t = 10, b = −10).
// Optional within-view negatives (Paper B's c2 for independently additive losses):
//   + c2·(1/n) Σ_i ½ Σ_{j≠i} [ −log σ(−(t·u_i·u_j + b)) − log σ(−(t·v_i·v_j + b)) ].
// The loss is symmetric in the two views (the cross term is a sum over the full matrix).
import { arange, scope, type Tensor } from '../torch/index.js';
import { checkFiniteBatch, type ContrastiveBatch, type ContrastiveLoss, type LossOutput } from './types.js';

export interface SigLIPOptions {
  /** Logit scale t > 0 (multiplies the cosine similarity). */
  t: number;
  /** Logit bias b (finite). */
  b: number;
  /** Weight c2 ≥ 0 of the within-view negatives; default 0 (plain SigLIP: cross-view only). */
  c2?: number;
}

/** −log σ(x) = softplus(−x), computed stably as relu(−x) + log(1 + e^{−|x|}). */
export function negLogSigmoid(x: Tensor): Tensor {
  return x.neg().relu().add(x.abs().neg().exp().add(1).log());
}

/**
 * Sigmoid pairwise loss. Shapes: anchors (u), positives (v) [n, d] → perAnchor [n]
 * (row i: its positive term plus its n − 1 negative terms). parts: positive (mean of the
 * positive terms), negative (mean per anchor of the cross-view negative terms), within (if c2 > 0).
 * @example
 * const { loss } = siglip({ t: 10, b: -10 })({ anchors: u, positives: v });
 */
export function siglip(options: SigLIPOptions): ContrastiveLoss {
  const { t, b, c2 = 0 } = options;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0)
    throw new RangeError(`siglip: logit scale t must be a finite number > 0, got ${String(t)}`);
  if (typeof b !== 'number' || !Number.isFinite(b))
    throw new RangeError(`siglip: bias b must be a finite number, got ${String(b)}`);
  if (typeof c2 !== 'number' || !Number.isFinite(c2) || c2 < 0)
    throw new RangeError(`siglip: c2 must be a finite number >= 0, got ${String(c2)}`);
  return (batch: ContrastiveBatch): LossOutput => {
    checkFiniteBatch('siglip', batch);
    const { anchors: u, positives: v } = batch;
    if (u.ndim !== 2 || v.ndim !== 2 || u.shape[0] !== v.shape[0] || u.shape[1] !== v.shape[1])
      throw new RangeError(`siglip: both views must be [n, d] of equal shape, got [${u.shape}] and [${v.shape}]`);
    const n = u.size(0);
    return scope(() => {
      const idx = arange(n);
      const self = idx.unsqueeze(1).eq(idx.unsqueeze(0));
      const logits = u.matmul(v.T).mul(t).add(b);
      const positive = negLogSigmoid(logits.diagonal());
      // Negative pairs: −log σ(−ℓ); the diagonal is removed by filling its logit with −∞ (term 0).
      const negLogits = (s: Tensor): Tensor => s.mul(t).add(b).maskedFill(self, -Infinity);
      const negTerms = (s: Tensor): Tensor => negLogSigmoid(negLogits(s).neg()).sum(1);
      const negative = negTerms(u.matmul(v.T));
      let perAnchor = positive.add(negative);
      const parts: Record<string, Tensor> = { positive: positive.mean(), negative: negative.mean() };
      if (c2 > 0) {
        const within = negTerms(u.matmul(u.T))
          .add(negTerms(v.matmul(v.T)))
          .mul(0.5 * c2);
        perAnchor = perAnchor.add(within);
        parts['within'] = within.mean();
      }
      return { loss: perAnchor.mean(), perAnchor, parts };
    });
  };
}
