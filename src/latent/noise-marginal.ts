// cl-ica's non-uniform marginals (Zimmermann et al. 2021; brendel-group/cl-ica main_mlp.py,
// `--m-p`): i.i.d. normal, Laplace or generalised-normal coordinates around a fixed centre η, kept
// in the space by the space's constraint (src/latent/space.ts). As in cl-ica, η = e_1 on the sphere
// (so the law is the projection of η + noise onto S^{k−1}: concentrated around e_1, of full
// support) and η = 0 on the box and on R^k (on a box [0, 1]^k that is a corner: the law is the
// noise truncated to the box, densest at the origin).
import { scope, zeros, type Generator, type Tensor } from '../torch/index.js';
import { checkInteger, type FloatDtype } from './checks.js';
import { checkNoiseLaw, sampleNoise, type NoiseLaw } from './coordinate-noise.js';
import { checkSpace, constrainToSpace, type LatentSpace } from './space.js';
import type { Marginal } from './types.js';

export class NoiseMarginal implements Marginal {
  readonly name: string;
  readonly dim: number;

  constructor(
    readonly space: LatentSpace,
    readonly law: NoiseLaw,
    readonly dtype: FloatDtype = 'float32',
  ) {
    checkSpace('NoiseMarginal', space);
    checkNoiseLaw('NoiseMarginal', law);
    this.dim = space.dim;
    this.name = `${law.kind}-${space.kind}`;
  }

  /** The centre η [1, k] (float64): e_1 on the sphere, 0 elsewhere. */
  private centre(): Tensor {
    return scope(() => {
      const eta = zeros([1, this.dim], 'float64');
      if (this.space.kind === 'sphere') eta.narrow(1, 0, 1).fill_(1);
      return eta;
    });
  }

  sample(n: number, gen: Generator): Tensor {
    checkInteger('NoiseMarginal.sample()', 'n', n, 0);
    return scope(() => {
      const eta = this.centre();
      const draw = (g: Generator): Tensor => scope(() => sampleNoise(this.law, [n, this.dim], g).add(eta));
      return constrainToSpace(this.space, draw, gen).to(this.dtype);
    });
  }
}
