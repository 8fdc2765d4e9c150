// The contrastive loss of a representation on fixed held-out pairs (Paper C, Saunshi et al. 2022,
// Table 1's "contrastive loss" column): the two views are cut into consecutive batches of `batch`
// pairs, the loss is evaluated on each batch, and the mean over batches is reported with its
// standard error (the Monte Carlo error of the estimate). Losses that depend on the batch size
// (every in-batch loss) are only comparable at one batch size, so it is a setting, not the data's.
// Losses that take their negatives from the batch (NT-Xent, in-batch InfoNCE, SigLIP, …) ignore
// `negatives`; a loss with shared negatives (InfoNCE's default) gets the batch's second views as
// its M = batch shared negatives. Per-anchor negatives ([B, M, d]) have no held-out counterpart.
import { noGrad, scope, type Tensor } from '../torch/index.js';
import type { ContrastiveLoss } from '../losses/types.js';

export interface PairLoss {
  /** Mean loss over the batches. */
  loss: number;
  /** Standard error of that mean over the batches (0 with one batch). */
  stdErr: number;
  /** Number of full batches evaluated (a remainder of fewer than `batch` pairs is left out). */
  batches: number;
}

/**
 * Mean of `loss` over consecutive batches of the pairs (a[i], b[i]).
 *
 * @example
 * const { loss, stdErr } = lossOnPairs(ntXent({ tau: 0.5 }), f(xa), f(xb), 256);
 */
export function lossOnPairs(loss: ContrastiveLoss, a: Tensor, b: Tensor, batch: number): PairLoss {
  const fn = 'lossOnPairs()';
  if (a.ndim !== 2 || b.ndim !== 2 || a.size(0) !== b.size(0))
    throw new RangeError(
      `${fn}: need two [n, d] views of the same n, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`,
    );
  if (!Number.isInteger(batch) || batch < 2)
    throw new RangeError(`${fn}: batch must be an integer ≥ 2, got ${String(batch)}`);
  const batches = Math.floor(a.size(0) / batch);
  if (batches < 1)
    throw new RangeError(`${fn}: the held-out set has ${a.size(0)} pairs, fewer than one batch of ${batch}`);
  const values: number[] = [];
  noGrad(() => {
    for (let i = 0; i < batches; i++) {
      const value = scope(() => {
        const positives = b.narrow(0, i * batch, batch);
        return loss({ anchors: a.narrow(0, i * batch, batch), positives, negatives: positives }).loss.item();
      });
      values.push(value);
    }
  });
  const m = values.reduce((p, q) => p + q, 0) / batches;
  const v = batches > 1 ? values.reduce((p, q) => p + (q - m) ** 2, 0) / (batches - 1) : 0;
  return { loss: m, stdErr: Math.sqrt(v / batches), batches };
}
