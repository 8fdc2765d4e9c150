// The identity process of Paper A's synthetic setup: x = g(z) = z.
import type { Tensor } from '../torch/index.js';
import { checkInteger, checkInput } from './common.js';
import type { Process } from './types.js';

export interface IdentityOptions {
  /** Latent dimension k (z on S^{k−1}); any k ≥ 1. Default 3. */
  dim?: number;
}

/**
 * x = z (Paper A, "Generative processes g: identity").
 *
 * @example
 * const g = new IdentityProcess({ dim: 3 });
 * const x = g.apply(z);   // same values as z
 */
export class IdentityProcess implements Process {
  readonly name = 'identity';
  readonly inDim: number;
  readonly outDim: number;

  constructor(options: IdentityOptions = {}) {
    const dim = options.dim ?? 3;
    checkInteger('identity', 'dim', dim, 1);
    this.inDim = dim;
    this.outDim = dim;
  }

  /** A new tensor handle viewing z's values (differentiable; disposing it leaves z intact). */
  apply(z: Tensor): Tensor {
    checkInput(this.name, z, this.inDim);
    return z.reshape(...z.shape);
  }

  inverse(x: Tensor): Tensor {
    checkInput(this.name, x, this.outDim, undefined, 'x');
    return x.reshape(...x.shape);
  }

  dispose(): void {}
}
