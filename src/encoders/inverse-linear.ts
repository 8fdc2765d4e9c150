// The inverse-linear encoder of Paper A (high inductive bias for the linear process x = Wz + b):
// one learnable affine map and L2 normalisation, f(x) = normalize(A x + c). With A = W⁺ and
// c = −W⁺b it inverts the linear process exactly on S² (the reference's LinearEncoder,
// BosonicJustin/CLTheory encoders.py: nn.Linear then F.normalize).
import { Linear, Module } from '../nn/index.js';
import { F, scope, type Generator, type Tensor } from '../torch/index.js';
import { checkEncoderInput, checkPositiveInt } from './mlp-encoder.js';

export interface InverseLinearEncoderOptions {
  /** Data dimension (7 for Paper A's linear process S² → R⁷). */
  inDim: number;
  /** Embedding dimension; default 3. */
  outDim?: number;
  /** Learn the offset b (default true; Paper C's linear representation has none). */
  bias?: boolean;
  /** Source of the initial weights (PyTorch's nn.Linear default: weight, then bias). */
  gen: Generator;
}

/**
 * f(x) = normalize(x Wᵀ + b), W [outDim, inDim], b [outDim] learnable (child 'linear', so the
 * state-dict keys are `linear.weight`, `linear.bias`). Parameters: inDim·outDim + outDim.
 *
 * Shapes: x [n, inDim] (float32) → [n, outDim], rows of unit norm.
 *
 * @example
 * const f = new InverseLinearEncoder({ inDim: 7, gen: new Generator(0) });
 * f.forward(x).shape;   // [n, 3]
 */
export class InverseLinearEncoder extends Module {
  readonly inDim: number;
  readonly outDim: number;
  readonly linear: Linear;

  constructor(options: InverseLinearEncoderOptions) {
    super();
    const { inDim, outDim = 3, bias = true, gen } = options;
    checkPositiveInt('InverseLinearEncoder', 'inDim', inDim);
    checkPositiveInt('InverseLinearEncoder', 'outDim', outDim);
    this.inDim = inDim;
    this.outDim = outDim;
    this.linear = this.registerModule('linear', new Linear(inDim, outDim, gen, { bias }));
  }

  /** The live weight W [outDim, inDim]. */
  get weight(): Tensor {
    return this.linear.weight;
  }

  /** The live bias b [outDim]. */
  get bias(): Tensor {
    if (this.linear.bias === undefined) throw new Error('InverseLinearEncoder: built with bias: false');
    return this.linear.bias;
  }

  forward(x: Tensor): Tensor {
    checkEncoderInput('InverseLinearEncoder', x, this.inDim);
    return scope(() => F.normalize(this.linear.forward(x), 1));
  }
}
