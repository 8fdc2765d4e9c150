// Divergence detection: a NaN or infinite loss or gradient stops the run before the optimizer
// step can spread it into the weights. The run keeps its last good checkpoint and is marked failed
// with this diagnostic (which step, which value, which parameter).
import type { Module } from '../nn/index.js';
import { noGrad, scope } from '../torch/index.js';

export class DivergenceError extends Error {
  constructor(
    readonly step: number,
    readonly reason: string,
  ) {
    super(
      `training diverged at step ${step}: ${reason}; the run keeps its last good checkpoint (try a smaller learning rate or a larger temperature)`,
    );
    this.name = 'DivergenceError';
  }
}

/** Throws DivergenceError naming the first parameter whose gradient is not finite. */
export function checkGradients(step: number, module: Module): void {
  const grads = module
    .namedParameters()
    .flatMap(([name, p]) => (p.grad === undefined ? [] : [[name, p.grad] as const]));
  if (grads.length === 0) return;
  // One reduction for the common case; the per-parameter search only after a failure.
  const total = noGrad(() =>
    scope(() =>
      grads
        .map(([, g]) => g.abs().sum())
        .reduce((a, b) => a.add(b))
        .item(),
    ),
  );
  if (Number.isFinite(total)) return;
  const bad = grads.find(([, g]) => !Number.isFinite(noGrad(() => scope(() => g.abs().sum().item()))));
  throw new DivergenceError(step, `the gradient of ${bad?.[0] ?? 'a parameter'} is not finite`);
}
