// Shared checks and parameter storage of the generative processes (internal to src/processes).
import { keep, type Tensor } from '../torch/index.js';

export type FloatDtype = 'float32' | 'float64';

/** Throws unless `value` is an integer ≥ `min`; the message names the process and the option. */
export function checkInteger(process: string, option: string, value: number, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new RangeError(`${process}: ${option} must be an integer ≥ ${min}, got ${String(value)}`);
}

/** Throws unless `value` is a finite number. */
export function checkFinite(process: string, option: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new RangeError(`${process}: ${option} must be a finite number, got ${String(value)}`);
}

/** For processes defined on S² only: the latent dimension must be 3. */
export function checkSphere2(process: string, dim: number): void {
  if (dim !== 3) throw new RangeError(`${process}: defined on S² only (inDim 3), got inDim ${String(dim)}`);
}

/**
 * Checks an input batch z [..., inDim] (usually [n, inDim]) of a float dtype and returns the dtype.
 * `domain` describes where the process is defined, e.g. "defined on S² only"; `arg` 'x' checks the
 * input of an inverse (x [..., outDim], pass outDim as `inDim`).
 */
export function checkInput(
  process: string,
  z: Tensor,
  inDim: number,
  domain?: string,
  arg: 'z' | 'x' = 'z',
): FloatDtype {
  const shape = z.shape;
  if (shape.length < 1 || shape[shape.length - 1] !== inDim) {
    const where = domain === undefined ? `inDim ${inDim}` : `${domain}: inDim ${inDim}`;
    const what = arg === 'z' ? where : `outDim ${inDim}`;
    throw new RangeError(`${process}: expects ${arg} of shape [n, ${inDim}] (${what}), got [${shape.join(', ')}]`);
  }
  const dtype = z.dtype;
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new TypeError(`${process}: ${arg} must be float32 or float64, got ${dtype}`);
  return dtype;
}

/**
 * A frozen parameter: drawn once in float64, with a float32 copy so that a process maps float32
 * and float64 batches by the same parameters (up to rounding). Both copies are kept out of any
 * enclosing scope and never require grad.
 */
export class FrozenTensor {
  readonly #f64: Tensor;
  readonly #f32: Tensor;

  /** Takes ownership of `value` (a float64 tensor). */
  constructor(value: Tensor) {
    if (value.dtype !== 'float64') throw new TypeError(`FrozenTensor: expected float64, got ${value.dtype}`);
    if (value.requiresGrad) throw new TypeError('FrozenTensor: a frozen parameter must not require grad');
    this.#f64 = keep(value);
    this.#f32 = keep(value.to('float32'));
  }

  /** The parameter in the given dtype (owned by this object: do not dispose). */
  as(dtype: FloatDtype): Tensor {
    return dtype === 'float64' ? this.#f64 : this.#f32;
  }

  /** A float64 copy the caller owns. */
  copy(): Tensor {
    return this.#f64.clone();
  }

  dispose(): void {
    this.#f64.dispose();
    this.#f32.dispose();
  }
}
