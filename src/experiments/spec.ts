// The experiment spec (design/interfaces.md): what a researcher declares — data (latents through a
// generative process, image datasets, …), encoder, loss, training, evaluation, seeds and sweeps —
// validated by zod with every default filled in here, in one place. A config never executes code.
//
// Every section with variants is a tagged union built from its domain's registry
// (src/*/kinds.ts): adding a loss is one file plus one registry line. The top-level `latent`,
// `conditional` and `process` describe the latent model; the `latents` data kind (the default)
// trains on it directly, and the kinds that render latents (shapes) use it too.
// Unknown keys are errors; every error names the key path and the allowed values.
import { z } from 'zod';
import { dataKinds } from '../data/kinds.js';
import { encoderKinds, INVERSE_OF } from '../encoders/kinds.js';
import { conditionalKinds } from '../latent/kinds.js';
import { auxiliaryKinds, lossKinds } from '../losses/kinds.js';
import { metricConfigShorthand, metricKinds } from '../metrics/kinds.js';
import { optimizerKinds, scheduleKinds } from '../optim/kinds.js';
import { processKinds, S2_ONLY_PROCESSES } from '../processes/kinds.js';
import { nonNegativeInt, positiveInt, unionOf, type ConfigOf } from '../registry/kind.js';
import { checkSpecConsistency } from './consistency.js';
import { LatentSpec } from './latent-spec.js';

export const ConditionalSpec = unionOf(conditionalKinds, 'conditional');
export const ProcessSpec = unionOf(processKinds, 'process');
export const DataSpec = unionOf(dataKinds, 'data');
export const EncoderSpec = unionOf(encoderKinds, 'encoder');
export const LossSpec = unionOf(lossKinds, 'loss');
export const AuxiliarySpec = unionOf(auxiliaryKinds, 'auxiliary');
export const OptimizerSpec = unionOf(optimizerKinds, 'optimizer');
export const ScheduleSpec = unionOf(scheduleKinds, 'schedule');
export const MetricSpec = z.preprocess(metricConfigShorthand, unionOf(metricKinds, 'metric'));

/** The metrics of Paper A's synthetic runs (the default of `eval.metrics`). */
export const METRIC_KINDS = Object.keys(metricKinds) as (keyof typeof metricKinds)[];

export const TrainSpec = z.strictObject({
  iterations: positiveInt('iterations').default(5000),
  /** Anchors per step (also the number of shared negatives for the standard loss). */
  batch: positiveInt('batch').default(2000),
  optimizer: OptimizerSpec.default({ kind: 'adam', lr: 1e-3, weightDecay: 0 }),
  schedule: ScheduleSpec.default({ kind: 'constant' }),
  /** Steps between checkpoints (resume granularity); the last step is always checkpointed. */
  checkpointEvery: positiveInt('checkpointEvery').default(250),
});

export const EvalSpec = z.strictObject({
  /** Steps between evaluations on the fixed held-out set (the end is always evaluated). */
  every: positiveInt('every').default(500),
  /** Size of the held-out set, for data that draw it (latents, clusters, …). */
  samples: positiveInt('samples').default(5000),
  metrics: z
    .array(MetricSpec)
    .default([
      { kind: 'r2', testFraction: 0, perFactor: true },
      { kind: 'mcc' },
      { kind: 'ape' },
      { kind: 'orthogonality' },
    ]),
});

const SPEC_SHAPE = {
  name: z.string().regex(/^[a-z0-9][a-z0-9._/=-]*$/, { error: 'name must be lowercase letters, digits, . _ / = -' }),
  description: z.string().optional(),
  /** The latent space and the anchors' law (src/experiments/latent-spec.ts; default: uniform on S²). */
  latent: LatentSpec,
  /** The positive-pair conditional on the latents (required by data kinds that draw positives from latents). */
  conditional: ConditionalSpec.optional(),
  process: ProcessSpec.default({ kind: 'identity' }),
  data: DataSpec.default({ kind: 'latents' }),
  encoder: EncoderSpec.default({ kind: 'mlp', hidden: [128, 256, 256, 256, 128], batchNorm: true, order: 'act-norm' }),
  loss: LossSpec,
  /** Terms added to the loss, e.g. [{ kind: vrns, weight: 30 }] (Paper B). */
  auxiliary: z.array(AuxiliarySpec).default([]),
  train: TrainSpec.default(TrainSpec.parse({})),
  eval: EvalSpec.default(EvalSpec.parse({})),
  seeds: z.array(nonNegativeInt('seed')).min(1).default([0]),
  /** Cartesian product over key paths, e.g. { 'loss.rho': [0, 0.5, 1] }. */
  sweep: z.record(z.string(), z.array(z.unknown()).min(1)).default({}),
  /** Settings computed from others, by key path (filled from values written as "=1/loss.tau"). */
  derived: z.record(z.string(), z.string()).default({}),
  /** Named partial overrides (e.g. quick, paper) applied by --preset before validation. */
  presets: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
};

/** The spec as written: defaults not yet applied, sweep and presets not yet expanded. */
export const ExperimentSpecSchema = z.strictObject(SPEC_SHAPE).superRefine((spec, ctx) => {
  for (const issue of checkSpecConsistency(spec))
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

export type ExperimentSpecInput = z.input<typeof ExperimentSpecSchema>;
export type ExperimentSpec = z.output<typeof ExperimentSpecSchema>;
export type ConditionalConfig = ConfigOf<typeof conditionalKinds>;
export type ProcessConfig = ConfigOf<typeof processKinds>;
export type DataConfig = ConfigOf<typeof dataKinds>;
export type EncoderConfig = ConfigOf<typeof encoderKinds>;
export type LossConfig = ConfigOf<typeof lossKinds>;
export type AuxiliaryConfig = ConfigOf<typeof auxiliaryKinds>;
export type OptimizerConfig = ConfigOf<typeof optimizerKinds>;
export type ScheduleConfig = ConfigOf<typeof scheduleKinds>;
export type MetricConfig = ConfigOf<typeof metricKinds>;
export type MetricKind = MetricConfig['kind'];
export { INVERSE_OF, S2_ONLY_PROCESSES };

/** The body of one run's spec (no seeds, sweep or presets). */
export type RunSpecBody = Omit<ExperimentSpec, 'sweep' | 'presets' | 'seeds'>;

/**
 * One concrete run: a fully resolved spec (every default written out, no sweep, no presets) and
 * one seed. Its folder stores exactly this, so it can be rerun as is.
 */
export interface RunSpec {
  spec: RunSpecBody;
  seed: number;
  /** The sweep point this run belongs to, e.g. { 'loss.rho': 0.5 } ({} without a sweep). */
  point: Record<string, unknown>;
  /**
   * Data-parallel ranks that train it (`clab run --nproc`; issue 13), present only when more than
   * one: part of the run's key, so a run resumes only with the same number of ranks.
   */
  worldSize?: number;
}
