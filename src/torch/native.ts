// Loads the native engine (native/build/Release/clab_native.node) and types its surface.
// This module and the other files of src/torch are the only places that touch native code.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

/** An at::Tensor held by the addon. Never used outside src/torch. */
export interface NativeTensor {
  dispose(): void;
  isDisposed(): boolean;
  shape(): number[];
  dtype(): string;
  numel(): number;
  toBuffer(): ArrayBuffer;
  item(): number | boolean;
  requiresGrad(): boolean;
  setRequiresGrad(on: boolean): void;
  grad(): NativeTensor | undefined;
  setGrad(g: NativeTensor | undefined): void;
  backward(grad: NativeTensor | undefined, retainGraph: boolean, createGraph: boolean): void;
  isLeaf(): boolean;
  sameStorage(other: NativeTensor): boolean;
}

export interface NativeGenerator {
  seed(): bigint;
  getState(): NativeTensor;
  setState(state: NativeTensor): void;
}

export type NativeValue = NativeTensor | NativeValue[] | number | boolean | undefined;

export interface NativeAddon {
  torchVersion: string;
  NativeGenerator: new (seed: number | bigint) => NativeGenerator;
  fromBuffer(data: ArrayBufferView, shape: number[], dtype: string): NativeTensor;
  liveTensors(): number;
  lookupOp(name: string, overload: string): number;
  opSchema(id: number): string;
  callOp(id: number, args: unknown[], discard?: boolean): NativeValue;
  autogradGrad(
    outputs: NativeTensor[],
    inputs: NativeTensor[],
    gradOutputs: (NativeTensor | undefined)[] | undefined,
    retainGraph: boolean | undefined,
    createGraph: boolean,
    allowUnused: boolean,
  ): (NativeTensor | undefined)[];
  setGradEnabled(on: boolean): void;
  /** 'onednn' or 'openblas': who computes float32 mm/addmm (native/src/gemm.cc). */
  gemmBackend(): string;
  setGemmBackend(backend: string): void;
  allocatorStats(): { inUseBytes: number; cachedBytes: number; peakInUseBytes: number };
  resetPeakMemory(): void;
  emptyCache(): void;
  linearReluBatchNorm(
    x: NativeTensor,
    weight: NativeTensor,
    bias: NativeTensor | undefined,
    gamma: NativeTensor | undefined,
    beta: NativeTensor | undefined,
    eps: number,
  ): [NativeTensor, NativeTensor, NativeTensor];
  infoNCELogSumExp(anchors: NativeTensor, positives: NativeTensor, negatives: NativeTensor, tau: number, chunkBytes: number): NativeTensor;
  isGradEnabled(): boolean;
  manualSeed(seed: number | bigint): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
}

function findAddon(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Compiled layout: dist/src/torch -> repo root is three levels up.
  for (const up of ['../../..', '../..']) {
    const candidate = path.resolve(here, up, 'native/build/Release/clab_native.node');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    'clab native engine not built: native/build/Release/clab_native.node is missing. Run `make build` (or `make test`).',
  );
}

/**
 * OpenMP wait policy, set before libgomp loads (it reads the environment once, at load). Two
 * thread pools share the cores: libgomp's (libtorch's element-wise and reduction kernels) and
 * OpenBLAS's pthreads (the GEMMs). With libgomp's default, an idle OpenMP thread spins for a while
 * after each parallel region and takes a core from the OpenBLAS thread that runs next; on this
 * 2-core machine that made the Paper A step 1.6× slower at 2 threads than at 1 (bench/, 2026-11-25).
 * 'passive' makes idle OpenMP threads sleep. A value the user set is left alone.
 */
export const OMP_WAIT_POLICY_DEFAULT = 'passive';
/** OMP_WAIT_POLICY as the user set it before clab loaded (undefined: clab's default applies). */
export const OMP_WAIT_POLICY_FROM_USER: string | undefined = process.env['OMP_WAIT_POLICY'];
if (OMP_WAIT_POLICY_FROM_USER === undefined) process.env['OMP_WAIT_POLICY'] = OMP_WAIT_POLICY_DEFAULT;

const require = createRequire(import.meta.url);
export const native: NativeAddon = require(findAddon()) as NativeAddon;

/**
 * Intra-op threads: the available cores by default, `CLAB_THREADS` overrides.
 * libtorch would otherwise pick its own count (1 on this machine's Debian build).
 */
function initialThreads(): number {
  const env = process.env['CLAB_THREADS'];
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new Error(`CLAB_THREADS must be a positive integer, got '${env}'`);
    return n;
  }
  return availableParallelism();
}
native.setNumThreads(initialThreads());
