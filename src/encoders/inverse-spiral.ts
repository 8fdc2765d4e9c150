// The inverse-spiral encoder of Paper A (high inductive bias for the spiral process
// x = (R(nπ z₃)(z₁, z₂), z₃)): a small MLP predicts the height c from x, (x₁, x₂) is rotated back
// by −nπc, and the embedding is normalize(rotated₁, rotated₂, c). Mirrors the reference's
// InverseSpiralEncoder (BosonicJustin/CLTheory, encoders): predictor Linear(3, 64) → ReLU →
// Linear(64, 32) → ReLU → Linear(32, 1). Differences **(ours)**: c passes through tanh by default
// (so it stays in [−1, 1] like z₃; `boundC: false` gives the reference's unbounded c), and the
// input/output are fixed to 3 dimensions (the reference's optional final Linear only exists when
// they differ, which never happens for the spiral).
import { mlp, Module, type Sequential } from '../nn/index.js';
import { F, scope, stack, type Generator, type Tensor } from '../torch/index.js';
import { checkEncoderInput, checkPositiveInt } from './mlp-encoder.js';

export interface InverseSpiralEncoderOptions {
  /** n in θ = nπ·c; default 2 (must match the SpiralProcess's turns). */
  turns?: number;
  /** Hidden widths of the c predictor (3 Linear layers by default); default [64, 32]. */
  hidden?: number[];
  /** Pass the predicted c through tanh; default true. */
  boundC?: boolean;
  /** Source of the initial weights. */
  gen: Generator;
}

/**
 * f(x) = normalize(R(−nπ c(x))(x₁, x₂), c(x)) with c a learnable MLP (child 'predictor', no
 * BatchNorm). With c(x) = x₃ this is exactly SpiralProcess.inverse (see `forwardWithC`).
 *
 * Shapes: x [n, 3] (float32) → [n, 3], rows of unit norm.
 *
 * @example
 * const f = new InverseSpiralEncoder({ gen: new Generator(0) });
 * f.forward(x).shape;                         // [n, 3]
 * f.forwardWithC(x, x.select(1, 2));          // = SpiralProcess.inverse(x) on S²
 */
export class InverseSpiralEncoder extends Module {
  readonly inDim = 3;
  readonly outDim = 3;
  readonly turns: number;
  readonly hidden: readonly number[];
  readonly boundC: boolean;
  readonly predictor: Sequential;

  constructor(options: InverseSpiralEncoderOptions) {
    super();
    const { turns = 2, hidden = [64, 32], boundC = true, gen } = options;
    if (typeof turns !== 'number' || !Number.isFinite(turns))
      throw new RangeError(`InverseSpiralEncoder: turns must be a finite number, got ${String(turns)}`);
    if (!Array.isArray(hidden)) throw new TypeError('InverseSpiralEncoder: hidden must be an array of layer widths');
    hidden.forEach((h, i) => checkPositiveInt('InverseSpiralEncoder', `hidden[${i}]`, h));
    this.turns = turns;
    this.hidden = [...hidden];
    this.boundC = boundC;
    this.predictor = this.registerModule(
      'predictor',
      mlp({ inDim: 3, hidden: [...hidden], outDim: 1, batchNorm: false, gen }),
    );
  }

  /** The predicted height c [n] of each row of x [n, 3] (through tanh when `boundC`). */
  predictC(x: Tensor): Tensor {
    checkEncoderInput('InverseSpiralEncoder', x, 3);
    return scope(() => {
      const c = this.predictor.forward(x).squeeze(1);
      return this.boundC ? c.tanh() : c;
    });
  }

  /**
   * The encoder's map with a given height c [n] instead of the predicted one:
   * normalize(R(−nπc)(x₁, x₂), c). Any float dtype (no parameters are involved); c = x₃ gives
   * SpiralProcess.inverse(x).
   */
  forwardWithC(x: Tensor, c: Tensor): Tensor {
    const shape = x.shape;
    if (shape.length !== 2 || shape[1] !== 3)
      throw new RangeError(`InverseSpiralEncoder: expects x of shape [n, 3], got [${shape.join(', ')}]`);
    if (c.shape.length !== 1 || c.shape[0] !== shape[0])
      throw new RangeError(`InverseSpiralEncoder: expects c of shape [${shape[0]}], got [${c.shape.join(', ')}]`);
    return scope(() => {
      const [x1, x2] = x.unbind(1) as [Tensor, Tensor, Tensor];
      const theta = c.mul(-this.turns * Math.PI);
      const cos = theta.cos();
      const sin = theta.sin();
      return F.normalize(stack([cos.mul(x1).sub(sin.mul(x2)), sin.mul(x1).add(cos.mul(x2)), c], 1), 1);
    });
  }

  forward(x: Tensor): Tensor {
    return scope(() => this.forwardWithC(x, this.predictC(x)));
  }
}
