// clab/encoders/image: Paper A's CIFAR-10 image encoders, each an nn Module mapping float32
// images [n, C, H, W] to unit-norm embeddings [n, outDim]: ResNet-18 (CIFAR form), a ViT with
// 4×4 patches and an MLP on flattened pixels, at the paper's ~11M-parameter size ('paper') or
// small widths for the CPU ('cpu').
import type { Generator } from '../../torch/index.js';
import {
  PixelMlpEncoder,
  PIXEL_MLP_CPU,
  PIXEL_MLP_PAPER,
  pixelMlpParameters,
  type PixelMlpEncoderOptions,
} from './pixel-mlp.js';
import {
  ResNet18Encoder,
  RESNET18_CPU,
  RESNET18_PAPER,
  resnet18Parameters,
  type ResNet18EncoderOptions,
} from './resnet18.js';
import { ViTEncoder, VIT_CPU, VIT_PAPER, vitParameters, type ViTEncoderOptions } from './vit.js';

export {
  ResNet18Encoder,
  BasicBlock,
  RESNET18_PAPER,
  RESNET18_CPU,
  resnet18Parameters,
  type ResNet18EncoderOptions,
} from './resnet18.js';
export {
  ViTEncoder,
  SelfAttention,
  TransformerBlock,
  VIT_PAPER,
  VIT_CPU,
  vitParameters,
  type ViTEncoderOptions,
} from './vit.js';
export {
  PixelMlpEncoder,
  PIXEL_MLP_PAPER,
  PIXEL_MLP_CPU,
  pixelMlpParameters,
  type PixelMlpEncoderOptions,
} from './pixel-mlp.js';

/** The image encoder kinds `createImageEncoder` knows. */
export const IMAGE_ENCODER_KINDS = ['resnet18', 'vit', 'pixel-mlp'] as const;
export type ImageEncoderKind = (typeof IMAGE_ENCODER_KINDS)[number];
/** Named sizes: the paper's (~11M parameters each) and small CPU ones. */
export const IMAGE_ENCODER_SIZES = ['paper', 'cpu'] as const;
export type ImageEncoderSize = (typeof IMAGE_ENCODER_SIZES)[number];

/** An image encoder by kind with its options (the generator comes separately). */
export type ImageEncoderSpec =
  | ({ kind: 'resnet18' } & Omit<ResNet18EncoderOptions, 'gen'>)
  | ({ kind: 'vit' } & Omit<ViTEncoderOptions, 'gen'>)
  | ({ kind: 'pixel-mlp' } & Omit<PixelMlpEncoderOptions, 'gen'>);

export type ImageEncoder = ResNet18Encoder | ViTEncoder | PixelMlpEncoder;

/**
 * The spec of a named configuration, e.g. `imageEncoderPreset('vit', 'paper')`; `overrides`
 * (channels, image size, embedDim, projection, …) replace preset fields.
 */
export function imageEncoderPreset(
  kind: ImageEncoderKind,
  size: ImageEncoderSize,
  overrides: Record<string, unknown> = {},
): ImageEncoderSpec {
  if (!(IMAGE_ENCODER_SIZES as readonly string[]).includes(size))
    throw new RangeError(
      `imageEncoderPreset: unknown size '${String(size)}'; valid: ${IMAGE_ENCODER_SIZES.join(', ')}`,
    );
  const paper = size === 'paper';
  switch (kind) {
    case 'resnet18':
      return { kind, ...(paper ? RESNET18_PAPER : RESNET18_CPU), ...overrides } as ImageEncoderSpec;
    case 'vit':
      return { kind, ...(paper ? VIT_PAPER : VIT_CPU), ...overrides } as ImageEncoderSpec;
    case 'pixel-mlp': {
      const p = paper ? PIXEL_MLP_PAPER : PIXEL_MLP_CPU;
      return { kind, ...p, hidden: [...p.hidden], ...overrides } as ImageEncoderSpec;
    }
    default:
      throw new RangeError(
        `imageEncoderPreset: unknown encoder kind '${String(kind)}'; valid: ${IMAGE_ENCODER_KINDS.join(', ')}`,
      );
  }
}

/**
 * Builds an image encoder from a spec (e.g. from a config file or `imageEncoderPreset`).
 *
 * @example
 * const f = createImageEncoder(imageEncoderPreset('resnet18', 'cpu'), new Generator(0));
 */
export function createImageEncoder(spec: ImageEncoderSpec, gen: Generator): ImageEncoder {
  switch (spec.kind) {
    case 'resnet18': {
      const { kind: _kind, ...options } = spec;
      return new ResNet18Encoder({ ...options, gen });
    }
    case 'vit': {
      const { kind: _kind, ...options } = spec;
      return new ViTEncoder({ ...options, gen });
    }
    case 'pixel-mlp': {
      const { kind: _kind, ...options } = spec;
      return new PixelMlpEncoder({ ...options, gen });
    }
    default: {
      const kind = (spec as { kind?: unknown }).kind;
      throw new RangeError(
        `createImageEncoder: unknown encoder kind '${String(kind)}'; valid: ${IMAGE_ENCODER_KINDS.join(', ')}`,
      );
    }
  }
}

/** The exact parameter count of `createImageEncoder(spec, gen)`, without building it. */
export function imageEncoderParameters(spec: ImageEncoderSpec): number {
  switch (spec.kind) {
    case 'resnet18':
      return resnet18Parameters(spec);
    case 'vit':
      return vitParameters(spec);
    case 'pixel-mlp':
      return pixelMlpParameters(spec);
    default: {
      const kind = (spec as { kind?: unknown }).kind;
      throw new RangeError(
        `imageEncoderParameters: unknown encoder kind '${String(kind)}'; valid: ${IMAGE_ENCODER_KINDS.join(', ')}`,
      );
    }
  }
}
