// Experiments: specs (validated, with defaults in one place), their expansion into runs, the
// registry from spec kinds to science objects, and the trainer.
export * from './spec.js';
export { SpecError, parseSpecText, resolveSpec, validateSpec, expandRuns, parseOverride, setPath } from './resolve.js';
export { buildComponents, buildConditional, buildOptimizer, embedLatents, type RunComponents } from './build.js';
export { trainRun, type TrainOptions, type TrainerSink, type Checkpoint, type MetricsRow, type RunResult } from './trainer.js';
