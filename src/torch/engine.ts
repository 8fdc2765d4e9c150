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
