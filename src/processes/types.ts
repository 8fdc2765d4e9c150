// Contract of a generative process x = g(z) (Paper A): frozen, deterministic given its seed.
import type { Tensor } from '../torch/index.js';

/** z [n, inDim] → x [n, outDim]. Parameters (if any) are fixed at construction and never trained. */
export interface Process {
  readonly name: string;
  readonly inDim: number;
  readonly outDim: number;
  apply(z: Tensor): Tensor;
}
