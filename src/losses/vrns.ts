// VRNS, Paper B's variance-reducing auxiliary loss for negative similarities (Sec. 6):
//   L_VRNS = mean over cross-view i ≠ j of |u_i·v_j − δ|^p,  δ = −1/(k − 1),
// with k the dataset size (the full-batch optimum of every negative similarity, Thm 5.1) and p the
// power (reference code: p = 2). The training loss is L + λ·L_VRNS (defaults λ = 30, k = 50 000).
// For even p, |x|^p = x^p.
import { arange, scalarTensor, scope } from '../torch/index.js';
import { checkFiniteBatch, type ContrastiveBatch, type ContrastiveLoss, type LossOutput } from './types.js';

export interface VRNSOptions {
  /** Weight λ ≥ 0; default 30. */
  lambda?: number;
  /** Dataset size k ≥ 2 (sets δ = −1/(k − 1)); default 50 000 (CIFAR). */
  datasetSize?: number;
  /** Power p > 0; default 2. */
  power?: number;
}

/**
 * The weighted VRNS term. Shapes: anchors (u), positives (v) [n, d] unit rows, n ≥ 2 → perAnchor [n]
 * (λ·mean over j ≠ i for anchor i). loss = λ·L_VRNS, so it can be added to a loss as is;
 * parts: vrns (unweighted L_VRNS) and delta (δ, 0-d).
 * @example
 * const aux = vrns({ lambda: 30, datasetSize: 50_000 });
 * const total = base(batch).loss.add(aux(batch).loss);
 */
export function vrns(options: VRNSOptions = {}): ContrastiveLoss {
  const { lambda = 30, datasetSize = 50_000, power = 2 } = options;
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0)
    throw new RangeError(`vrns: lambda must be a finite number >= 0, got ${String(lambda)}`);
  if (!Number.isInteger(datasetSize) || datasetSize < 2)
    throw new RangeError(`vrns: datasetSize must be an integer >= 2, got ${String(datasetSize)}`);
  if (typeof power !== 'number' || !Number.isFinite(power) || power <= 0)
    throw new RangeError(`vrns: power must be a finite number > 0, got ${String(power)}`);
  const delta = -1 / (datasetSize - 1);
  return (batch: ContrastiveBatch): LossOutput => {
    checkFiniteBatch('vrns', batch);
    const { anchors: u, positives: v } = batch;
    if (u.ndim !== 2 || v.ndim !== 2 || u.shape[0] !== v.shape[0] || u.shape[1] !== v.shape[1])
      throw new RangeError(`vrns: both views must be [n, d] of equal shape, got [${u.shape}] and [${v.shape}]`);
    const n = u.size(0);
    if (n < 2) throw new RangeError('vrns: needs at least 2 instances per batch (n ≥ 2) to have negatives');
    return scope(() => {
      const idx = arange(n);
      const self = idx.unsqueeze(1).eq(idx.unsqueeze(0));
      const dev = u.matmul(v.T).sub(delta).abs();
      const raw = (power === 2 ? dev.square() : dev.pow(power))
        .maskedFill(self, 0)
        .sum(1)
        .div(n - 1);
      const perAnchor = raw.mul(lambda);
      return { loss: perAnchor.mean(), perAnchor, parts: { vrns: raw.mean(), delta: scalarTensor(delta, u.dtype) } };
    });
  };
}

/**
 * A loss plus VRNS: loss = base.loss + λ·L_VRNS; perAnchor is the base loss's; parts are the base
 * loss's plus `base` (its loss) and `vrns` (unweighted L_VRNS).
 */
export function withVRNS(base: ContrastiveLoss, options: VRNSOptions = {}): ContrastiveLoss {
  const aux = vrns(options);
  return (batch: ContrastiveBatch): LossOutput =>
    scope(() => {
      const b = base(batch);
      const a = aux(batch);
      return {
        loss: b.loss.add(a.loss),
        perAnchor: b.perAnchor,
        parts: { ...b.parts, base: b.loss, vrns: a.parts['vrns'] as typeof a.loss },
      };
    });
}
