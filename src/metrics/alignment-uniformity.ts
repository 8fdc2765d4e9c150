// Alignment and uniformity of embeddings on the sphere (Wang & Isola 2020; papers.md, shared metrics).
//   alignment  = E ‖f(x) − f(x~)‖^α over positive pairs (α = 2)
//   uniformity = log E exp(−t ‖f(x) − f(y)‖²) over distinct pairs (t = 2)
import { noGrad, ones, scope, type Tensor } from '../torch/index.js';
import { checkFinite } from './types.js';

/** Alignment of positive pairs: x, y [N, d] row-paired embeddings. Lower is better (0 = identical). */
export function alignment(x: Tensor, y: Tensor, alpha = 2): number {
  checkFinite('alignment()', 'x', x);
  checkFinite('alignment()', 'y', y);
  return noGrad(() => scope(() => x.sub(y).norm(2, 1).pow(alpha).mean().item()));
}

/**
 * Uniformity of embeddings x [N, d]: log of the mean Gaussian potential over the N(N−1)/2 distinct
 * pairs. For points uniform on S^{d−1} it approaches its minimum; lower is more uniform.
 */
export function uniformity(x: Tensor, t = 2): number {
  const n = x.size(0);
  if (n < 2) throw new RangeError('uniformity(): needs at least 2 embeddings');
  checkFinite('uniformity()', 'x', x);
  return noGrad(() =>
    scope(() => {
      // Squared distances of the strict upper triangle, via the Gram matrix (|a−b|² = 2 − 2a·b
      // only for unit vectors, so use the general form).
      const sq = x.mul(x).sum(1);
      const d2 = sq.unsqueeze(1).add(sq.unsqueeze(0)).sub(x.matmul(x.T).mul(2)).clampMin(0);
      const mask = ones([n, n], 'bool').triu(1);
      const vals = d2.maskedSelect(mask);
      return vals.mul(-t).logsumexp(0).sub(Math.log(vals.numel)).item();
    }),
  );
}
