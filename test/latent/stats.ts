// Sampling statistics for the latent tests: a mean with its standard error, and an assertion that
// an estimate matches its expected value within a number of standard errors.
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/torch/index.js';

export interface Estimate {
  mean: number;
  /** Standard error of the mean: sample standard deviation / sqrt(n). */
  se: number;
  n: number;
}

/** Mean and standard error of the elements of a 1-d tensor (or array). */
export function estimate(x: Tensor | ArrayLike<number>): Estimate {
  const a = 'toFloat64Array' in x ? x.toFloat64Array() : Float64Array.from(x);
  const n = a.length;
  let s = 0;
  for (const v of a) s += v;
  const mean = s / n;
  let ss = 0;
  for (const v of a) ss += (v - mean) * (v - mean);
  return { mean, se: Math.sqrt(ss / (n - 1) / n), n };
}

/** Asserts |mean − expected| ≤ z·SE (+ an absolute slack for known deterministic bias). */
export function assertWithinSE(e: Estimate, expected: number, what: string, z = 5, slack = 0): void {
  const err = Math.abs(e.mean - expected);
  assert.ok(
    err <= z * e.se + slack,
    `${what}: estimate ${e.mean} vs expected ${expected} (off by ${(err / e.se).toFixed(2)} standard errors, SE ${e.se.toExponential(2)})`,
  );
}

/** Largest |‖row‖ − 1| over the rows of x [..., k]. */
export function maxNormError(x: Tensor): number {
  const norms = x.to('float64').norm(2, -1);
  try {
    let worst = 0;
    for (const v of norms.toFloat64Array()) worst = Math.max(worst, Math.abs(v - 1));
    return worst;
  } finally {
    norms.dispose();
  }
}

/** True when two tensors hold the same bytes (bit-for-bit equality, NaN payloads included). */
export function sameBits(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.numel !== b.numel) return false;
  const [x, y] = [a.contiguous(), b.contiguous()];
  try {
    const [dx, dy] = [x.data(), y.data()];
    return Buffer.from(dx.buffer, dx.byteOffset, dx.byteLength).equals(
      Buffer.from(dy.buffer, dy.byteOffset, dy.byteLength),
    );
  } finally {
    x.dispose();
    y.dispose();
  }
}
