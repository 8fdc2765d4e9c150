// "Fitted on one sample, scored on a fresh one" (von Kügelgen et al. 2021's evaluation; the
// out-of-sample variants of cl-ica's scores): the held-out set's rows are i.i.d. draws, so its
// first half and its second half are two independent samples. The readout (a regression, a
// matching) is learned on the first and scored on the second; no randomness is needed to split.
import { scope, type Tensor } from '../torch/index.js';

export interface FitScore {
  fit: { truth: Tensor; recovered: Tensor };
  score: { truth: Tensor; recovered: Tensor };
}

/** Rows [0, ⌊n/2⌋) to fit, [⌊n/2⌋, n) to score (views, not copies). Needs n ≥ 4. */
export function fitScoreSplit(fn: string, truth: Tensor, recovered: Tensor): FitScore {
  const n = truth.size(0);
  if (n < 4) throw new RangeError(`${fn}: needs at least 4 samples (2 to fit, 2 to score), got ${n}`);
  const half = Math.floor(n / 2);
  return {
    fit: { truth: truth.narrow(0, 0, half), recovered: recovered.narrow(0, 0, half) },
    score: { truth: truth.narrow(0, half, n - half), recovered: recovered.narrow(0, half, n - half) },
  };
}

/**
 * Column means and (population) standard deviations of x [n, d], as sklearn's StandardScaler
 * fitted on x — the standardisation von Kügelgen et al. apply to both the representation and the
 * true blocks before regressing. A constant column gets std 1 (StandardScaler's convention).
 */
export function standardizer(x: Tensor): { mean: Tensor; std: Tensor } {
  return scope(() => {
    const mean = x.mean(0, true);
    const std = x.sub(mean).square().mean(0, true).sqrt();
    return { mean, std: std.maskedFill(std.eq(0), 1) };
  });
}
