// A kind is one tagged variant of a spec section — a loss, an encoder, a dataset, a metric — declared
// once, next to its domain: the zod schema of its settings (with `kind: '<name>'` as the tag), a
// one-line summary for documentation, a minimal example that the generated registry test builds and
// trains, and the factory that turns validated settings into the science object.
//
// A domain collects its kinds in one record (`satisfies KindRegistry<Ctx, Made>`); the experiment
// spec's unions are built from those records, so adding a loss is one file plus one registry line.
import { z } from 'zod';

/** The schema of one variant: a strict object whose `kind` is a string literal. */
export type VariantSchema = z.ZodObject<{ kind: z.ZodLiteral<string> } & z.ZodRawShape, z.core.$strict>;

export interface Kind<S extends VariantSchema, Ctx, Made> {
  schema: S;
  /** One line: what this kind is (shown in docs and in "allowed values" errors' neighbourhood). */
  summary: string;
  /** The smallest useful settings (kind included), used by the generated registry test. */
  example: z.input<S>;
  /** What the kind needs from the rest of the spec (e.g. a metric that needs latents); checked before any work. */
  requires?: readonly string[];
  /** What the kind offers to the rest of the spec (a dataset's latents, labels, negatives, …). */
  provides?: readonly string[];
  /**
   * Data kinds: what the data will feed the encoder, stated from the settings and the spec's latent
   * model before anything is built (checked against the encoder and train.batch before any work).
   */
  inputs?(config: z.output<S>, spec: LatentModel): DataInputs;
  /** Process kinds: the dimension of x = g(z) for latents z on S^{latentDim−1} (default latentDim). */
  outDim?(config: z.output<S>, latentDim: number): number;
  /** Encoder kinds: which inputs they take (checked against the data's `inputs` before any work). */
  accepts?: InputKind;
  /**
   * Metric kinds: the names of the values they report, from the settings and the latent dimension
   * (two metrics of a spec may not report under one name; checked before any work).
   */
  outputs?(config: z.output<S>, latentDim: number): string[];
  create(config: z.output<S>, ctx: Ctx): Made;
}

/** The spec's latent model as a data kind sees it: latent.dim and what the process makes of it. */
export interface LatentModel {
  latentDim: number;
  /** Dimension of the process's output x = g(z) (the `latents` and `latent-set` inputs). */
  processOutDim: number;
}

/** One model input: a vector [d], a square image [C, H, W], or an instance index [] (a table lookup). */
export type InputKind = 'vectors' | 'images' | 'indices';

/** What a dataset feeds the encoder, known from its settings alone. */
export interface DataInputs {
  /** Shape of one model input: [d], [C, H, W], or [] (instance indices). */
  shape: readonly number[];
  /** The latent dimension, when the data has latents (the synthetic encoders' default embedding size). */
  latentDim?: number;
  /** Number of training instances of a finite set (the 'table' encoder's rows). */
  size?: number;
  /** The largest train.batch a step can draw (a set visited without replacement). */
  maxBatch?: number;
}

/** Which InputKind a shape is (undefined: none the encoders take). */
export function inputKindOf(shape: readonly number[]): InputKind | undefined {
  if (shape.length === 0) return 'indices';
  if (shape.length === 1) return 'vectors';
  if (shape.length === 3 && shape[1] === shape[2]) return 'images';
  return undefined;
}

/** Keeps the schema's precise type (so configs stay typed per kind). */
export function defineKind<S extends VariantSchema, Ctx, Made>(kind: Kind<S, Ctx, Made>): Kind<S, Ctx, Made> {
  return kind;
}

/** `z.strictObject({ kind: z.literal(name), ...shape })`. */
export function variant<K extends string, Shape extends z.ZodRawShape>(name: K, shape: Shape) {
  return z.strictObject({ kind: z.literal(name), ...shape });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKind = Kind<any, any, any>;
export type KindRegistry = Record<string, AnyKind>;

/** The validated config of any kind of a registry (a tagged union). */
export type ConfigOf<R extends KindRegistry> = { [K in keyof R]: z.output<R[K]['schema']> }[keyof R];
/** The config as written (defaults not applied). */
export type InputOf<R extends KindRegistry> = { [K in keyof R]: z.input<R[K]['schema']> }[keyof R];

/**
 * The discriminated union of a registry's schemas. Throws at load time when a record key and its
 * schema's `kind` literal disagree (a registry that would accept one name and build another).
 */
export function unionOf<R extends KindRegistry>(registry: R, domain: string): z.ZodType<ConfigOf<R>, InputOf<R>> {
  const schemas = Object.entries(registry).map(([name, k]) => {
    const literal = (k.schema as VariantSchema).shape.kind.value;
    if (literal !== name) throw new Error(`${domain} registry: entry '${name}' declares kind '${String(literal)}'`);
    return k.schema as VariantSchema;
  });
  if (schemas.length === 0) throw new Error(`${domain} registry is empty`);
  return z.discriminatedUnion('kind', schemas as [VariantSchema, ...VariantSchema[]]) as unknown as z.ZodType<
    ConfigOf<R>,
    InputOf<R>
  >;
}

/** The kind of `config` in `registry`; an unknown kind throws, listing the valid ones. */
export function kindOf<R extends KindRegistry>(registry: R, config: { kind: string }, domain: string): R[keyof R] {
  if (!Object.hasOwn(registry, config.kind))
    throw new RangeError(`unknown ${domain} kind '${config.kind}'; valid: ${Object.keys(registry).join(', ')}`);
  return registry[config.kind] as R[keyof R];
}

/** Builds the object a config declares: `kindOf(registry, config).create(config, ctx)`. */
export function create<R extends KindRegistry, Ctx>(
  registry: R,
  config: ConfigOf<R>,
  ctx: Ctx,
  domain: string,
): ReturnType<R[keyof R]['create']> {
  const kind = kindOf(registry, config as { kind: string }, domain);
  return kind.create(config, ctx) as ReturnType<R[keyof R]['create']>;
}

// Shared number schemas with messages that name the setting.
export const positive = (what: string) =>
  z.number({ error: `${what} must be a number` }).positive({ error: `${what} must be > 0` });
export const positiveInt = (what: string) =>
  z
    .number()
    .int({ error: `${what} must be an integer` })
    .positive({ error: `${what} must be ≥ 1` });
export const nonNegativeInt = (what: string) =>
  z
    .number()
    .int({ error: `${what} must be an integer` })
    .nonnegative({ error: `${what} must be ≥ 0` });
export const unitInterval = (what: string) =>
  z
    .number()
    .min(0, { error: `${what} must be in [0, 1]` })
    .max(1, { error: `${what} must be in [0, 1]` });
