// cl-ica's positive conditionals other than vMF (Zimmermann et al. 2021, Sec. 6; brendel-group/cl-ica
// spaces.py, `--c-p`): z~ = z + ε with i.i.d. normal, Laplace or generalised-normal coordinates ε,
// kept in the space by its constraint (src/latent/space.ts): projected back onto the sphere,
// redrawn coordinate by coordinate into the box (the conditional is then p(z~|z) truncated to the
// box: a coordinate near a face moves more often inward), unconstrained on R^k. Every such
// conditional has full support on its space, so the diversity condition holds.
import { noGrad, scope, type Generator, type Tensor } from '../torch/index.js';
import { checkPoints } from './checks.js';
import { checkNoiseLaw, sampleNoise, type NoiseLaw } from './coordinate-noise.js';
import { checkSpace, constrainToSpace, type LatentSpace } from './space.js';
import type { Conditional } from './types.js';

export class Perturbation implements Conditional {
  readonly name: string;

  constructor(
    readonly space: LatentSpace,
    readonly law: NoiseLaw,
  ) {
    checkSpace('Perturbation', space);
    checkNoiseLaw('Perturbation', law);
    this.name = law.kind;
  }

  /** One positive per anchor: anchors [n, k] → [n, k] in the anchors' dtype (computed in float64). */
  sample(anchors: Tensor, gen: Generator): Tensor {
    const [n, k, dtype] = checkPoints(`Perturbation(${this.name}).sample()`, 'anchors', anchors, 1);
    if (k !== this.space.dim)
      throw new RangeError(
        `Perturbation(${this.name}).sample(): anchors have k = ${k}, the space has ${this.space.dim}`,
      );
    return noGrad(() =>
      scope(() => {
        const z = anchors.to('float64');
        const draw = (g: Generator): Tensor => scope(() => sampleNoise(this.law, [n, k], g).add(z));
        return constrainToSpace(this.space, draw, gen).to(dtype);
      }),
    );
  }
}
