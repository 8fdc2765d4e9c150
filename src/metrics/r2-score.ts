// R² of predictions (sklearn's r2_score with multioutput='uniform_average'), the score of every
// fitted readout here: per output j, 1 − Σ(y − ŷ)² / Σ(y − ȳ)² on the scored sample, then the mean.
// A constant output scores 1 if predicted exactly and 0 otherwise (sklearn's convention, as r2.ts).
import { noGrad, scope, type Tensor } from '../torch/index.js';

/** Mean over columns of R²(truth[:, j], predicted[:, j]); truth, predicted [n, k]. */
export function r2Score(truth: Tensor, predicted: Tensor): number {
  return noGrad(() =>
    scope(() => {
      const y = truth.to('float64');
      const ssRes = y.sub(predicted.to('float64')).square().sum(0).toArray();
      const ssTot = y.sub(y.mean(0, true)).square().sum(0).toArray();
      const perDim = ssRes.map((r, j) => (ssTot[j]! !== 0 ? 1 - r / ssTot[j]! : r === 0 ? 1 : 0));
      return perDim.reduce((s, v) => s + v, 0) / perDim.length;
    }),
  );
}
