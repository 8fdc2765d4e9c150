// The experiment spec (design/interfaces.md): what a researcher declares — latent space, positive
// sampler, generative process, encoder, loss, training, evaluation, seeds and sweeps — validated by
// zod with every default filled in here, in one place. A config never executes code.
//
// Tagged variants, never integer codes: `conditional: { kind: restricted-vmf, kappa: 3.333, fixedDims: 1 }`.
// Unknown keys are errors; every error names the key path and the allowed values.
import { z } from 'zod';

const positive = (what: string) => z.number({ error: `${what} must be a number` }).positive({ error: `${what} must be > 0` });
const positiveInt = (what: string) => z.number().int({ error: `${what} must be an integer` }).positive({ error: `${what} must be ≥ 1` });
const nonNegativeInt = (what: string) => z.number().int({ error: `${what} must be an integer` }).nonnegative({ error: `${what} must be ≥ 0` });

// --- positive-pair conditional (Paper A: the sampling mechanism) -------------------------------
export const ConditionalSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('vmf'),
    /** vMF concentration κ > 0 (Paper A: κ = 1/τ). */
    kappa: positive('kappa'),
  }),
  z.strictObject({
    kind: z.literal('restricted-vmf'),
    kappa: positive('kappa'),
    /**
     * Leading latent coordinates held fixed by the positive sampler; 0 ≤ fixedDims ≤ latent.dim − 2
     * (0 is plain vMF; the varying part needs at least two coordinates to have a sphere to move on).
     */
    fixedDims: nonNegativeInt('fixedDims'),
  }),
]);

// --- generative process x = g(z) ------------------------------------------------------------------
export const ProcessSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('identity') }),
  z.strictObject({ kind: z.literal('linear'), outDim: positiveInt('outDim').default(7) }),
  z.strictObject({ kind: z.literal('spiral'), turns: z.number().default(2) }),
  z.strictObject({
    kind: z.literal('patches'),
    slices: positiveInt('slices').default(4),
    variant: z.enum(['reference', 'design']).default('reference'),
  }),
  z.strictObject({ kind: z.literal('invertible-mlp'), layers: positiveInt('layers').default(3) }),
  z.strictObject({ kind: z.literal('monomial'), degree: positiveInt('degree').default(7) }),
]);

// --- encoder ---------------------------------------------------------------------------------------
export const EncoderSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('mlp'),
    hidden: z.array(positiveInt('hidden width')).default([128, 256, 256, 256, 128]),
    batchNorm: z.boolean().default(true),
    /** Hidden block order; 'act-norm' (Linear → ReLU → BatchNorm) is the reference code's. */
    order: z.enum(['act-norm', 'norm-act']).default('act-norm'),
  }),
  z.strictObject({ kind: z.literal('inverse-linear') }),
  z.strictObject({ kind: z.literal('inverse-spiral'), turns: z.number().default(2) }),
  z.strictObject({ kind: z.literal('inverse-patches'), slices: positiveInt('slices').default(4) }),
]);

// --- loss ------------------------------------------------------------------------------------------
export const LossSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('infonce'),
    tau: positive('tau'),
    /** 'shared': one fresh batch of uniform negatives for all anchors (Paper A's standard runs). */
    negatives: z.enum(['shared']).default('shared'),
  }),
  z.strictObject({
    kind: z.literal('adapted-infonce'),
    tau: positive('tau'),
    /** M negatives per anchor (paper: 2000; O(N·M) encoder passes, so smaller by default). */
    negativesPerAnchor: positiveInt('negativesPerAnchor').default(64),
    /** Constraint ratio ρ ∈ [0, 1]: share of each anchor's negatives drawn from U(K(z)). */
    rho: z.number().min(0, { error: 'rho must be in [0, 1]' }).max(1, { error: 'rho must be in [0, 1]' }).default(1),
  }),
]);

export const OptimizerSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('adam'), lr: positive('lr').default(1e-3), weightDecay: z.number().nonnegative().default(0) }),
  z.strictObject({
    kind: z.literal('sgd'),
    lr: positive('lr'),
    momentum: z.number().min(0).max(1).default(0),
    weightDecay: z.number().nonnegative().default(0),
  }),
]);

export const METRIC_KINDS = ['r2', 'mcc', 'ape', 'orthogonality'] as const;

export const TrainSpec = z.strictObject({
  iterations: positiveInt('iterations').default(5000),
  /** Anchors per step (also the number of shared negatives for the standard loss). */
  batch: positiveInt('batch').default(2000),
  optimizer: OptimizerSpec.default({ kind: 'adam', lr: 1e-3, weightDecay: 0 }),
  /** Steps between checkpoints (resume granularity). */
  checkpointEvery: positiveInt('checkpointEvery').default(250),
});

export const EvalSpec = z.strictObject({
  /** Steps between evaluations on the fixed held-out latent sample (the end is always evaluated). */
  every: positiveInt('every').default(500),
  samples: positiveInt('samples').default(5000),
  metrics: z.array(z.enum(METRIC_KINDS)).default(['r2', 'mcc', 'ape', 'orthogonality']),
});

/** The spec as written: defaults not yet applied, sweep and presets not yet expanded. */
export const ExperimentSpecSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/, { error: 'name must be lowercase letters, digits, . _ / -' }),
    description: z.string().optional(),
    latent: z.strictObject({ dim: z.number().int().min(2, { error: 'latent.dim must be ≥ 2' }).default(3) }).default({ dim: 3 }),
    conditional: ConditionalSpec,
    process: ProcessSpec.default({ kind: 'identity' }),
    encoder: EncoderSpec.default({ kind: 'mlp', hidden: [128, 256, 256, 256, 128], batchNorm: true, order: 'act-norm' }),
    loss: LossSpec,
    train: TrainSpec.default(TrainSpec.parse({})),
    eval: EvalSpec.default(EvalSpec.parse({})),
    seeds: z.array(nonNegativeInt('seed')).min(1).default([0]),
    /** Cartesian product over key paths, e.g. { 'loss.rho': [0, 0.5, 1] }. */
    sweep: z.record(z.string(), z.array(z.unknown()).min(1)).default({}),
    /** Named partial overrides (e.g. quick, paper) applied by --preset before validation. */
    presets: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  })
  .superRefine((spec, ctx) => {
    const k = spec.latent.dim;
    if (spec.conditional.kind === 'restricted-vmf' && spec.conditional.fixedDims > k - 2)
      ctx.addIssue({
        code: 'custom',
        path: ['conditional', 'fixedDims'],
        message: `conditional.fixedDims must leave at least 2 varying coordinates (allowed: 0..${k - 2} for latent.dim ${k}), got ${spec.conditional.fixedDims}`,
      });
    for (const [part, kind] of [
      ['process', spec.process.kind],
      ['encoder', spec.encoder.kind],
    ] as const) {
      if ((kind === 'spiral' || kind === 'patches' || kind === 'inverse-spiral' || kind === 'inverse-patches') && k !== 3)
        ctx.addIssue({ code: 'custom', path: [part, 'kind'], message: `${part}.kind '${kind}' is defined on S² only (latent.dim 3), got latent.dim ${k}` });
    }
    // An inverse encoder mirrors one process (the identity is the linear map W = I).
    const inverts: Record<string, string[]> = { 'inverse-linear': ['linear', 'identity'], 'inverse-spiral': ['spiral'], 'inverse-patches': ['patches'] };
    const allowed = inverts[spec.encoder.kind];
    if (allowed !== undefined && !allowed.includes(spec.process.kind))
      ctx.addIssue({
        code: 'custom',
        path: ['encoder', 'kind'],
        message: `encoder.kind '${spec.encoder.kind}' inverts process ${allowed.map((a) => `'${a}'`).join(' or ')}, but process.kind is '${spec.process.kind}'`,
      });
    if (spec.loss.kind === 'adapted-infonce' && spec.conditional.kind !== 'restricted-vmf' && spec.loss.rho > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['loss', 'rho'],
        message: 'loss.rho > 0 needs a restricted conditional (its support K(z)); use conditional.kind restricted-vmf or rho 0',
      });
  });

export type ExperimentSpecInput = z.input<typeof ExperimentSpecSchema>;
export type ExperimentSpec = z.output<typeof ExperimentSpecSchema>;
export type ConditionalConfig = z.output<typeof ConditionalSpec>;
export type ProcessConfig = z.output<typeof ProcessSpec>;
export type EncoderConfig = z.output<typeof EncoderSpec>;
export type LossConfig = z.output<typeof LossSpec>;
export type OptimizerConfig = z.output<typeof OptimizerSpec>;
export type MetricKind = (typeof METRIC_KINDS)[number];

/**
 * One concrete run: a fully resolved spec (every default written out, no sweep, no presets) and
 * one seed. Its folder stores exactly this, so it can be rerun as is.
 */
export interface RunSpec {
  spec: Omit<ExperimentSpec, 'sweep' | 'presets' | 'seeds'>;
  seed: number;
  /** The sweep point this run belongs to, e.g. { 'loss.rho': 0.5 } ({} without a sweep). */
  point: Record<string, unknown>;
}
