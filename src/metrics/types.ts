// The contract of identifiability metrics (design/interfaces.md).
import type { Tensor } from '../torch/index.js';

/**
 * A metric comparing true latents [n, k] with recovered ones [n, d]: named plain numbers,
 * e.g. { r2 }, { mcc }, { ape }.
 */
export type Metric = (truth: Tensor, recovered: Tensor) => Record<string, number>;
