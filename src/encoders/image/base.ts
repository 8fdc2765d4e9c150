// What the three image encoders share: an unnormalised embedding, an optional projection head,
// and L2-normalised outputs (SimCLR trains on the head's output, probes read the embedding).
import { Module, type Sequential } from '../../nn/index.js';
import { F, scope, type Tensor } from '../../torch/index.js';

export abstract class NormalizedImageEncoder extends Module {
  /** SimCLR's projection head g, or undefined (then forward = embed). */
  abstract readonly head: Sequential | undefined;

  /** The embedding [n, embedDim] before normalisation and before the head; checks the input. */
  protected abstract rawEmbedding(x: Tensor): Tensor;

  /** The embedding [n, embedDim] (before the projection head), L2-normalised. */
  embed(x: Tensor): Tensor {
    return scope(() => F.normalize(this.rawEmbedding(x), 1));
  }

  /** The training output: the embedding through the projection head when there is one, L2-normalised. */
  forward(x: Tensor): Tensor {
    return scope(() => {
      const e = this.rawEmbedding(x);
      return F.normalize(this.head === undefined ? e : this.head.forward(e), 1);
    });
  }
}
