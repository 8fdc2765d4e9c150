// Contracts of latent sampling (design/interfaces.md): a marginal over the sphere, a conditional
// that draws one positive per anchor, and a support that draws negatives from each anchor's K(z).
import type { Generator, Tensor } from '../torch/index.js';

/** The law of anchors z on S^{dim−1}. sample → [n, dim]. */
export interface Marginal {
  readonly dim: number;
  sample(n: number, gen: Generator): Tensor;
}

/** The positive-pair mechanism P(z~ | z). anchors [n, k] → one positive per anchor [n, k]. */
export interface Conditional {
  readonly name: string;
  sample(anchors: Tensor, gen: Generator): Tensor;
}

/** Uniform sampling on an anchor's support K(z): anchors [n, k] → negatives [n, perAnchor, k]. */
export interface Support {
  sampleNegatives(anchors: Tensor, perAnchor: number, gen: Generator): Tensor;
}
