// Contracts of latent sampling (design/interfaces.md): a marginal over a latent space (the sphere
// of Paper A, or cl-ica's box and R^k: src/latent/space.ts), a conditional that draws one positive
// per anchor, and a support that draws negatives from each anchor's K(z).
import type { Generator, Tensor } from '../torch/index.js';
import type { LatentSpace } from './space.js';

/** The law of anchors z in a space of dimension dim. sample → [n, dim]. */
export interface Marginal {
  readonly dim: number;
  /** Where the anchors live; absent means the unit sphere S^{dim−1} (Paper A's only space). */
  readonly space?: LatentSpace;
  sample(n: number, gen: Generator): Tensor;
  /** Frees frozen parameters (e.g. the content/style marginal's covariance factors). */
  dispose?(): void;
}

/** The positive-pair mechanism P(z~ | z). anchors [n, k] → one positive per anchor [n, k]. */
export interface Conditional {
  readonly name: string;
  sample(anchors: Tensor, gen: Generator): Tensor;
  /** Frees frozen parameters. */
  dispose?(): void;
}

/** Uniform sampling on an anchor's support K(z): anchors [n, k] → negatives [n, perAnchor, k]. */
export interface Support {
  sampleNegatives(anchors: Tensor, perAnchor: number, gen: Generator): Tensor;
}
