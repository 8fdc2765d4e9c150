// Turns a resolved run spec into the objects one run trains and evaluates with, through the domain
// registries (src/*/kinds.ts): the data source, the encoder, the loss (with its auxiliary terms and
// the negatives it asks the data for), the optimizer and its schedule.
import { dataKinds } from '../data/kinds.js';
import type { DataSource, NegativeRequest } from '../data/source.js';
import { encoderKinds, type Encoder } from '../encoders/kinds.js';
import { conditionalKinds } from '../latent/kinds.js';
import { marginalKinds } from '../latent/marginal-kinds.js';
import type { Conditional, Marginal } from '../latent/types.js';
import { auxiliaryKinds, lossKinds, type BuiltLoss } from '../losses/kinds.js';
import type { ContrastiveLoss } from '../losses/types.js';
import { optimizerKinds, scheduleKinds } from '../optim/kinds.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Schedule } from '../optim/schedule.js';
import { processKinds } from '../processes/kinds.js';
import type { Process } from '../processes/types.js';
import { create } from '../registry/kind.js';
import type { Generator, Tensor } from '../torch/index.js';
import type { ConditionalConfig, RunSpecBody } from './spec.js';
import type { StreamName } from './streams.js';
import { latentSpaceOf, type LatentSection } from './latent-spec.js';

/**
 * The positive conditional on the spec's latent space; `gen` (the run's `set` stream) draws its
 * frozen parameters, if it has any (content-style with dependence).
 */
export function buildConditional(
  config: ConditionalConfig,
  latentDim: number,
  latent?: LatentSection,
  gen?: Generator,
): Conditional {
  const space = latent !== undefined ? latentSpaceOf(latent) : undefined;
  return create(
    conditionalKinds,
    config,
    { latentDim, ...(space !== undefined ? { space } : {}), ...(gen !== undefined ? { gen } : {}) },
    'conditional',
  ) as Conditional;
}

/**
 * The anchors' law of a spec that names a space or a marginal (src/experiments/latent-spec.ts);
 * undefined for Paper A's { dim }, whose uniform sphere the data kinds build as they always did.
 */
export function buildMarginal(latent: LatentSection, gen: Generator): Marginal | undefined {
  if (latent.marginal === undefined) return undefined;
  return create(marginalKinds, latent.marginal, { space: latentSpaceOf(latent), gen }, 'marginal') as Marginal;
}

/** The data source of a run (its frozen parts from the `set` stream, the held-out set from `eval`). */
export function buildData(spec: RunSpecBody, gens: Record<StreamName, Generator>): DataSource {
  const latentDim = spec.latent.dim;
  // Set-stream order: the process's parameters, then the marginal's, then the conditional's (the
  // last two draw nothing for Paper A's kinds, so its runs draw exactly what they always did).
  const process = create(processKinds, spec.process, { latentDim, gen: gens.set }, 'process') as Process;
  const marginal = buildMarginal(spec.latent, gens.set);
  return create(
    dataKinds,
    spec.data,
    {
      latentDim,
      ...(marginal !== undefined ? { marginal } : {}),
      ...(spec.conditional !== undefined
        ? {
            conditional: buildConditional(spec.conditional, latentDim, spec.latent, gens.set),
            conditionalConfig: spec.conditional,
          }
        : {}),
      process,
      evalSamples: spec.eval.samples,
      set: gens.set,
      eval: gens.eval,
    },
    'data',
  ) as DataSource;
}

export function buildEncoder(spec: RunSpecBody, data: DataSource, gen: Generator): Encoder {
  return create(
    encoderKinds,
    spec.encoder,
    {
      inputShape: data.inputShape,
      ...(data.latentDim !== undefined ? { latentDim: data.latentDim } : {}),
      ...(data.size !== undefined ? { size: data.size } : {}),
      gen,
    },
    'encoder',
  ) as Encoder;
}

/** The loss with its auxiliary terms added, and the negatives it needs per step. */
export function buildLoss(spec: RunSpecBody, data: DataSource): { loss: ContrastiveLoss; negatives: NegativeRequest } {
  const ctx = { batch: spec.train.batch, ...(data.size !== undefined ? { datasetSize: data.size } : {}) };
  const built = create(lossKinds, spec.loss, ctx, 'loss') as BuiltLoss;
  let loss = built.loss;
  for (const aux of spec.auxiliary)
    loss = create(auxiliaryKinds, aux, { ...ctx, base: loss }, 'auxiliary') as ContrastiveLoss;
  return { loss, negatives: built.negatives };
}

export function buildOptimizer(
  spec: RunSpecBody,
  params: readonly Tensor[],
): { optimizer: Optimizer; schedule: Schedule } {
  const optimizer = create(optimizerKinds, spec.train.optimizer, params, 'optimizer') as Optimizer;
  const schedule = create(
    scheduleKinds,
    spec.train.schedule,
    { lr: spec.train.optimizer.lr, totalSteps: spec.train.iterations },
    'schedule',
  ) as Schedule;
  return { optimizer, schedule };
}
