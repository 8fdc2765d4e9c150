// Autograd controls: gradients of outputs w.r.t. chosen inputs, and no-grad regions.
import { native } from './native.js';
import { Tensor } from './tensor.js';

/**
 * Gradients of `outputs` w.r.t. `inputs` (torch.autograd.grad). Non-scalar outputs need
 * `gradOutputs`. With `createGraph`, the result is itself differentiable (higher-order).
 * An input that does not influence the outputs gives `undefined` when `allowUnused` is set.
 */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  options: { gradOutputs?: Tensor[]; retainGraph?: boolean; createGraph?: boolean; allowUnused?: boolean } = {},
): (Tensor | undefined)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const result = native.autogradGrad(
    outs.map((t) => t.native),
    ins.map((t) => t.native),
    options.gradOutputs?.map((t) => t.native),
    options.retainGraph,
    options.createGraph ?? false,
    options.allowUnused ?? false,
  );
  return result.map((g) => (g === undefined ? undefined : Tensor.fromNative(g)));
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = native.isGradEnabled();
  native.setGradEnabled(enabled);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    native.setGradEnabled(prev);
    throw err;
  }
  if (result instanceof Promise) {
    // Grad mode is thread-local state in libtorch; an async region keeps it until it settles.
    return result.finally(() => native.setGradEnabled(prev)) as T;
  }
  native.setGradEnabled(prev);
  return result;
}

/** Runs fn with gradient recording off (evaluation, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with gradient recording on (inside a noGrad region). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}
