// Engine-wide facts and settings: versions, threads, live-tensor accounting.
import { threadCountProblem, native } from './native.js';
export { MAX_THREADS } from './native.js';

/** Number of tensors alive in the engine (created and not yet disposed or collected). */
export function liveTensors(): number {
  return native.liveTensors();
}

/**
 * Tensor-buffer memory of clab's caching allocator, in bytes: `inUseBytes` held by live tensors,
 * `cachedBytes` kept for reuse, `peakInUseBytes` the high-water mark of `inUseBytes` since the
 * last resetPeakMemory() (or start). Counts buffers of 16 KB and more (smaller ones go to
 * libtorch's default allocator) — the large buffers that decide whether a workload fits.
 *
 * @example
 * resetPeakMemory();
 * const lse = infoNCELogSumExp(a, p, n, 0.3);
 * console.log(memoryStats().peakInUseBytes);
 */
export function memoryStats(): { inUseBytes: number; cachedBytes: number; peakInUseBytes: number } {
  return native.allocatorStats();
}

/** Starts a new peak (memoryStats().peakInUseBytes) at the bytes in use now. */
export function resetPeakMemory(): void {
  native.resetPeakMemory();
}

export const GEMM_BACKENDS = ['onednn', 'openblas'] as const;
export type GemmBackend = (typeof GEMM_BACKENDS)[number];

/**
 * Chooses who computes float32 matrix products (mm, addmm, linear layers, matmul of 2-D operands):
 * 'onednn' (default when libtorch's oneDNN is loaded: faster on AVX-512 CPUs, one OpenMP thread
 * pool) or 'openblas' (libtorch's own kernels — bit-identical to PyTorch on the same machine and
 * thread count). Results of the two agree to float32 rounding. The initial choice is CLAB_GEMM.
 *
 * @example
 * setGemmBackend('openblas');   // reproduce PyTorch's float32 rounding exactly
 */
export function setGemmBackend(backend: GemmBackend): void {
  if (!GEMM_BACKENDS.includes(backend))
    throw new RangeError(
      `setGemmBackend(): backend must be one of ${GEMM_BACKENDS.join(', ')}, got ${String(backend)}`,
    );
  native.setGemmBackend(backend);
}

export function getGemmBackend(): GemmBackend {
  return native.gemmBackend() as GemmBackend;
}

/**
 * Sets libtorch's intra-op thread count (default: available cores, or CLAB_THREADS), between 1 and
 * MAX_THREADS (4 × the available cores): beyond it libgomp may end the process from inside a
 * parallel region (uncatchable), and long before that oversubscription makes every op crawl.
 *
 * @example
 * setNumThreads(1); // tiny tensors: OpenMP overhead outweighs the parallelism
 */
export function setNumThreads(n: number): void {
  const problem = threadCountProblem(n);
  if (problem !== undefined) throw new RangeError(`setNumThreads(): ${problem}`);
  native.setNumThreads(n);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}

/**
 * What a run records about its engine: libtorch's version, intra-op threads, Node's version, the
 * float32 GEMM backend ('onednn' when libtorch's oneDNN is loadable and CLAB_GEMM is not
 * 'openblas'; see native/src/gemm.cc) and the OpenMP wait settings in effect (see native.ts).
 */
export function engineInfo(): { libtorch: string; threads: number; node: string; gemm: string; ompWait: string } {
  return {
    libtorch: native.torchVersion,
    threads: native.getNumThreads(),
    node: process.version,
    gemm: native.gemmBackend(),
    ompWait: [
      process.env['OMP_WAIT_POLICY'] !== undefined ? `OMP_WAIT_POLICY=${process.env['OMP_WAIT_POLICY']}` : '',
      process.env['GOMP_SPINCOUNT'] !== undefined ? `GOMP_SPINCOUNT=${process.env['GOMP_SPINCOUNT']}` : '',
    ]
      .filter((x) => x !== '')
      .join(' '),
  };
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
