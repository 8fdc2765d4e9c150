// Out-of-sample MCC: the mean correlation coefficient of mcc.ts with the matching learned on one
// sample and scored on another (fit-score-split.ts). In-sample MCC picks, among k! matchings, the
// one that fits the noise of the very sample it is scored on, so it is biased upwards for a
// representation unrelated to the latents (≈ 0.1 rather than 0 for k = 10, n = 1000); here the
// Hungarian matching of |Pearson| is found on the fit half and the matched pairs' |Pearson| is
// averaged on the score half, which is ≈ 0 for an unrelated representation and exactly as in-sample
// for a permutation with sign flips and rescaling (the matching is unambiguous there).
import { hungarian } from './hungarian.js';
import { fitScoreSplit } from './fit-score-split.js';
import { pearsonMatrix } from './mcc.js';
import { checkFiniteSamples, checkPairedSamples } from './r2.js';
import type { Tensor } from '../torch/index.js';

export interface HeldOutMCCResult {
  /** Mean |Pearson| on the score half over the pairs matched on the fit half. */
  mcc: number;
  /** The matching found on the fit half: [truth, recovered] pairs. */
  pairs: [number, number][];
}

/** truth [n, k], recovered [n, d] (n ≥ 4). */
export function heldOutMcc(truth: Tensor, recovered: Tensor): HeldOutMCCResult {
  checkPairedSamples('heldOutMcc()', truth, recovered);
  checkFiniteSamples('heldOutMcc()', truth, recovered);
  const { fit, score } = fitScoreSplit('heldOutMcc()', truth, recovered);
  const { pairs } = hungarian(
    pearsonMatrix(fit.truth, fit.recovered).map((row) => row.map(Math.abs)),
    { maximize: true },
  );
  const scored = pearsonMatrix(score.truth, score.recovered);
  const mcc = pairs.reduce((s, [i, j]) => s + Math.abs(scored[i]![j]!), 0) / pairs.length;
  return { mcc, pairs };
}
