// A free embedding table (Paper B, Sec. 5: "free embeddings"): one learnable row per input index,
// L2-normalised, f(i) = W_i / |W_i|. With data 'free-embeddings' the table has 2n rows — u_i at row
// i, v_i at row n + i — so training moves the embeddings themselves and reaches the loss's optimum
// over free embeddings (Thm 5.1, 5.5).
//
// Initialisation: W ~ N(0, 1) [rows, dim] from the init stream (the earlier study's U, V = randn).
// dtype: float64 lets the Thm 5.1 optimum be checked to ~1e-12; float32 stops at ~1e-7.
import { Module } from '../nn/index.js';
import { F, randn, scope, type Dtype, type Generator, type Tensor } from '../torch/index.js';
import { checkPositiveInt } from './mlp-encoder.js';

export interface TableEncoderOptions {
  /** Number of rows (inputs are indices in 0..rows−1). */
  rows: number;
  /** Embedding dimension. */
  dim: number;
  dtype?: 'float32' | 'float64';
  gen: Generator;
}

/**
 * f(idx) = normalize(W[idx]), W [rows, dim] learnable (parameter 'weight').
 *
 * Shapes: idx [n] int64 → [n, dim], rows of unit norm, in the table's dtype.
 *
 * @example
 * const f = new TableEncoder({ rows: 16, dim: 8, dtype: 'float64', gen: new Generator(0) });
 * f.forward(arange(0, 8)).shape;   // [8, 8]
 */
export class TableEncoder extends Module {
  readonly rows: number;
  readonly dim: number;
  readonly weight: Tensor;

  constructor(options: TableEncoderOptions) {
    super();
    const { rows, dim, dtype = 'float32', gen } = options;
    checkPositiveInt('TableEncoder', 'rows', rows);
    checkPositiveInt('TableEncoder', 'dim', dim);
    this.rows = rows;
    this.dim = dim;
    this.weight = this.registerParameter('weight', randn([rows, dim], gen, dtype as Dtype));
  }

  forward(idx: Tensor): Tensor {
    if (idx.ndim !== 1 || (idx.dtype !== 'int64' && idx.dtype !== 'int32'))
      throw new TypeError(
        `TableEncoder: expects indices of shape [n] (int64), got [${idx.shape.join(', ')}] ${idx.dtype}`,
      );
    return scope(() => F.normalize(this.weight.indexSelect(0, idx), 1));
  }
}
