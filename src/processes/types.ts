// Contract of a generative process x = g(z) (Paper A): frozen, deterministic given its seed.
import type { Tensor } from '../torch/index.js';

/** z [n, inDim] → x [n, outDim]. Parameters (if any) are fixed at construction and never trained. */
export interface Process {
  readonly name: string;
  readonly inDim: number;
  readonly outDim: number;
  apply(z: Tensor): Tensor;
  /** The exact inverse x [n, outDim] → z [n, inDim], for processes that have one in closed form. */
  inverse?(x: Tensor): Tensor;
  /** Frees the frozen parameters (if any) now; using the process afterwards throws. */
  dispose?(): void;
}
