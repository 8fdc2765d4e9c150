// Engine-wide facts and settings: versions, threads, live-tensor accounting.
import { native } from './native.js';

/** Number of tensors alive in the engine (created and not yet disposed or collected). */
export function liveTensors(): number {
  return native.liveTensors();
}

/** Sets libtorch's intra-op thread count (default: available cores, or CLAB_THREADS). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads(): n must be a positive integer, got ${n}`);
  native.setNumThreads(n);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}

/** What a run records about its engine. */
export function engineInfo(): { libtorch: string; threads: number; node: string } {
  return { libtorch: native.torchVersion, threads: native.getNumThreads(), node: process.version };
}

/**
 * Runs fn with libtorch's intra-op thread count set to n and restores the previous count when fn
 * returns (or its promise settles). For workloads of small tensors, one thread is often much faster
 * than several (OpenMP overhead, worse on a shared CPU).
 */
export function withNumThreads<T>(n: number, fn: () => T): T {
  const previous = native.getNumThreads();
  setNumThreads(n);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    native.setNumThreads(previous);
    throw err;
  }
  if (result instanceof Promise) return result.finally(() => native.setNumThreads(previous)) as T;
  native.setNumThreads(previous);
  return result;
}
