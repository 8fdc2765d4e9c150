// clab/encoders: Paper A's encoders, each an nn Module mapping x [n, inDim] to unit-norm
// embeddings [n, outDim]: the MLP encoder (low inductive bias) and the inverse encoders of the
// linear, spiral and patches processes (high inductive bias).
import type { Module } from '../nn/index.js';
import type { Generator } from '../torch/index.js';
import { InverseLinearEncoder, type InverseLinearEncoderOptions } from './inverse-linear.js';
import { InversePatchesEncoder, type InversePatchesEncoderOptions } from './inverse-patches.js';
import { InverseSpiralEncoder, type InverseSpiralEncoderOptions } from './inverse-spiral.js';
import { MlpEncoder, type MlpEncoderOptions } from './mlp-encoder.js';

export { MlpEncoder, type MlpEncoderOptions } from './mlp-encoder.js';
export { InverseLinearEncoder, type InverseLinearEncoderOptions } from './inverse-linear.js';
export { InverseSpiralEncoder, type InverseSpiralEncoderOptions } from './inverse-spiral.js';
export {
  InversePatchesEncoder,
  type InversePatchesEncoderOptions,
  type PatchesBucketWeights,
} from './inverse-patches.js';

/** The encoder kinds `createEncoder` knows. */
export const ENCODER_KINDS = ['mlp', 'inverse-linear', 'inverse-spiral', 'inverse-patches'] as const;
export type EncoderKind = (typeof ENCODER_KINDS)[number];

/** An encoder by kind with its options (dimensions and generator come separately). */
export type EncoderSpec =
  | ({ kind: 'mlp' } & Omit<MlpEncoderOptions, 'inDim' | 'outDim' | 'gen'>)
  | ({ kind: 'inverse-linear' } & Omit<InverseLinearEncoderOptions, 'inDim' | 'outDim' | 'gen'>)
  | ({ kind: 'inverse-spiral' } & Omit<InverseSpiralEncoderOptions, 'gen'>)
  | ({ kind: 'inverse-patches' } & Omit<InversePatchesEncoderOptions, 'gen'>);

export interface EncoderDims {
  /** Data dimension (the process's outDim). */
  inDim: number;
  /** Embedding dimension (the latent dimension). */
  outDim: number;
}

function requireS2(kind: string, dims: EncoderDims): void {
  if (dims.inDim !== 3 || dims.outDim !== 3)
    throw new RangeError(
      `createEncoder: '${kind}' maps S² data to S² (inDim 3, outDim 3), got inDim ${dims.inDim}, outDim ${dims.outDim}`,
    );
}

/**
 * Builds an encoder from a spec (e.g. from a config file). The spiral and patches inverses need
 * inDim = outDim = 3. Unknown kinds throw with the list of valid ones.
 *
 * @example
 * const f = createEncoder({ kind: 'mlp', hidden: [64, 64] }, { inDim: 7, outDim: 3 }, new Generator(0));
 */
export function createEncoder(spec: EncoderSpec, dims: EncoderDims, gen: Generator): Module {
  const { inDim, outDim } = dims;
  switch (spec.kind) {
    case 'mlp': {
      const { kind: _kind, ...options } = spec;
      return new MlpEncoder({ ...options, inDim, outDim, gen });
    }
    case 'inverse-linear':
      return new InverseLinearEncoder({ inDim, outDim, gen });
    case 'inverse-spiral': {
      requireS2(spec.kind, dims);
      const { kind: _kind, ...options } = spec;
      return new InverseSpiralEncoder({ ...options, gen });
    }
    case 'inverse-patches': {
      requireS2(spec.kind, dims);
      const { kind: _kind, ...options } = spec;
      return new InversePatchesEncoder({ ...options, gen });
    }
    default: {
      const kind = (spec as { kind?: unknown }).kind;
      throw new RangeError(`createEncoder: unknown encoder kind '${String(kind)}'; valid: ${ENCODER_KINDS.join(', ')}`);
    }
  }
}
export * from './image/index.js';
