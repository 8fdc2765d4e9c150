// The invertible-MLP process of Paper A's synthetic setup, built as in cl-ica (Zimmermann et al.
// 2021; brendel-group/cl-ica, invertible_network_utils.py, construct_invertible_mlp with
// weight_matrix_init "pcl", after Hyvärinen's PCL mixing code):
//  - `layers` square linear layers of width dim, no bias, LeakyReLU(0.2) between consecutive
//    layers (none after the last);
//  - each weight has entries U(−1, 1) and is then L2-normalised column by column;
//  - a condition-number threshold is first calibrated as the `condQuantile` quantile (cl-ica: 0.25)
//    of the condition numbers of `condPool` (cl-ica: 10 000) such random matrices, and every layer
//    is redrawn until its condition number is ≤ that threshold.
// Everything is drawn from the Generator given to the constructor (cl-ica uses NumPy's global
// stream), in float64; apply runs in the dtype of its input.
import { F, linalg, scope, uniform, where, type Generator, type Tensor } from '../torch/index.js';
import { checkFinite, checkInput, checkInteger, FrozenTensor } from './common.js';
import type { Process } from './types.js';

export interface InvertibleMlpOptions {
  /** Width = latent dimension k (input and output); default 3. */
  dim?: number;
  /** Number of linear layers (≥ 1); default 3 (Paper A). */
  layers?: number;
  /** LeakyReLU slope between layers, > 0 so that it is invertible (1 makes the MLP linear); default 0.2 (cl-ica). */
  negativeSlope?: number;
  /** Size of the pool of random matrices calibrating the threshold; default 10 000 (cl-ica). */
  condPool?: number;
  /** Quantile of the pool's condition numbers used as threshold, in [0, 1); default 0.25 (cl-ica). */
  condQuantile?: number;
  /** A fixed condition-number threshold (≥ 1) instead of the calibrated one. */
  condThreshold?: number;
  /** Give up after this many redraws of one layer; default 10 000. */
  maxAttempts?: number;
}

/** One cl-ica weight draw: U(−1, 1) entries, each column scaled to unit L2 norm. [..., n, n]. */
function drawWeights(shape: number[], gen: Generator): Tensor {
  return scope(() => {
    const a = uniform(-1, 1, shape, gen, 'float64');
    return a.div(a.norm(2, -2, true));
  });
}

/** 2-norm condition numbers σ_max / σ_min of square matrices [..., n, n]. */
function conditionNumbers(a: Tensor): number[] {
  return scope(() => {
    const s = linalg.svd(a).S;
    return s.select(-1, 0).div(s.select(-1, -1)).toArray();
  });
}

/**
 * A frozen, invertible MLP R^k → R^k (Paper A, "invertible MLP: cl-ica style").
 *
 *   g(z) = W_L · σ(W_{L−1} · … σ(W_1 z)),   σ = LeakyReLU(negativeSlope),
 *
 * each W_i well conditioned (see the file header). Invertible: every W_i is non-singular and
 * LeakyReLU with a positive slope is a bijection of R, so `inverse` undoes it layer by layer.
 *
 * @example
 * const g = new InvertibleMlpProcess(new Generator(0), { dim: 3, layers: 3 });
 * const x = g.apply(z);              // [n, 3]
 * g.conditionNumbers;                // every entry ≤ g.conditionThreshold
 */
export class InvertibleMlpProcess implements Process {
  readonly name = 'invertible-mlp';
  readonly inDim: number;
  readonly outDim: number;
  readonly layers: number;
  readonly negativeSlope: number;
  /** The threshold every layer's condition number satisfies. */
  readonly conditionThreshold: number;
  /** The condition number of each layer's weight, in order. */
  readonly conditionNumbers: readonly number[];
  readonly #weights: FrozenTensor[];
  readonly #inverses: FrozenTensor[];

  constructor(gen: Generator, options: InvertibleMlpOptions = {}) {
    const dim = options.dim ?? 3;
    const layers = options.layers ?? 3;
    const slope = options.negativeSlope ?? 0.2;
    const pool = options.condPool ?? 10_000;
    const quantile = options.condQuantile ?? 0.25;
    const maxAttempts = options.maxAttempts ?? 10_000;
    checkInteger('invertible-mlp', 'dim', dim, 1);
    checkInteger('invertible-mlp', 'layers', layers, 1);
    checkFinite('invertible-mlp', 'negativeSlope', slope);
    if (!(slope > 0))
      throw new RangeError(`invertible-mlp: negativeSlope must be > 0 for LeakyReLU to be invertible, got ${slope}`);
    checkInteger('invertible-mlp', 'condPool', pool, 1);
    checkFinite('invertible-mlp', 'condQuantile', quantile);
    if (!(quantile >= 0 && quantile < 1))
      throw new RangeError(`invertible-mlp: condQuantile must be in [0, 1), got ${quantile}`);
    checkInteger('invertible-mlp', 'maxAttempts', maxAttempts, 1);
    if (options.condThreshold !== undefined) {
      checkFinite('invertible-mlp', 'condThreshold', options.condThreshold);
      if (!(options.condThreshold >= 1))
        throw new RangeError(
          `invertible-mlp: condThreshold must be ≥ 1 (no matrix has a smaller condition number), got ${options.condThreshold}`,
        );
    }
    this.inDim = dim;
    this.outDim = dim;
    this.layers = layers;
    this.negativeSlope = slope;

    // cl-ica: sort the pool's condition numbers ascending, take entry ⌊pool · quantile⌋.
    let threshold = options.condThreshold;
    if (threshold === undefined) {
      const conds = scope(() => conditionNumbers(drawWeights([pool, dim, dim], gen))).sort((a, b) => a - b);
      threshold = conds[Math.floor(pool * quantile)] as number;
    }
    this.conditionThreshold = threshold;

    const weights: FrozenTensor[] = [];
    const inverses: FrozenTensor[] = [];
    const conds: number[] = [];
    try {
      for (let layer = 0; layer < layers; layer++) {
        let attempt = 0;
        for (;;) {
          if (++attempt > maxAttempts)
            throw new Error(
              `invertible-mlp: no weight with condition number ≤ ${threshold} in ${maxAttempts} draws (layer ${layer + 1})`,
            );
          const w = drawWeights([dim, dim], gen);
          const cond = conditionNumbers(w)[0] as number;
          if (cond <= threshold) {
            weights.push(new FrozenTensor(w));
            inverses.push(new FrozenTensor(scope(() => linalg.inv(w))));
            conds.push(cond);
            break;
          }
          w.dispose();
        }
      }
    } catch (err) {
      for (const t of [...weights, ...inverses]) t.dispose();
      throw err;
    }
    this.#weights = weights;
    this.#inverses = inverses;
    this.conditionNumbers = Object.freeze(conds);
  }

  /** A float64 copy of layer i's weight W_i [dim, dim] (the caller owns it). */
  weight(i: number): Tensor {
    const w = this.#weights[i];
    if (w === undefined)
      throw new RangeError(`invertible-mlp: layer index must be in [0, ${this.layers - 1}], got ${i}`);
    return w.copy();
  }

  /** z [..., dim] → x [..., dim]: linear layers (x·Wᵀ, as nn.Linear without bias), LeakyReLU between them. */
  apply(z: Tensor): Tensor {
    const dtype = checkInput(this.name, z, this.inDim);
    return scope(() => {
      let h = z;
      this.#weights.forEach((w, i) => {
        h = F.linear(h, w.as(dtype));
        if (i < this.layers - 1) h = h.leakyRelu(this.negativeSlope);
      });
      return h;
    });
  }

  /** x [..., dim] → z [..., dim], undoing the layers in reverse: LeakyReLU⁻¹ then W_i⁻¹. */
  inverse(x: Tensor): Tensor {
    const dtype = checkInput(this.name, x, this.outDim, undefined, 'x');
    return scope(() => {
      let h = x;
      for (let i = this.layers - 1; i >= 0; i--) {
        if (i < this.layers - 1) h = where(h.ge(0), h, h.div(this.negativeSlope));
        h = F.linear(h, (this.#inverses[i] as FrozenTensor).as(dtype));
      }
      return h;
    });
  }

  dispose(): void {
    for (const t of [...this.#weights, ...this.#inverses]) t.dispose();
  }
}
