// cl-ica's "permutation disentanglement" score, as its main_mlp.py computes it (Zimmermann et al.
// 2021; brendel-group/cl-ica disentanglement_utils.permutation_disentanglement with mode='pearson',
// solver='munkres', rescaling=True): each recovered dimension is rescaled by the least-squares
// factor β_j = Σ_i z_ij ẑ_ij / Σ_i ẑ_ij² (no intercept; truth and representation must have the
// same dimension), the Pearson correlations between z and the rescaled ẑ are matched one-to-one by
// the Munkres (Hungarian) algorithm on |corr|, and the score is the mean matched |corr|.
// Rescaling by β_j ≠ 0 does not change |corr|, so this equals the in-sample MCC of mcc.ts except
// where some β_j is exactly 0 (that dimension then correlates with nothing) — it is reported under
// cl-ica's name so that its table can be read as theirs. 1 = recovery up to permutation, sign and scale.
import { noGrad, scope, type Tensor } from '../torch/index.js';
import { mcc } from './mcc.js';
import { checkFiniteSamples, checkPairedSamples } from './r2.js';

/** truth z [n, k], recovered ẑ [n, k] → mean matched |Pearson(z, β ⊙ ẑ)|. */
export function permutationDisentanglement(truth: Tensor, recovered: Tensor): number {
  const fn = 'permutationDisentanglement()';
  checkPairedSamples(fn, truth, recovered);
  checkFiniteSamples(fn, truth, recovered);
  if (truth.size(1) !== recovered.size(1))
    throw new RangeError(
      `${fn}: cl-ica rescales dimension j of ẑ onto dimension j of z, so both need the same dimension; got ${truth.size(1)} and ${recovered.size(1)}`,
    );
  return noGrad(() =>
    scope(() => {
      const [z, h] = [truth.to('float64'), recovered.to('float64')];
      const beta = z.mul(h).sum(0, true).div(h.square().sum(0, true));
      return mcc(z, h.mul(beta)).mcc;
    }),
  );
}
