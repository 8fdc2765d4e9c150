// The monomial embedding used by Paper A's progressive-violation experiment on S⁹ (reference code:
// BosonicJustin/CLTheory, data/generation.py, MonomialEmbedding): every latent coordinate is
// mapped to its powers 1..degree, e.g. 10D → 70D with degree 7. Injective (the first power of each
// coordinate is kept), nonlinear for degree ≥ 2, and deterministic (no parameters).
import { scope, stack, type Tensor } from '../torch/index.js';
import { checkInput, checkInteger } from './common.js';
import type { Process } from './types.js';

export interface MonomialOptions {
  /** Latent dimension k ≥ 1; default 10 (the S⁹ experiment). */
  dim?: number;
  /** Highest power D ≥ 1; default 7. */
  degree?: number;
}

/**
 * x = (z₁, z₁², …, z₁^D, z₂, z₂², …, z₂^D, …, z_k^D): [n, k] → [n, k·D], coordinate-major (all
 * powers of z₁ first), the order of the reference code. Output column i·D + (p − 1) holds z_{i+1}^p.
 *
 * @example
 * const g = new MonomialProcess({ dim: 10, degree: 7 });
 * g.apply(z).shape;   // [n, 70]
 */
export class MonomialProcess implements Process {
  readonly name = 'monomial';
  readonly inDim: number;
  readonly outDim: number;
  readonly degree: number;

  constructor(options: MonomialOptions = {}) {
    const dim = options.dim ?? 10;
    const degree = options.degree ?? 7;
    checkInteger('monomial', 'dim', dim, 1);
    checkInteger('monomial', 'degree', degree, 1);
    this.inDim = dim;
    this.degree = degree;
    this.outDim = dim * degree;
  }

  apply(z: Tensor): Tensor {
    checkInput(this.name, z, this.inDim);
    return scope(() => {
      // Integer powers by repeated multiplication: exact signs, and the gradient p·z^(p−1) is
      // defined everywhere (also at z = 0).
      const powers: Tensor[] = [z];
      for (let p = 2; p <= this.degree; p++) powers.push((powers[p - 2] as Tensor).mul(z));
      return stack(powers, -1).flatten(-2);
    });
  }

  /** z = the first-power columns of x: the exact inverse on the image of g. x [..., k·D] → z [..., k]. */
  inverse(x: Tensor): Tensor {
    checkInput(this.name, x, this.outDim, undefined, 'x');
    return x.slice(-1, 0, undefined, this.degree).contiguous();
  }

  dispose(): void {}
}
