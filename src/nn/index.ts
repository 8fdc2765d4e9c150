// clab/nn: modules (layers with parameters and buffers), initialisation and the MLP builder.
export { Module, type LoadStateDictResult } from './module.js';
export { Linear } from './linear.js';
export { BatchNorm, BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batchnorm.js';
export { LayerNorm } from './layernorm.js';
export { Conv2d, type Conv2dOptions } from './conv.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './pooling.js';
export { Dropout } from './dropout.js';
export { Sequential } from './sequential.js';
export { FusedMlp, fusedLinearReluBatchNorm } from './fused-mlp.js';
export {
  ReLU,
  LeakyReLU,
  GELU,
  Tanh,
  Sigmoid,
  Softplus,
  Identity,
  activation,
  type ActivationName,
} from './activation.js';
export { mlp, type MlpOptions } from './mlp.js';
export type { Pair } from './checks.js';
export * as init from './init.js';
