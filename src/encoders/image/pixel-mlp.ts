// The low-inductive-bias image encoder of Paper A: an MLP on flattened pixels, L2-normalised.
import { mlp, type Sequential } from '../../nn/index.js';
import { scope, type Generator, type Tensor } from '../../torch/index.js';
import { NormalizedImageEncoder } from './base.js';
import { checkImageInput, checkPositiveInt, checkProjection, projectionHead, projectionParameters } from './checks.js';

export interface PixelMlpEncoderOptions {
  /** Image channels; default 3. */
  inChannels?: number;
  /** Square image size; default 32. */
  imageSize?: number;
  /** Hidden widths; default the paper-size [2048, 1024, 1024, 1024]. */
  hidden?: readonly number[];
  /** Embedding dimension; default 512. */
  embedDim?: number;
  /** Block order as MlpEncoder: 'act-norm' (Linear → ReLU → BatchNorm1d, default) or 'norm-act'. */
  order?: 'act-norm' | 'norm-act';
  /** Widths of an optional projection head after the embedding (Linear → ReLU → … → Linear). */
  projection?: readonly number[];
  /** Source of the initial weights (layer by layer, weight then bias). */
  gen: Generator;
}

/** The paper-size configuration: 11,025,920 parameters on 3×32×32 images. */
export const PIXEL_MLP_PAPER = {
  inChannels: 3,
  imageSize: 32,
  hidden: [2048, 1024, 1024, 1024],
  embedDim: 512,
} as const;
/** A small CPU configuration: hidden [512, 256], embedDim 128 (1,739,136 parameters on 3×32×32). */
export const PIXEL_MLP_CPU = { inChannels: 3, imageSize: 32, hidden: [512, 256], embedDim: 128 } as const;

/**
 * Parameter count of `new PixelMlpEncoder(options)`: with widths c·s², hidden…, embedDim,
 * Σ over consecutive widths (a, b) of a·b + b, plus 2·h per hidden width (BatchNorm1d), plus the
 * projection head Σ a·b + b. PIXEL_MLP_PAPER: 11,025,920.
 */
export function pixelMlpParameters(options: Omit<PixelMlpEncoderOptions, 'gen'> = {}): number {
  const {
    inChannels = 3,
    imageSize = 32,
    hidden = [...PIXEL_MLP_PAPER.hidden],
    embedDim = 512,
    projection = [],
  } = options;
  let n = 0;
  let a = inChannels * imageSize * imageSize;
  for (const h of hidden) {
    n += a * h + h + 2 * h;
    a = h;
  }
  return n + a * embedDim + embedDim + projectionParameters(embedDim, projection);
}

/**
 * f(x) = normalize(g(MLP(flatten(x)))): the pixel MLP.
 *
 * The body is `nn.mlp` over [c·s², ...hidden, embedDim] with a BatchNorm1d in every hidden block,
 * in MlpEncoder's default order Linear → ReLU → BatchNorm1d (child 'net'); then the optional
 * projection head and L2 normalisation. Initialisation: PyTorch's Linear default from `gen`.
 * BatchNorm needs more than one sample per batch in training mode; `eval()` gives per-sample
 * embeddings (a batch of 1 works).
 *
 * Shapes: x [n, inChannels, imageSize, imageSize] (float32) → [n, outDim] with outDim = the last
 * projection width, else embedDim; rows of unit norm.
 *
 * @example
 * const f = new PixelMlpEncoder({ hidden: [512, 256], embedDim: 128, gen: new Generator(0) });
 * f.forward(randn([8, 3, 32, 32], gen)).shape;   // [8, 128]
 */
export class PixelMlpEncoder extends NormalizedImageEncoder {
  readonly inChannels: number;
  readonly imageSize: number;
  readonly hidden: readonly number[];
  readonly embedDim: number;
  readonly projection: readonly number[];
  readonly outDim: number;
  readonly net: Sequential;
  readonly head: Sequential | undefined;

  constructor(options: PixelMlpEncoderOptions) {
    super();
    const E = 'PixelMlpEncoder';
    const {
      inChannels = 3,
      imageSize = 32,
      hidden = [...PIXEL_MLP_PAPER.hidden],
      embedDim = 512,
      order = 'act-norm',
      gen,
    } = options;
    checkPositiveInt(E, 'inChannels', inChannels);
    checkPositiveInt(E, 'imageSize', imageSize);
    checkPositiveInt(E, 'embedDim', embedDim);
    if (!Array.isArray(hidden)) throw new TypeError(`${E}: hidden must be an array of layer widths`);
    hidden.forEach((h, i) => checkPositiveInt(E, `hidden[${i}]`, h));
    const projection = checkProjection(E, options.projection);
    this.inChannels = inChannels;
    this.imageSize = imageSize;
    this.hidden = [...hidden];
    this.embedDim = embedDim;
    this.projection = projection;
    this.outDim = projection.length > 0 ? (projection[projection.length - 1] as number) : embedDim;
    this.net = this.registerModule(
      'net',
      mlp({
        inDim: inChannels * imageSize * imageSize,
        hidden: [...hidden],
        outDim: embedDim,
        batchNorm: true,
        order,
        gen,
      }),
    );
    const head = projectionHead(embedDim, projection, gen);
    this.head = head === undefined ? undefined : this.registerModule('head', head);
  }

  protected rawEmbedding(x: Tensor): Tensor {
    checkImageInput('PixelMlpEncoder', x, this.inChannels, this.imageSize, this.imageSize);
    return scope(() => this.net.forward(x.flatten(1)));
  }
}
