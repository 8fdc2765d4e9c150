// Argument checks shared by the latent samplers (internal to src/latent). Messages name the
// sampler and the argument, and say which values are allowed.
import type { Tensor } from '../torch/index.js';

export type FloatDtype = 'float32' | 'float64';

/** Throws unless x is an integer ≥ min. */
export function checkInteger(who: string, what: string, x: number, min: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min)
    throw new RangeError(`${who}: ${what} must be an integer >= ${min}, got ${String(x)}`);
  return x;
}

/** Throws unless kappa is a finite number ≥ 0 (κ = 0 is the uniform law). */
export function checkKappa(who: string, kappa: number): number {
  if (typeof kappa !== 'number' || !Number.isFinite(kappa) || kappa < 0)
    throw new RangeError(`${who}: kappa must be a finite number >= 0, got ${String(kappa)}`);
  return kappa;
}

/** Checks a batch of points [n, k] of a float dtype with k ≥ minDim; returns [n, k, dtype]. */
export function checkPoints(who: string, what: string, z: Tensor, minDim: number): [number, number, FloatDtype] {
  const shape = z.shape;
  if (shape.length !== 2) throw new RangeError(`${who}: ${what} must have shape [n, k], got [${shape.join(', ')}]`);
  const [n, k] = shape as [number, number];
  if (k < minDim) throw new RangeError(`${who}: ${what} must have k >= ${minDim} columns, got [${shape.join(', ')}]`);
  const dtype = z.dtype;
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new TypeError(`${who}: ${what} must be float32 or float64, got ${dtype}`);
  return [n, k, dtype];
}
