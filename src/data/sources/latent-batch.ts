// What every latent-driven data kind (latents, latent-set, shapes) does with one step's latents:
// anchors z, positives z̃ and negatives (shared [M, k] or per anchor [B, M, k]) go through one call
// of the map to model inputs (its rows are independent), then split back into the batch's layout.
import { cat, type Tensor } from '../../torch/index.js';
import type { TrainBatch } from '../source.js';

export function latentBatch(
  z: Tensor,
  zPos: Tensor,
  zNeg: Tensor | undefined,
  toInputs: (latents: Tensor) => Tensor,
): TrainBatch {
  const B = z.size(0);
  const k = z.size(1);
  const x = toInputs(cat(zNeg === undefined ? [z, zPos] : [z, zPos, zNeg.reshape(-1, k)]));
  const out: TrainBatch = { anchors: x.narrow(0, 0, B), positives: x.narrow(0, B, B) };
  if (zNeg !== undefined) {
    const rest = x.narrow(0, 2 * B, x.size(0) - 2 * B);
    out.negatives = zNeg.ndim === 3 ? rest.reshape(B, zNeg.size(1), ...x.shape.slice(1)) : rest;
  }
  return out;
}
