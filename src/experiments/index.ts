// Experiments: specs (validated, with defaults in one place), their expansion into runs, the
// registry from spec kinds to science objects, and the trainer.
export * from './spec.js';
export { SpecError, parseSpecText, resolveSpec, validateSpec, expandRuns, parseOverride, setPath } from './resolve.js';
export { buildConditional, buildData, buildEncoder, buildLoss, buildMarginal, buildOptimizer } from './build.js';
export { LatentSpec, MarginalSpec, latentSpaceOf, DEFAULT_BOX_BOUNDS, type LatentSection } from './latent-spec.js';
export { runStreams, freshStream, STREAM_NAMES, type StreamName } from './streams.js';
export { DivergenceError } from './divergence.js';
export {
  trainRun,
  type TrainOptions,
  type TrainerSink,
  type Checkpoint,
  type MetricsRow,
  type RunResult,
} from './trainer.js';
export { evaluateMetrics, represent } from './evaluation.js';
export { measureCheckpoint, modelStateOf } from './measure.js';
export {
  runExperiment,
  trainStoredRun,
  prepareRuns,
  type PlannedRun,
  type PendingRun,
  type ExecutorEvent,
  type ExecutorOptions,
  type ExecutorResult,
} from './executor.js';
export {
  chooseExecutor,
  SlurmExecutor,
  QueueExecutor,
  startQueueWorker,
  ExecutorUsageError,
  type RemoteExecutor,
  type SlurmOptions,
  type QueueOptions,
  type QueueWorkerOptions,
} from './executors/index.js';
export { DataParallel } from './distributed/data-parallel.js';
export { trainPlannedRuns, resumeStoredRun, type RankOptions, type RankResult } from './distributed/rank.js';
export { launchRanks, type LaunchOptions } from './distributed/launch.js';
export {
  gatherMode,
  distributedProblems,
  checkDistributable,
  GATHERING_LOSSES,
  type GatherMode,
} from './distributed/gather.js';
