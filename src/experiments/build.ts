// Turns a resolved run spec into the objects one run trains and evaluates with, through the domain
// registries (src/*/kinds.ts): the data source, the encoder, the loss (with its auxiliary terms and
// the negatives it asks the data for), the optimizer and its schedule.
import { dataKinds } from '../data/kinds.js';
import type { DataSource, NegativeRequest } from '../data/source.js';
import { encoderKinds, type Encoder } from '../encoders/kinds.js';
import { conditionalKinds } from '../latent/kinds.js';
import type { Conditional } from '../latent/types.js';
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

export function buildConditional(config: ConditionalConfig, latentDim: number): Conditional {
  return create(conditionalKinds, config, { latentDim }, 'conditional') as Conditional;
}

/** The data source of a run (its frozen parts from the `set` stream, the held-out set from `eval`). */
export function buildData(spec: RunSpecBody, gens: Record<StreamName, Generator>): DataSource {
  const latentDim = spec.latent.dim;
  const process = create(processKinds, spec.process, { latentDim, gen: gens.set }, 'process') as Process;
  return create(
    dataKinds,
    spec.data,
    {
      latentDim,
      ...(spec.conditional !== undefined
        ? { conditional: buildConditional(spec.conditional, latentDim), conditionalConfig: spec.conditional }
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
