// A Vision Transformer for small images (Paper A's ViT with 4×4 patches): patch embedding,
// class token and learnable position embedding, pre-norm transformer blocks, final LayerNorm,
// the class token → Linear to the embedding, optional projection head, L2 normalisation.
import { Conv2d, GELU, LayerNorm, Linear, Module, Sequential, init } from '../../nn/index.js';
import { F, matmul, scope, zeros, empty, cat, type Generator, type Tensor } from '../../torch/index.js';
import { NormalizedImageEncoder } from './base.js';
import { checkImageInput, checkPositiveInt, checkProjection, projectionHead, projectionParameters } from './checks.js';

export interface ViTEncoderOptions {
  /** Square image size; default 32. */
  imageSize?: number;
  /** Square patch size (imageSize must be divisible by it); default 4. */
  patch?: number;
  /** Image channels; default 3. */
  inChannels?: number;
  /** Token width. */
  dim: number;
  /** Number of transformer blocks. */
  depth: number;
  /** Attention heads (dim must be divisible by it). */
  heads: number;
  /** MLP hidden width = mlpRatio·dim; default 4. */
  mlpRatio?: number;
  /** Embedding dimension; default 512. */
  embedDim?: number;
  /** Widths of an optional projection head after the embedding (Linear → ReLU → … → Linear). */
  projection?: readonly number[];
  /** Source of the initial weights (modules in registration order). */
  gen: Generator;
}

/** The paper-size configuration: 10,888,832 parameters (dim 384, depth 6, heads 6, 4×4 patches on 32×32). */
export const VIT_PAPER = {
  imageSize: 32,
  patch: 4,
  inChannels: 3,
  dim: 384,
  depth: 6,
  heads: 6,
  mlpRatio: 4,
  embedDim: 512,
} as const;
/** A small CPU configuration: dim 64, depth 4, heads 4, embedDim 128 (215,744 parameters). */
export const VIT_CPU = {
  imageSize: 32,
  patch: 4,
  inChannels: 3,
  dim: 64,
  depth: 4,
  heads: 4,
  mlpRatio: 4,
  embedDim: 128,
} as const;

/**
 * Multi-head self-attention: qkv = Linear(dim, 3·dim); per head softmax(q·kᵀ/√dh)·v; out =
 * Linear(dim, dim). Written with matmul/softmax (libtorch 1.13 has no fused attention).
 *
 * Shapes: x [N, T, dim] → [N, T, dim].
 */
export class SelfAttention extends Module {
  readonly dim: number;
  readonly heads: number;
  readonly qkv: Linear;
  readonly proj: Linear;

  constructor(dim: number, heads: number, gen: Generator) {
    super();
    this.dim = dim;
    this.heads = heads;
    this.qkv = this.registerModule('qkv', new Linear(dim, 3 * dim, gen));
    this.proj = this.registerModule('proj', new Linear(dim, dim, gen));
  }

  forward(x: Tensor): Tensor {
    return scope(() => {
      const [n, t] = x.shape as [number, number, number];
      const dh = this.dim / this.heads;
      // [N, T, 3, heads, dh] → [3, N, heads, T, dh]
      const qkv = this.qkv.forward(x).reshape(n, t, 3, this.heads, dh).permute(2, 0, 3, 1, 4);
      const [q, k, v] = qkv.unbind(0) as [Tensor, Tensor, Tensor];
      const attn = F.softmax(matmul(q, k.transpose(-2, -1)).mul(1 / Math.sqrt(dh)), -1);
      const out = matmul(attn, v).transpose(1, 2).reshape(n, t, this.dim);
      return this.proj.forward(out);
    });
  }
}

/**
 * Pre-norm transformer block: x + attn(LN(x)), then x + mlp(LN(x)) with mlp = Linear(dim,
 * hidden) → GELU → Linear(hidden, dim).
 *
 * Shapes: x [N, T, dim] → [N, T, dim].
 */
export class TransformerBlock extends Module {
  readonly norm1: LayerNorm;
  readonly attn: SelfAttention;
  readonly norm2: LayerNorm;
  readonly mlp: Sequential;

  constructor(dim: number, heads: number, hidden: number, gen: Generator) {
    super();
    this.norm1 = this.registerModule('norm1', new LayerNorm(dim));
    this.attn = this.registerModule('attn', new SelfAttention(dim, heads, gen));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dim));
    this.mlp = this.registerModule(
      'mlp',
      new Sequential(new Linear(dim, hidden, gen), new GELU(), new Linear(hidden, dim, gen)),
    );
  }

  forward(x: Tensor): Tensor {
    return scope(() => {
      const h = x.add(this.attn.forward(this.norm1.forward(x)));
      return h.add(this.mlp.forward(this.norm2.forward(h)));
    });
  }
}

/**
 * Parameter count of `new ViTEncoder(options)`, with T = (imageSize/patch)², hidden = mlpRatio·dim:
 * patch embedding c·p²·d + d; class token d; position embedding (T + 1)·d; per block
 * 4d (two LayerNorms) + 3d² + 3d (qkv) + d² + d (proj) + 2·d·hidden + hidden + d (MLP);
 * final LayerNorm 2d; head d·e + e; the projection head Σ a·b + b.
 * VIT_PAPER: 10,888,832.
 */
export function vitParameters(options: Omit<ViTEncoderOptions, 'gen'>): number {
  const {
    imageSize = 32,
    patch = 4,
    inChannels: c = 3,
    dim: d,
    depth,
    mlpRatio = 4,
    embedDim: e = 512,
    projection = [],
  } = options;
  const tokens = (imageSize / patch) ** 2;
  const hidden = Math.round(mlpRatio * d);
  const block = 4 * d + 3 * d * d + 3 * d + d * d + d + 2 * d * hidden + hidden + d;
  return (
    c * patch * patch * d +
    d +
    d +
    (tokens + 1) * d +
    depth * block +
    2 * d +
    d * e +
    e +
    projectionParameters(e, projection)
  );
}

/**
 * f(x) = normalize(g(head(LN(blocks([cls; patches(x)] + pos))[:, 0]))): a ViT.
 *
 * Patch embedding: Conv2d(inChannels, dim, kernel = stride = patch) → T = (imageSize/patch)²
 * tokens; a learnable class token is prepended and a learnable position embedding [1, T + 1, dim]
 * added; `depth` pre-norm blocks (LayerNorm → multi-head self-attention → residual; LayerNorm →
 * MLP with GELU → residual); final LayerNorm; the class token → Linear(dim, embedDim); optional
 * projection head; L2 normalisation. No dropout.
 *
 * Initialisation: Conv2d, Linear and LayerNorm use the src/nn (PyTorch module) defaults; the class
 * token starts at zero and the position embedding at N(0, 0.02²) as in torchvision's ViT; all
 * drawn from `gen` in registration order. There is no BatchNorm, so outputs are per sample in
 * both training and evaluation mode.
 *
 * Shapes: x [n, inChannels, imageSize, imageSize] (float32) → [n, outDim] with outDim = the last
 * projection width, else embedDim; rows of unit norm.
 *
 * @example
 * const f = new ViTEncoder({ dim: 64, depth: 4, heads: 4, embedDim: 128, gen: new Generator(0) });
 * f.forward(randn([8, 3, 32, 32], gen)).shape;   // [8, 128]
 */
export class ViTEncoder extends NormalizedImageEncoder {
  readonly imageSize: number;
  readonly patch: number;
  readonly inChannels: number;
  readonly dim: number;
  readonly depth: number;
  readonly heads: number;
  readonly mlpHidden: number;
  readonly embedDim: number;
  readonly projection: readonly number[];
  readonly outDim: number;
  readonly numTokens: number;
  readonly classToken: Tensor;
  readonly posEmbedding: Tensor;
  readonly patchEmbed: Conv2d;
  readonly blocks: Sequential;
  readonly norm: LayerNorm;
  readonly fc: Linear;
  readonly head: Sequential | undefined;

  constructor(options: ViTEncoderOptions) {
    super();
    const E = 'ViTEncoder';
    const { imageSize = 32, patch = 4, inChannels = 3, dim, depth, heads, mlpRatio = 4, embedDim = 512, gen } = options;
    checkPositiveInt(E, 'imageSize', imageSize);
    checkPositiveInt(E, 'patch', patch);
    checkPositiveInt(E, 'inChannels', inChannels);
    checkPositiveInt(E, 'dim', dim);
    checkPositiveInt(E, 'depth', depth);
    checkPositiveInt(E, 'heads', heads);
    checkPositiveInt(E, 'embedDim', embedDim);
    if (typeof mlpRatio !== 'number' || !(mlpRatio > 0) || !Number.isInteger(mlpRatio * dim))
      throw new RangeError(`${E}: mlpRatio must be positive with mlpRatio·dim an integer, got ${String(mlpRatio)}`);
    if (imageSize % patch !== 0)
      throw new RangeError(`${E}: imageSize (${imageSize}) must be divisible by patch (${patch})`);
    if (dim % heads !== 0) throw new RangeError(`${E}: dim (${dim}) must be divisible by heads (${heads})`);
    const projection = checkProjection(E, options.projection);
    this.imageSize = imageSize;
    this.patch = patch;
    this.inChannels = inChannels;
    this.dim = dim;
    this.depth = depth;
    this.heads = heads;
    this.mlpHidden = mlpRatio * dim;
    this.embedDim = embedDim;
    this.projection = projection;
    this.outDim = projection.length > 0 ? (projection[projection.length - 1] as number) : embedDim;
    this.numTokens = (imageSize / patch) ** 2;
    this.classToken = this.registerParameter('class_token', zeros([1, 1, dim]));
    this.posEmbedding = this.registerParameter(
      'pos_embedding',
      init.normal_(empty([1, this.numTokens + 1, dim]), 0, 0.02, gen),
    );
    this.patchEmbed = this.registerModule('patch_embed', new Conv2d(inChannels, dim, patch, gen, { stride: patch }));
    const blocks = new Sequential();
    for (let i = 0; i < depth; i++) blocks.append(new TransformerBlock(dim, heads, this.mlpHidden, gen));
    this.blocks = this.registerModule('blocks', blocks);
    this.norm = this.registerModule('norm', new LayerNorm(dim));
    this.fc = this.registerModule('fc', new Linear(dim, embedDim, gen));
    const head = projectionHead(embedDim, projection, gen);
    this.head = head === undefined ? undefined : this.registerModule('head', head);
  }

  /** The final class-token features [n, dim] (after the last LayerNorm, before fc). */
  features(x: Tensor): Tensor {
    checkImageInput('ViTEncoder', x, this.inChannels, this.imageSize, this.imageSize);
    return scope(() => {
      const n = x.shape[0] as number;
      const tokens = this.patchEmbed.forward(x).flatten(2).transpose(1, 2); // [n, T, dim]
      const h = cat([this.classToken.expand(n, 1, this.dim), tokens], 1).add(this.posEmbedding);
      return this.norm.forward(this.blocks.forward(h)).select(1, 0);
    });
  }

  protected rawEmbedding(x: Tensor): Tensor {
    return scope(() => this.fc.forward(this.features(x)));
  }
}
