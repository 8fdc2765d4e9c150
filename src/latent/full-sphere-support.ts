// The full-sphere support: negatives uniform on all of S^{k−1}, whatever the anchor (Paper A's
// standard InfoNCE). Offered as a `Support` so that a loss can mix it with `ConstrainedSupport`
// by the constraint ratio ρ (fraction of negatives from U(K(z)); ρ = 0 is this support alone).
import { noGrad, type Generator, type Tensor } from '../torch/index.js';
import { checkInteger, checkPoints } from './checks.js';
import type { Support } from './types.js';
import { sampleUniformSphere } from './uniform-sphere.js';

/** U(S^{k−1}) for every anchor: anchors [n, k] (only their shape and dtype are used) → [n, perAnchor, k]. */
export class FullSphereSupport implements Support {
  readonly name = 'full-sphere';

  sampleNegatives(anchors: Tensor, perAnchor: number, gen: Generator): Tensor {
    const [n, k, dtype] = checkPoints('FullSphereSupport.sampleNegatives()', 'anchors', anchors, 1);
    checkInteger('FullSphereSupport.sampleNegatives()', 'perAnchor', perAnchor, 0);
    return noGrad(() => {
      const z = sampleUniformSphere(n * perAnchor, k, gen, dtype);
      try {
        return z.reshape(n, perAnchor, k);
      } finally {
        z.dispose();
      }
    });
  }
}
