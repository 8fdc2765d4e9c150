// Loads the native engine (native/build/Release/clab_native.node) and types its surface.
// This module and the other files of src/torch are the only places that touch native code.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

/**
 * An at::Tensor held by the addon. Never used outside src/torch. dispose() frees the tensor and
 * its native wrapper at once (no event-loop turn needed); the object is an empty shell after it,
 * whose methods return undefined — src/torch never calls them, a Tensor drops its handle at dispose.
 */
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

/** A c10d process group (native/src/process_group.cc); every call blocks until the collective is done. */
export interface NativeProcessGroup {
  rank(): number;
  size(): number;
  allReduce(tensors: NativeTensor[], op: 'sum' | 'max' | 'min'): void;
  allGather(t: NativeTensor): NativeTensor;
  broadcast(tensors: NativeTensor[], root: number): void;
  barrier(): void;
  allGatherWithGrad(t: NativeTensor): NativeTensor;
  allReduceSumWithGrad(t: NativeTensor): NativeTensor;
  destroy(): void;
  isDestroyed(): boolean;
}

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
  infoNCELogSumExp(
    anchors: NativeTensor,
    positives: NativeTensor,
    negatives: NativeTensor,
    tau: number,
    chunkBytes: number,
  ): NativeTensor;
  isGradEnabled(): boolean;
  initProcessGroup(
    masterAddr: string,
    masterPort: number,
    rank: number,
    worldSize: number,
    timeoutMs: number,
    iface: string,
    hostname: string,
  ): NativeProcessGroup;
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
    `clab's native engine is not built (native/build/Release/clab_native.node is missing). ${NEEDS_LIBTORCH}`,
  );
}

/** What to do when the engine is missing or cannot load: the one message a fresh install can end with. */
const NEEDS_LIBTORCH =
  'It needs libtorch: install the Debian packages libtorch-dev and libgloo-dev (sudo apt-get install libtorch-dev libgloo-dev), or set ' +
  'LIBTORCH=/path/to/libtorch for another libtorch build; then run `npm rebuild clab` (in a checkout of the repository: `make build`).';

function loadAddon(): NativeAddon {
  const file = findAddon();
  try {
    return createRequire(import.meta.url)(file) as NativeAddon;
  } catch (err) {
    // Typically libtorch's shared libraries are gone or moved since the build (libtorch_cpu.so: cannot open …).
    throw new Error(
      `clab's native engine (${file}) does not load: ${err instanceof Error ? err.message : String(err)}. ${NEEDS_LIBTORCH}`,
    );
  }
}

/**
 * How idle OpenMP threads wait, set before libgomp loads (it reads the environment once, at load).
 * libgomp's default lets an idle thread spin for a long time after each parallel region. Measured
 * on this 2-core machine on 2026-11-25 by running the bench cases in one process each
 * (`OMP_WAIT_POLICY=… [CLAB_GEMM=openblas] node dist/bench/one.js paperA-step`, likewise
 * infonce-fwd-bwd/B=512), medians of 20–50 steps:
 * - with OpenBLAS GEMMs (CLAB_GEMM=openblas) the spinning OpenMP threads take the cores from
 *   OpenBLAS's own threads: the Paper A step ran 1.6× slower than with OMP_WAIT_POLICY=passive;
 * - with oneDNN GEMMs (the default; they run on the OpenMP pool itself) sleeping threads cost a
 *   wake-up per parallel region instead: passive made small workloads 2× slower (InfoNCE at
 *   B = 512: 4.1 vs 1.8 ms) and the Paper A step 20 % slower than a short spin.
 * So clab sets GOMP_SPINCOUNT (a bounded spin of ~tens of µs) with oneDNN and
 * OMP_WAIT_POLICY=passive with OpenBLAS — unless the user set either variable.
 */
export const GOMP_SPINCOUNT_DEFAULT = 20_000;
/** OMP_WAIT_POLICY and GOMP_SPINCOUNT as the user set them before clab loaded (undefined: unset). */
export const OMP_ENV_FROM_USER: { OMP_WAIT_POLICY: string | undefined; GOMP_SPINCOUNT: string | undefined } = {
  OMP_WAIT_POLICY: process.env['OMP_WAIT_POLICY'],
  GOMP_SPINCOUNT: process.env['GOMP_SPINCOUNT'],
};
if (OMP_ENV_FROM_USER.OMP_WAIT_POLICY === undefined && OMP_ENV_FROM_USER.GOMP_SPINCOUNT === undefined) {
  if (process.env['CLAB_GEMM'] === 'openblas') process.env['OMP_WAIT_POLICY'] = 'passive';
  else process.env['GOMP_SPINCOUNT'] = String(GOMP_SPINCOUNT_DEFAULT);
}

/**
 * c10d logs its own failures through glog (e.g. "E… socket.cpp:860] [c10d] The client socket has
 * timed out…") before throwing the exception clab reports, so a rank that fails would print the
 * error twice, once in glog's format. In a process of a distributed job (WORLD_SIZE set, as by
 * torchrun or `clab run --nproc`) glog is quieted unless the user set GLOG_minloglevel; glog reads
 * it when libtorch loads.
 */
if (process.env['WORLD_SIZE'] !== undefined && process.env['GLOG_minloglevel'] === undefined)
  process.env['GLOG_minloglevel'] = '3';

export const native: NativeAddon = loadAddon();

/**
 * The most intra-op threads clab sets: 4 × the available cores. Measured on this 2-core machine
 * (issue 18): setNumThreads(1000) made a 512×512 matmul take 36 s, and 1e9 threads ended the
 * process from inside libgomp at the next matmul (uncatchable); 4 × cores leaves room for
 * deliberate oversubscription tests and no more.
 */
export const MAX_THREADS = 4 * availableParallelism();

/** Why `n` is not a thread count clab accepts, or undefined when it is. */
export function threadCountProblem(n: unknown, what = 'n', shown: string = String(n)): string | undefined {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return `${what} must be a positive integer, got ${shown}`;
  if (n > MAX_THREADS)
    return `${what}: got ${shown} threads; at most ${MAX_THREADS} (4 × the ${availableParallelism()} available cores)`;
  return undefined;
}

/**
 * Intra-op threads: the available cores by default, `CLAB_THREADS` overrides (1..MAX_THREADS).
 * libtorch would otherwise pick its own count (1 on this machine's Debian build). A bad
 * CLAB_THREADS is a configuration error: the process says so and exits with code 2, before any work.
 */
function initialThreads(): number {
  const env = process.env['CLAB_THREADS'];
  if (env !== undefined && env !== '') {
    const problem = threadCountProblem(Number(env), 'CLAB_THREADS', `'${env}'`);
    if (problem !== undefined) {
      process.stderr.write(`clab: ${problem}\n`);
      process.exit(2);
    }
    return Number(env);
  }
  return availableParallelism();
}
native.setNumThreads(initialThreads());
