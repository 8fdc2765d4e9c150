// clab/optim: optimizers (SGD, Adam, AdamW) with checkpointable state, and learning-rate schedules.
export {
  BaseOptimizer,
  type Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type AnyParamGroup,
  type ParamGroupInput,
  type HyperParams,
  type HyperValue,
  type StateLayout,
} from './optimizer.js';
export { SGD, type SGDHyper, type SGDOptions } from './sgd.js';
export { Adam, type AdamHyper, type AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export { constantLR, stepLR, cosineWithWarmup, type Schedule } from './schedule.js';
export { LRScheduler } from './scheduler.js';
