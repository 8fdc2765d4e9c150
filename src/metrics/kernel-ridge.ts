// Kernel ridge regression with an RBF kernel and a cross-validated grid: the nonlinear readout with
// which von Kügelgen et al. (NeurIPS 2021) score block identifiability (ysharma1126/
// ssl_identifiability, disentanglement_utils.nonlinear_disentanglement: sklearn
// GridSearchCV(KernelRidge(kernel='rbf'), alpha ∈ {1, 0.1, 0.01, 0.001}, gamma ∈ logspace(−2, 2, 4),
// cv=3)). Here:
//   k(x, y) = exp(−γ |x − y|²),   A = (K + αI)⁻¹ Y,   ŷ(x*) = k(x*, X) A
// (no intercept, as sklearn's KernelRidge: the caller standardises Y), each (α, γ) scored by the
// mean R² over 3 contiguous folds (sklearn's KFold without shuffling), the best refitted on all rows.
import { eye, F, keep, linalg, noGrad, scope, tensor, type Tensor } from '../torch/index.js';
import { r2Score } from './r2-score.js';

export const KRR_ALPHAS: readonly number[] = [1, 0.1, 0.01, 0.001];
/** np.logspace(−2, 2, 4): 0.01, 0.215…, 4.64…, 100. */
export const KRR_GAMMAS: readonly number[] = [0, 1, 2, 3].map((i) => 10 ** (-2 + (4 * i) / 3));
const FOLDS = 3;

export interface KernelRidgeFit {
  alpha: number;
  gamma: number;
  /** The best mean cross-validated R². */
  cvScore: number;
  /** Predictions for new rows x* [m, d] → [m, k] (float64). */
  predict(x: Tensor): Tensor;
  dispose(): void;
}

/** (K + αI)⁻¹ Y for K = exp(−γ D²) on the rows of D² [n, n]. */
function dualCoefficients(d2: Tensor, y: Tensor, alpha: number, gamma: number): Tensor {
  return scope(() => {
    const k = d2.mul(-gamma).exp();
    return linalg.solve(k.add(eye(k.size(0), 'float64').mul(alpha)), y);
  });
}

/**
 * Fits x [n, d] → y [n, k] (float64, n ≥ 2·FOLDS): grid search over KRR_ALPHAS × KRR_GAMMAS by 3-fold
 * CV, refit with the best pair. The caller owns the result (dispose it).
 */
export function fitKernelRidge(x: Tensor, y: Tensor): KernelRidgeFit {
  const n = x.size(0);
  if (n < 2 * FOLDS) throw new RangeError(`fitKernelRidge(): needs at least ${2 * FOLDS} rows, got ${n}`);
  const { best, coef, train } = noGrad(() =>
    scope(() => {
      const [xs, ys] = [x.to('float64'), y.to('float64')];
      const d2 = F.cdist(xs, xs).square();
      // sklearn's KFold: the first n mod FOLDS folds have one extra row.
      const bounds: number[] = [0];
      for (let f = 0; f < FOLDS; f++) bounds.push(bounds[f]! + Math.floor(n / FOLDS) + (f < n % FOLDS ? 1 : 0));
      const rows = Array.from({ length: n }, (_, i) => i);
      const folds = Array.from({ length: FOLDS }, (_, f) => {
        const [lo, hi] = [bounds[f]!, bounds[f + 1]!];
        const train = tensor(
          rows.filter((i) => i < lo || i >= hi),
          undefined,
          'int64',
        );
        const test = tensor(rows.slice(lo, hi), undefined, 'int64');
        return {
          dTrain: d2.indexSelect(0, train).indexSelect(1, train),
          dTest: d2.indexSelect(0, test).indexSelect(1, train),
          yTrain: ys.indexSelect(0, train),
          yTest: ys.indexSelect(0, test),
        };
      });
      let best = { alpha: KRR_ALPHAS[0]!, gamma: KRR_GAMMAS[0]!, cvScore: -Infinity };
      for (const alpha of KRR_ALPHAS)
        for (const gamma of KRR_GAMMAS) {
          const scores = folds.map((f) =>
            scope(() => {
              const coef = dualCoefficients(f.dTrain, f.yTrain, alpha, gamma);
              return r2Score(f.yTest, f.dTest.mul(-gamma).exp().matmul(coef));
            }),
          );
          const mean = scores.reduce((a, b) => a + b, 0) / FOLDS;
          if (mean > best.cvScore) best = { alpha, gamma, cvScore: mean };
        }
      return { best, coef: dualCoefficients(d2, ys, best.alpha, best.gamma), train: xs.clone() };
    }),
  );
  // Owned by the fit (dispose()), not by whatever scope the caller is in.
  keep([coef, train]);
  return {
    ...best,
    predict: (xNew: Tensor): Tensor =>
      noGrad(() => scope(() => F.cdist(xNew.to('float64'), train).square().mul(-best.gamma).exp().matmul(coef))),
    dispose: () => {
      coef.dispose();
      train.dispose();
    },
  };
}
