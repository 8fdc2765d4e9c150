// Block identifiability scores (von Kügelgen et al., NeurIPS 2021, Sec. 5.1; code
// ysharma1126/ssl_identifiability main_mlp.py): how well each true block of the latent — content
// c = z[:, :n_c], style s = z[:, n_c:] — is predicted from the representation ẑ, by R² of
//   linear     an affine least-squares map ẑ → block (sklearn LinearRegression),
//   nonlinear  kernel ridge regression with an RBF kernel and a 3-fold CV grid (kernel-ridge.ts).
// Content block identifiability (their Thm 4.4: c recovered up to an invertible map) shows as a
// nonlinear content R² → 1; the style R² says how much style leaked into ẑ.
// Protocol: fitted on the first half of the held-out set, scored on the second (fit-score-split.ts);
// ẑ and each block standardised with the fit half's mean and std (their StandardScaler) — recorded
// as the metric's `standardize` setting, default on. The kernel fit uses at most `maxFit` rows of
// the fit half (its cost grows as maxFit³; the reference fits on 20 480 rows on a GPU).
import { noGrad, scope, type Tensor } from '../torch/index.js';
import { fitScoreSplit, standardizer } from './fit-score-split.js';
import { fitKernelRidge } from './kernel-ridge.js';
import { checkFiniteSamples, checkPairedSamples, fitAffine } from './r2.js';
import { r2Score } from './r2-score.js';

export interface BlockR2Options {
  /** Content coordinates n_c: truth[:, :n_c] is content, the rest style (1 ≤ n_c ≤ k − 1). */
  content: number;
  /** Also fit the kernel-ridge readout (default true). */
  nonlinear?: boolean;
  /** Rows of the fit half the kernel readout is fitted on (default 1000). */
  maxFit?: number;
  /** Standardise ẑ and the blocks with the fit half's statistics (default true). */
  standardize?: boolean;
}

export interface BlockR2Result {
  content: number;
  style: number;
  /** Kernel-ridge R² (when nonlinear). */
  contentNonlinear?: number;
  styleNonlinear?: number;
}

/** Standardises fit and score rows with the fit rows' statistics (or leaves them, float64). */
function scaled(fit: Tensor, score: Tensor, on: boolean): [Tensor, Tensor] {
  const [f, s] = [fit.to('float64'), score.to('float64')];
  if (!on) return [f, s];
  const { mean, std } = standardizer(f);
  return [f.sub(mean).div(std), s.sub(mean).div(std)];
}

/**
 * Linear and nonlinear R² of each block of `truth` [n, k] from `recovered` [n, d], fitted on the
 * first half of the rows and scored on the second.
 *
 * @example
 * blockR2(z, zHat, { content: 5 });   // { content: 0.97, style: 0.12, contentNonlinear: 0.99, … }
 */
export function blockR2(truth: Tensor, recovered: Tensor, options: BlockR2Options): BlockR2Result {
  const fn = 'blockR2()';
  checkPairedSamples(fn, truth, recovered);
  checkFiniteSamples(fn, truth, recovered);
  const k = truth.size(1);
  const { content, nonlinear = true, maxFit = 1000, standardize = true } = options;
  if (!Number.isInteger(content) || content < 1 || content > k - 1)
    throw new RangeError(`${fn}: content must be an integer in 1..k−1 (1..${k - 1}), got ${String(content)}`);
  if (!Number.isInteger(maxFit) || maxFit < 6)
    throw new RangeError(`${fn}: maxFit must be an integer ≥ 6, got ${maxFit}`);
  return noGrad(() =>
    scope(() => {
      const { fit, score } = fitScoreSplit(fn, truth, recovered);
      const [xFit, xScore] = scaled(fit.recovered, score.recovered, standardize);
      const blocks = { content: [0, content], style: [content, k - content] } as const;
      const out: BlockR2Result = { content: Number.NaN, style: Number.NaN };
      for (const name of ['content', 'style'] as const) {
        const [from, size] = blocks[name];
        const [yFit, yScore] = scaled(fit.truth.narrow(1, from, size), score.truth.narrow(1, from, size), standardize);
        const { weight, bias } = fitAffine(xFit, yFit);
        out[name] = r2Score(yScore, xScore.matmul(weight).add(bias));
        if (nonlinear) {
          const m = Math.min(maxFit, xFit.size(0));
          const krr = fitKernelRidge(xFit.narrow(0, 0, m), yFit.narrow(0, 0, m));
          try {
            out[name === 'content' ? 'contentNonlinear' : 'styleNonlinear'] = r2Score(yScore, krr.predict(xScore));
          } finally {
            krr.dispose();
          }
        }
      }
      return out;
    }),
  );
}
