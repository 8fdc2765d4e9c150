// The uniform marginal on the unit sphere S^{k−1} (Paper A's latent space): a standard normal
// vector divided by its norm is uniform on the sphere by rotational invariance.
import { F, randn, scope, type Generator, type Tensor } from '../torch/index.js';
import { checkInteger, type FloatDtype } from './checks.js';
import { sphere, type LatentSpace } from './space.js';
import type { Marginal } from './types.js';

/** n points uniform on S^{dim−1}: [n, dim]. */
export function sampleUniformSphere(n: number, dim: number, gen: Generator, dtype: FloatDtype = 'float32'): Tensor {
  if (!Number.isInteger(dim) || dim < 1)
    throw new RangeError(`sampleUniformSphere(): dim must be a positive integer, got ${dim}`);
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`sampleUniformSphere(): n must be a non-negative integer, got ${n}`);
  return scope(() => F.normalize(randn([n, dim], gen, dtype), 1));
}

/**
 * The uniform law on S^{dim−1} as a `Marginal` (Paper A's anchors: "uniform marginal on S^{k−1}").
 *
 * @example
 * const anchors = new UniformSphere(3).sample(2000, gen);   // [2000, 3], unit rows
 */
export class UniformSphere implements Marginal {
  readonly name = 'uniform-sphere';
  readonly dim: number;
  readonly dtype: FloatDtype;
  readonly space: LatentSpace;

  constructor(dim: number, dtype: FloatDtype = 'float32') {
    this.dim = checkInteger('UniformSphere', 'dim', dim, 1);
    this.space = sphere(dim);
    if (dtype !== 'float32' && dtype !== 'float64')
      throw new TypeError(`UniformSphere: dtype must be float32 or float64, got ${String(dtype)}`);
    this.dtype = dtype;
  }

  sample(n: number, gen: Generator): Tensor {
    return sampleUniformSphere(n, this.dim, gen, this.dtype);
  }
}
