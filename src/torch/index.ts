// The engine's public face: tensors, creation, randomness, autograd, linear algebra and
// neural-network functions, on libtorch.
export { Tensor, callOp, opSchema } from './tensor.js';
export { DTYPES, type Dtype, type AnyTypedArray, type Scalar, type Dims } from './dtype.js';
export * from './creation.js';
export * from './random.js';
export * from './autograd.js';
export * as linalg from './linalg.js';
export { matmul, bmm, addmm, einsum, outer } from './linalg.js';
export * as F from './functional.js';
export { scope, keep } from './scope.js';
export {
  engineInfo,
  liveTensors,
  MAX_THREADS,
  setNumThreads,
  getNumThreads,
  withNumThreads,
  memoryStats,
  resetPeakMemory,
  setGemmBackend,
  getGemmBackend,
  GEMM_BACKENDS,
  type GemmBackend,
} from './engine.js';
export { infoNCELogSumExp, linearReluBatchNorm, DEFAULT_CHUNK_BYTES, type ChunkOptions } from './fused.js';
export {
  initProcessGroup,
  processGroupOptionsFromEnv,
  ProcessGroup,
  DistributedError,
  DEFAULT_TIMEOUT_SECONDS,
  REDUCE_OPS,
  type ReduceOp,
  type ProcessGroupOptions,
} from './distributed.js';
