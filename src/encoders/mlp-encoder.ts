// The MLP encoder of Paper A (low inductive bias): hidden blocks over the widths
// [128, 256, 256, 256, 128], a final Linear, and L2 normalisation onto the unit sphere (optional:
// cl-ica's box and R^k experiments use the raw output with an Lp-distance loss).
// Block order: papers.md says Linear → BatchNorm → ReLU, but the reference code behind the
// published numbers (CLTheory's SphericalEncoder) uses Linear → ReLU → BatchNorm, and the order
// matters: with BatchNorm before ReLU the spiral process sticks in a folded solution at R² ≈ 0.66
// (every seed, lr, batch and length tried), with the reference order it reaches R² ≈ 0.99. So the
// default is the reference order ('act-norm'); 'norm-act' is available.
import { mlp, Module, type Sequential } from '../nn/index.js';
import { F, scope, type Generator, type Tensor } from '../torch/index.js';

/**
 * Throws unless x is a 2-d batch [n, dim] of the module's dtype (float32 parameters need float32
 * input). Shared by the encoders (internal to src/encoders).
 * @internal
 */
export function checkEncoderInput(encoder: string, x: Tensor, dim: number, dtype = 'float32'): void {
  const shape = x.shape;
  if (shape.length !== 2 || shape[1] !== dim)
    throw new RangeError(`${encoder}: expects x of shape [n, ${dim}], got [${shape.join(', ')}]`);
  if (x.dtype !== dtype) throw new TypeError(`${encoder}: x must be ${dtype} (the parameters' dtype), got ${x.dtype}`);
}

/** Throws unless v is a positive integer (the message names the encoder and the option). */
export function checkPositiveInt(encoder: string, option: string, v: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new RangeError(`${encoder}: ${option} must be a positive integer, got ${String(v)}`);
}

export interface MlpEncoderOptions {
  /** Input (data) dimension. */
  inDim: number;
  /** Embedding dimension; default 3 (S²). */
  outDim?: number;
  /** Hidden widths; default Paper A's [128, 256, 256, 256, 128]. */
  hidden?: number[];
  /** A BatchNorm1d in each hidden block; default true. */
  batchNorm?: boolean;
  /** Block order: 'act-norm' (Linear → ReLU → BatchNorm, the reference; default) or 'norm-act'. */
  order?: 'act-norm' | 'norm-act';
  /** L2-normalise the output onto the unit sphere (default true); false for embeddings in R^d. */
  normalize?: boolean;
  /** Source of the initial weights (layer by layer, weight then bias, as nn.mlp). */
  gen: Generator;
}

/**
 * f(x) = normalize(MLP(x)): Paper A's low-inductive-bias encoder.
 *
 * The body is `nn.mlp` (child 'net', so state-dict keys are `net.0.weight`, `net.1.running_mean`,
 * …). Parameters: Σ over consecutive widths (a, b) of a·b + b, plus 2·h per hidden width h with
 * BatchNorm. BatchNorm makes the output depend on the batch in training mode; call `eval()` for
 * per-sample embeddings from the running statistics.
 *
 * Shapes: x [n, inDim] (float32) → [n, outDim], rows of unit norm.
 *
 * @example
 * const f = new MlpEncoder({ inDim: 7, gen: new Generator(0) });
 * f.forward(x).shape;   // [n, 3]
 */
export class MlpEncoder extends Module {
  readonly inDim: number;
  readonly outDim: number;
  readonly hidden: readonly number[];
  readonly batchNorm: boolean;
  readonly order: 'act-norm' | 'norm-act';
  readonly normalize: boolean;
  readonly net: Sequential;

  constructor(options: MlpEncoderOptions) {
    super();
    const {
      inDim,
      outDim = 3,
      hidden = [128, 256, 256, 256, 128],
      batchNorm = true,
      order = 'act-norm',
      normalize = true,
      gen,
    } = options;
    checkPositiveInt('MlpEncoder', 'inDim', inDim);
    checkPositiveInt('MlpEncoder', 'outDim', outDim);
    if (!Array.isArray(hidden)) throw new TypeError('MlpEncoder: hidden must be an array of layer widths');
    hidden.forEach((h, i) => checkPositiveInt('MlpEncoder', `hidden[${i}]`, h));
    this.inDim = inDim;
    this.outDim = outDim;
    this.hidden = [...hidden];
    this.batchNorm = batchNorm;
    this.order = order;
    this.normalize = normalize;
    this.net = this.registerModule('net', mlp({ inDim, hidden: [...hidden], outDim, batchNorm, order, gen }));
  }

  forward(x: Tensor): Tensor {
    checkEncoderInput('MlpEncoder', x, this.inDim);
    return this.normalize ? scope(() => F.normalize(this.net.forward(x), 1)) : this.net.forward(x);
  }
}
