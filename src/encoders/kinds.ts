// The encoders a spec can declare (`encoder: { kind: … }`). Every encoder maps a batch of model
// inputs [n, ...inputShape] to L2-normalised embeddings [n, d]; image encoders also expose
// `embed` (the representation before a projection head, which probes and metrics read).
import { z } from 'zod';
import type { Module } from '../nn/index.js';
import { defineKind, positiveInt, variant, type ConfigOf } from '../registry/kind.js';
import type { Generator, Tensor } from '../torch/index.js';
import { createImageEncoder, imageEncoderPreset, type ImageEncoderKind } from './image/index.js';
import { InverseLinearEncoder } from './inverse-linear.js';
import { InversePatchesEncoder } from './inverse-patches.js';
import { InverseSpiralEncoder } from './inverse-spiral.js';
import { MlpEncoder } from './mlp-encoder.js';
import { TableEncoder } from './table.js';

/** A trainable encoder: forward gives the training output, embed (when present) the representation. */
export type Encoder = Module & { forward(x: Tensor): Tensor; embed?(x: Tensor): Tensor };

export interface EncoderContext {
  /** Shape of one input, e.g. [7] or [3, 32, 32]. */
  inputShape: readonly number[];
  /** The data's latent dimension, the default embedding size of the synthetic encoders. */
  latentDim?: number;
  /** The data's number of training instances (a finite set; the 'table' encoder's 2n rows). */
  size?: number;
  gen: Generator;
}

const flatDim = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function outDimOf(kind: string, outDim: number | undefined, ctx: EncoderContext): number {
  const d = outDim ?? ctx.latentDim;
  if (d === undefined)
    throw new RangeError(`encoder '${kind}': the data has no latents to size the embedding; set encoder.outDim`);
  return d;
}

function requireVector(kind: string, ctx: EncoderContext): number {
  if (ctx.inputShape.length !== 1)
    throw new RangeError(
      `encoder '${kind}' takes vectors; this data's inputs have shape [${ctx.inputShape.join(', ')}] (use resnet18, vit or pixel-mlp for images)`,
    );
  return ctx.inputShape[0]!;
}

function requireImages(kind: string, ctx: EncoderContext): [number, number] {
  const [c, h, w] = ctx.inputShape;
  if (ctx.inputShape.length !== 3 || h !== w)
    throw new RangeError(
      `encoder '${kind}' takes square images [C, H, W]; this data's inputs have shape [${ctx.inputShape.join(', ')}]`,
    );
  return [c!, h!];
}

const optionalOutDim = positiveInt('outDim').optional();
const widths = z.array(positiveInt('width'));

/** The settings an image encoder's create receives (its schema's output). */
interface ImageSettings {
  size: 'cpu' | 'paper';
  outDim?: number | undefined;
  projection?: number[] | undefined;
  width?: number | undefined;
  hidden?: number[] | undefined;
}

/** A problem with one setting: its name and the message. */
type SettingIssue = { path: string; message: string };

/** The width settings `kind` would silently ignore (each architecture reads one of width and hidden). */
function misplacedWidths(kind: ImageEncoderKind, c: ImageSettings): SettingIssue[] {
  const issues: SettingIssue[] = [];
  if (c.width !== undefined && kind === 'pixel-mlp')
    issues.push({ path: 'width', message: "encoder 'pixel-mlp' has no width; set encoder.hidden" });
  if (c.hidden !== undefined && kind !== 'pixel-mlp')
    issues.push({ path: 'hidden', message: `encoder '${kind}' has no hidden widths; set encoder.width` });
  return issues;
}

/** A ViT width its attention heads can't share, as an issue (none for other kinds). */
function vitWidthIssues(kind: ImageEncoderKind, c: ImageSettings): SettingIssue[] {
  // The ViT splits its model dimension over its attention heads.
  const heads = kind === 'vit' ? (imageEncoderPreset('vit', c.size) as { heads: number }).heads : undefined;
  if (heads === undefined || c.width === undefined || c.width % heads === 0) return [];
  return [
    {
      path: 'width',
      message: `encoder 'vit' (size ${c.size}) has ${heads} heads: width must be a multiple of ${heads}, got ${c.width}`,
    },
  ];
}

/** The settings schema of image encoder `kind`, refined with the width checks. */
function imageSchema<K extends ImageEncoderKind>(kind: K) {
  return variant(kind, {
    /** Named widths: 'cpu' (small) or 'paper' (~11M parameters, 512-d). */
    size: z.enum(['cpu', 'paper']).default('cpu'),
    /**
     * With several data-parallel ranks (`clab run --nproc`), BatchNorm statistics over every rank's
     * batch together (torch.nn.SyncBatchNorm) instead of each rank's share. No effect in one process.
     */
    syncBatchNorm: z.boolean().optional(),
    /** Embedding dimension (default: the size's, 128 or 512). */
    outDim: optionalOutDim,
    /** Widths of a projection head after the embedding (SimCLR's g); losses see its output. */
    projection: widths.optional(),
    /** resnet18: base channel width (cpu 16, paper 64); vit: model dimension, a multiple of the heads (cpu 64, paper 384). Default: the size's. */
    width: positiveInt('width').optional(),
    /** pixel-mlp: hidden widths (cpu [512, 256]). Default: the size's. */
    hidden: widths.optional(),
  }).superRefine((c, ctx) => {
    for (const { path, message } of [...misplacedWidths(kind, c), ...vitWidthIssues(kind, c)])
      ctx.addIssue({ code: 'custom', path: [path], message });
  });
}

/** The preset's fields that the data and the settings replace (channels, image size, embedDim, …). */
function presetOverrides(
  kind: ImageEncoderKind,
  c: ImageSettings,
  channels: number,
  side: number,
): Record<string, unknown> {
  const overrides: Record<string, unknown> = { inChannels: channels, imageSize: side };
  if (c.outDim !== undefined) overrides['embedDim'] = c.outDim;
  if (c.projection !== undefined) overrides['projection'] = c.projection;
  if (c.width !== undefined) overrides[kind === 'vit' ? 'dim' : 'width'] = c.width;
  if (c.hidden !== undefined) overrides['hidden'] = c.hidden;
  return overrides;
}

/** The image encoder `kind` for the data's square images; settings that bypassed the schema are checked again. */
function createImageKind(kind: ImageEncoderKind, c: ImageSettings, ctx: EncoderContext): Encoder {
  const [channels, side] = requireImages(kind, ctx);
  const [misplaced] = misplacedWidths(kind, c);
  if (misplaced !== undefined) throw new RangeError(misplaced.message);
  return createImageEncoder(imageEncoderPreset(kind, c.size, presetOverrides(kind, c, channels, side)), ctx.gen);
}

/** The registry entry of image encoder `kind`. */
function imageKind<K extends ImageEncoderKind>(kind: K, summary: string) {
  return defineKind({
    schema: imageSchema(kind),
    summary,
    example: { kind } as never,
    accepts: 'images',
    create: (c: ImageSettings, ctx: EncoderContext): Encoder => createImageKind(kind, c, ctx),
  });
}

export const encoderKinds = {
  mlp: defineKind({
    schema: variant('mlp', {
      hidden: widths.default([128, 256, 256, 256, 128]),
      batchNorm: z.boolean().default(true),
      /**
       * With several data-parallel ranks (`clab run --nproc`), BatchNorm statistics over every rank's
       * batch together (torch.nn.SyncBatchNorm) instead of each rank's share. No effect in one process.
       */
      syncBatchNorm: z.boolean().optional(),
      /** Hidden block order; 'act-norm' (Linear → ReLU → BatchNorm) is the reference code's. */
      order: z.enum(['act-norm', 'norm-act']).default('act-norm'),
      outDim: optionalOutDim,
      /**
       * L2-normalise the output (absent: true, Paper A). false for losses on unnormalised embeddings
       * (lp-infonce). Optional without a default so that existing specs resolve, and key, unchanged.
       */
      normalize: z.boolean().optional(),
    }),
    summary: "MLP with L2-normalised output (Paper A's low-inductive-bias encoder); normalize: false for R^k",
    example: { kind: 'mlp', hidden: [8] },
    accepts: 'vectors',
    create: (c, ctx: EncoderContext): Encoder =>
      new MlpEncoder({
        inDim: requireVector('mlp', ctx),
        outDim: outDimOf('mlp', c.outDim, ctx),
        hidden: c.hidden,
        batchNorm: c.batchNorm,
        order: c.order,
        normalize: c.normalize ?? true,
        gen: ctx.gen,
      }),
  }),
  linear: defineKind({
    schema: variant('linear', { bias: z.boolean().default(true), outDim: optionalOutDim }),
    summary: 'normalize(Wx + b): one learnable linear map',
    example: { kind: 'linear' },
    accepts: 'vectors',
    create: (c, ctx: EncoderContext): Encoder =>
      new InverseLinearEncoder({
        inDim: requireVector('linear', ctx),
        outDim: outDimOf('linear', c.outDim, ctx),
        bias: c.bias,
        gen: ctx.gen,
      }),
  }),
  'inverse-linear': defineKind({
    schema: variant('inverse-linear', {}),
    summary: "normalize(Wx + b), the linear process's inverse (Paper A's high-inductive-bias encoder)",
    example: { kind: 'inverse-linear' },
    accepts: 'vectors',
    create: (_c, ctx: EncoderContext): Encoder =>
      new InverseLinearEncoder({
        inDim: requireVector('inverse-linear', ctx),
        outDim: outDimOf('inverse-linear', undefined, ctx),
        gen: ctx.gen,
      }),
  }),
  'inverse-spiral': defineKind({
    schema: variant('inverse-spiral', { turns: z.number().default(2) }),
    summary: 'learned inverse of the spiral process (S² only)',
    example: { kind: 'inverse-spiral' },
    accepts: 'vectors',
    create: (c, ctx: EncoderContext): Encoder => (
      requireVector('inverse-spiral', ctx),
      new InverseSpiralEncoder({ turns: c.turns, gen: ctx.gen })
    ),
  }),
  'inverse-patches': defineKind({
    schema: variant('inverse-patches', { slices: positiveInt('slices').default(4) }),
    summary: 'learned soft inverse of the patches process (S² only)',
    example: { kind: 'inverse-patches' },
    accepts: 'vectors',
    create: (c, ctx: EncoderContext): Encoder => (
      requireVector('inverse-patches', ctx),
      new InversePatchesEncoder({ slices: c.slices, gen: ctx.gen })
    ),
  }),
  resnet18: imageKind('resnet18', 'CIFAR ResNet-18 (3×3 stem, no max-pool)'),
  vit: imageKind('vit', 'Vision Transformer on 4×4 patches'),
  'pixel-mlp': imageKind('pixel-mlp', 'MLP on flattened pixels'),
  table: defineKind({
    schema: variant('table', {
      /** Embedding dimension (default: the number of instances n, Paper B's d = n). */
      outDim: optionalOutDim,
      /** float64 checks Thm 5.1's optimum to ~1e-12; float32 to ~1e-7. */
      dtype: z.enum(['float32', 'float64']).default('float32'),
    }),
    summary:
      "free embedding table: 2n L2-normalised rows u_i (row i) and v_i (row n + i), N(0, 1) init (Paper B's free embeddings; data 'free-embeddings')",
    example: { kind: 'table' },
    accepts: 'indices',
    create: (c, ctx: EncoderContext): Encoder => {
      if (ctx.inputShape.length !== 0)
        throw new RangeError(
          `encoder 'table' takes instance indices (data 'free-embeddings'); this data's inputs have shape [${ctx.inputShape.join(', ')}]`,
        );
      if (ctx.size === undefined)
        throw new RangeError("encoder 'table' needs the data's number of instances (data 'free-embeddings')");
      return new TableEncoder({ rows: 2 * ctx.size, dim: c.outDim ?? ctx.size, dtype: c.dtype, gen: ctx.gen });
    },
  }),
};

/** Encoders that invert one process (the identity is the linear map W = I). */
export const INVERSE_OF: Readonly<Record<string, readonly string[]>> = {
  'inverse-linear': ['linear', 'identity'],
  'inverse-spiral': ['spiral'],
  'inverse-patches': ['patches'],
};

/** Encoders whose embedding size defaults to the data's latent dimension (encoder.outDim otherwise). */
export const SIZED_BY_LATENTS: readonly string[] = ['mlp', 'linear', 'inverse-linear'];

export type EncoderConfig = ConfigOf<typeof encoderKinds>;
export { flatDim };
