// The optimizers and learning-rate schedules a spec can declare (`train.optimizer`, `train.schedule`).
import { z } from 'zod';
import { defineKind, nonNegativeInt, positive, variant, type ConfigOf } from '../registry/kind.js';
import type { Tensor } from '../torch/index.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import type { Optimizer } from './optimizer.js';
import { constantLR, cosineWithWarmup, stepLR, type Schedule } from './schedule.js';
import { SGD } from './sgd.js';

const weightDecay = z.number().nonnegative().default(0);

export const optimizerKinds = {
  adam: defineKind({
    schema: variant('adam', { lr: positive('lr').default(1e-3), weightDecay }),
    summary: 'Adam (weight decay coupled, as torch.optim.Adam)',
    example: { kind: 'adam' },
    create: (c, params: readonly Tensor[]): Optimizer => new Adam(params, { lr: c.lr, weightDecay: c.weightDecay }),
  }),
  adamw: defineKind({
    schema: variant('adamw', { lr: positive('lr').default(1e-3), weightDecay: z.number().nonnegative().default(0.01) }),
    summary: 'AdamW (decoupled weight decay)',
    example: { kind: 'adamw' },
    create: (c, params: readonly Tensor[]): Optimizer => new AdamW(params, { lr: c.lr, weightDecay: c.weightDecay }),
  }),
  sgd: defineKind({
    schema: variant('sgd', { lr: positive('lr'), momentum: z.number().min(0).max(1).default(0), weightDecay }),
    summary: 'SGD with optional momentum',
    example: { kind: 'sgd', lr: 0.01 },
    create: (c, params: readonly Tensor[]): Optimizer =>
      new SGD(params, { lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay }),
  }),
};

export interface ScheduleContext {
  /** The optimizer's base learning rate. */
  lr: number;
  /** Total training steps. */
  totalSteps: number;
}

export const scheduleKinds = {
  constant: defineKind({
    schema: variant('constant', {}),
    summary: 'the same learning rate at every step',
    example: { kind: 'constant' },
    create: (_c, ctx: ScheduleContext): Schedule => constantLR(ctx.lr),
  }),
  cosine: defineKind({
    schema: variant('cosine', {
      warmupSteps: nonNegativeInt('warmupSteps').default(0),
      minLr: z.number().nonnegative().default(0),
    }),
    summary: 'linear warm-up, then cosine decay to minLr at the last step',
    example: { kind: 'cosine', warmupSteps: 1 },
    create: (c, ctx: ScheduleContext): Schedule =>
      cosineWithWarmup({ lr: ctx.lr, warmupSteps: c.warmupSteps, totalSteps: ctx.totalSteps, minLr: c.minLr }),
  }),
  step: defineKind({
    schema: variant('step', { stepSize: positive('stepSize'), gamma: positive('gamma').default(0.1) }),
    summary: 'multiply the rate by gamma every stepSize steps',
    example: { kind: 'step', stepSize: 1 },
    create: (c, ctx: ScheduleContext): Schedule => stepLR({ lr: ctx.lr, stepSize: c.stepSize, gamma: c.gamma }),
  }),
};

export type OptimizerConfig = ConfigOf<typeof optimizerKinds>;
export type ScheduleConfig = ConfigOf<typeof scheduleKinds>;
