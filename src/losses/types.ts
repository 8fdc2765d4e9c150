// The contract every contrastive loss shares (design/interfaces.md).
import type { Tensor } from '../torch/index.js';

/**
 * One batch of embeddings. anchors, positives: [B, d]. negatives: [M, d] shared by every anchor,
 * or [B, M, d] per anchor; absent for losses that take negatives from the batch itself.
 */
export interface ContrastiveBatch {
  anchors: Tensor;
  positives: Tensor;
  negatives?: Tensor;
}

/** loss: scalar mean; perAnchor: [B] (or [2B] for symmetric in-batch losses); parts: named terms. */
export interface LossOutput {
  loss: Tensor;
  perAnchor: Tensor;
  parts: Record<string, Tensor>;
}

export type ContrastiveLoss = (batch: ContrastiveBatch) => LossOutput;

/** Throws unless tau is a finite positive number (a temperature of 0 divides by zero). */
export function checkTemperature(loss: string, tau: number): void {
  if (typeof tau !== 'number' || !Number.isFinite(tau) || tau <= 0)
    throw new RangeError(`${loss}: temperature tau must be a finite number > 0, got ${String(tau)}`);
}
