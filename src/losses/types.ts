// The contract every contrastive loss shares (design/interfaces.md).
import { noGrad, scope, type Tensor } from '../torch/index.js';

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

/**
 * Throws unless every element of the batch's tensors is finite, naming the loss and the argument
 * (anchors, positives or negatives): a NaN or ±Inf embedding would otherwise turn the loss into NaN
 * without a word. One reduction per tensor; `setFiniteChecks(false)` turns it off where the caller
 * checks the loss itself (the trainer checks every step's loss and gradients).
 */
export function checkFiniteBatch(loss: string, batch: ContrastiveBatch): void {
  if (!finiteChecks) return;
  for (const name of ['anchors', 'positives', 'negatives'] as const) {
    const t = batch[name];
    if (t === undefined || !t.dtype.startsWith('float') || t.numel === 0) continue;
    const bad = noGrad(() => scope(() => t.isfinite().logicalNot().sum().item()));
    if (bad > 0)
      throw new RangeError(
        `${loss}: argument '${name}' holds NaN or ±Inf (${bad} of ${t.numel} elements); a diverged encoder or bad input?`,
      );
  }
}

let finiteChecks = true;

/** Turns the losses' non-finite input checks on (the default) or off; returns the previous setting. */
export function setFiniteChecks(on: boolean): boolean {
  const previous = finiteChecks;
  finiteChecks = on;
  return previous;
}
