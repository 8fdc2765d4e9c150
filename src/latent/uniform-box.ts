// The uniform marginal on a box [low, high]^k (cl-ica's default marginal on its box space;
// Zimmermann et al. 2021, spaces.py NBoxSpace.uniform): independent U(low, high) coordinates.
import { scope, uniform, type Generator, type Tensor } from '../torch/index.js';
import { checkInteger, type FloatDtype } from './checks.js';
import { checkSpace, type LatentSpace } from './space.js';
import type { Marginal } from './types.js';

export class UniformBox implements Marginal {
  readonly name = 'uniform-box';
  readonly dim: number;
  readonly space: LatentSpace;

  constructor(
    dim: number,
    readonly low: number,
    readonly high: number,
    readonly dtype: FloatDtype = 'float32',
  ) {
    this.dim = checkInteger('UniformBox', 'dim', dim, 1);
    this.space = checkSpace('UniformBox', { kind: 'box', dim, low, high });
  }

  /** n points [n, dim], drawn in float64 and cast to the marginal's dtype. */
  sample(n: number, gen: Generator): Tensor {
    checkInteger('UniformBox.sample()', 'n', n, 0);
    return scope(() => uniform(this.low, this.high, [n, this.dim], gen, 'float64').to(this.dtype));
  }
}
