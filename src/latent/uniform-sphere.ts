// The uniform marginal on the unit sphere S^{k−1} (Paper A's latent space): a standard normal
// vector divided by its norm is uniform on the sphere by rotational invariance.
import { F, randn, scope, type Generator, type Tensor } from '../torch/index.js';

/** n points uniform on S^{dim−1}: [n, dim]. */
export function sampleUniformSphere(n: number, dim: number, gen: Generator, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`sampleUniformSphere(): dim must be a positive integer, got ${dim}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sampleUniformSphere(): n must be a non-negative integer, got ${n}`);
  return scope(() => F.normalize(randn([n, dim], gen, dtype), 1));
}
