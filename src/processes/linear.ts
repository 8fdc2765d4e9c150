// The linear process of Paper A's synthetic setup: x = W z + b, S² → R⁷ by default, W of full
// column rank. Construction after the reference code (BosonicJustin/CLTheory, data/generation.py,
// InjectiveLinearDecoder): the top inDim×inDim block of W is diagonal with uniform entries, the
// remaining outDim−inDim rows are standard normal; b is nn.Linear's default bias there.
import { cat, F, linalg, normal, scope, uniform, zeros, type Generator, type Tensor } from '../torch/index.js';
import { checkFinite, checkInput, checkInteger, FrozenTensor } from './common.js';
import type { Process } from './types.js';

/**
 * How b is drawn. 'uniform': U(−1/√inDim, 1/√inDim), PyTorch's nn.Linear default, which is what the
 * reference code leaves in place (it overwrites only the weight); 'normal': N(0, 1); 'zero': b = 0.
 */
export type LinearBias = 'uniform' | 'normal' | 'zero';

export interface LinearOptions {
  /** Latent dimension k (z ∈ R^k); default 3. */
  inDim?: number;
  /** Output dimension, ≥ inDim; default 7 (Paper A: S² → R⁷). */
  outDim?: number;
  /**
   * Range [low, high) of the uniform diagonal of W's top block. Default [0.5, 1.5) **(ours)**: the
   * reference draws U(0, 1) (torch.rand), whose entries can come arbitrarily close to 0 and make
   * the top block ill conditioned; a range bounded away from 0 keeps every latent axis visible in
   * the first inDim outputs. Pass [0, 1] to follow the reference exactly.
   */
  diagonalRange?: [number, number];
  /** How b is drawn; default 'uniform' (as in the reference). */
  bias?: LinearBias;
}

/**
 * x = W z + b with W [outDim, inDim] of rank inDim (Paper A, "linear S²→R⁷").
 *
 * Draw order from `gen` (float64): the inDim diagonal entries, then the (outDim−inDim)×inDim
 * Gaussian rows (row-major), then b. The same generator state gives the same process.
 *
 * @example
 * const g = new LinearProcess(new Generator(0));          // R³ → R⁷
 * const x = g.apply(F.normalize(randn([100, 3], gen), 1)); // [100, 7]
 */
export class LinearProcess implements Process {
  readonly name = 'linear';
  readonly inDim: number;
  readonly outDim: number;
  readonly biasKind: LinearBias;
  readonly #weight: FrozenTensor;
  readonly #bias: FrozenTensor;
  /** W⁺ (Moore–Penrose pseudo-inverse, [inDim, outDim]): a left inverse since W has full column rank. */
  readonly #pinv: FrozenTensor;

  constructor(gen: Generator, options: LinearOptions = {}) {
    const inDim = options.inDim ?? 3;
    const outDim = options.outDim ?? 7;
    const [low, high] = options.diagonalRange ?? [0.5, 1.5];
    const biasKind = options.bias ?? 'uniform';
    checkInteger('linear', 'inDim', inDim, 1);
    checkInteger('linear', 'outDim', outDim, 1);
    if (outDim < inDim)
      throw new RangeError(`linear: outDim must be ≥ inDim (${inDim}) for W to have full column rank, got ${outDim}`);
    checkFinite('linear', 'diagonalRange[0]', low);
    checkFinite('linear', 'diagonalRange[1]', high);
    if (!(high >= low)) throw new RangeError(`linear: diagonalRange must satisfy low ≤ high, got [${low}, ${high}]`);
    if (!['uniform', 'normal', 'zero'].includes(biasKind))
      throw new RangeError(`linear: bias must be one of 'uniform', 'normal', 'zero', got '${String(biasKind)}'`);
    this.inDim = inDim;
    this.outDim = outDim;
    this.biasKind = biasKind;

    const { weight, bias, pinv } = scope(() => {
      const top = uniform(low, high, [inDim], gen, 'float64').diag();
      const w = outDim > inDim ? cat([top, normal(0, 1, [outDim - inDim, inDim], gen, 'float64')], 0) : top;
      const bound = 1 / Math.sqrt(inDim);
      const b =
        biasKind === 'uniform'
          ? uniform(-bound, bound, [outDim], gen, 'float64')
          : biasKind === 'normal'
            ? normal(0, 1, [outDim], gen, 'float64')
            : zeros([outDim], 'float64');
      // Rank check as torch.linalg.matrix_rank: σ_min > σ_max · max(m, n) · ε(float64).
      const s = linalg.svd(w).S.toArray();
      const sMax = s[0] ?? 0;
      const sMin = s[s.length - 1] ?? 0;
      if (!(sMin > sMax * Math.max(outDim, inDim) * Number.EPSILON))
        throw new Error(
          `linear: the drawn W [${outDim}, ${inDim}] is rank-deficient (singular values ${s.join(', ')})`,
        );
      return { weight: w, bias: b, pinv: linalg.pinv(w) };
    });
    this.#weight = new FrozenTensor(weight);
    this.#bias = new FrozenTensor(bias);
    this.#pinv = new FrozenTensor(pinv);
  }

  /** A float64 copy of W [outDim, inDim] (the caller owns it). */
  get weight(): Tensor {
    return this.#weight.copy();
  }

  /** A float64 copy of b [outDim] (the caller owns it). */
  get bias(): Tensor {
    return this.#bias.copy();
  }

  /** x = z Wᵀ + b, row-wise; z [..., inDim] → x [..., outDim] in z's dtype. */
  apply(z: Tensor): Tensor {
    const dtype = checkInput(this.name, z, this.inDim);
    return F.linear(z, this.#weight.as(dtype), this.#bias.as(dtype));
  }

  /**
   * z = W⁺ (x − b): the exact inverse on the image of g (W has full column rank), and the
   * least-squares preimage elsewhere. x [..., outDim] → z [..., inDim].
   */
  inverse(x: Tensor): Tensor {
    const dtype = checkInput(this.name, x, this.outDim, undefined, 'x');
    return scope(() => F.linear(x.sub(this.#bias.as(dtype)), this.#pinv.as(dtype)));
  }

  dispose(): void {
    this.#weight.dispose();
    this.#bias.dispose();
    this.#pinv.dispose();
  }
}
