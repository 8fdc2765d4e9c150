// The contract of identifiability metrics (design/interfaces.md).
import { noGrad, scope, type Tensor } from '../torch/index.js';

/**
 * A metric comparing true latents [n, k] with recovered ones [n, d]: named plain numbers,
 * e.g. { r2 }, { mcc }, { ape }.
 */
export type Metric = (truth: Tensor, recovered: Tensor) => Record<string, number>;

/**
 * @internal Throws unless every element of `t` is finite, naming the metric and the argument: a
 * metric of NaN embeddings is NaN (or a LAPACK error) without a word otherwise.
 */
export function checkFinite(fn: string, name: string, t: Tensor): void {
  if (!t.dtype.startsWith('float') || t.numel === 0) return;
  const bad = noGrad(() => scope(() => t.isfinite().logicalNot().sum().item()));
  if (bad > 0) throw new RangeError(`${fn}: argument '${name}' holds NaN or ±Inf (${bad} of ${t.numel} elements)`);
}
