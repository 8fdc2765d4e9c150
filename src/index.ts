// clab: a contrastive-learning laboratory. The package root re-exports every domain; each also has
// its own sub-path export (clab/torch, clab/nn, clab/optim, clab/io, clab/latent, clab/processes,
// clab/losses, clab/metrics).
export * from './torch/index.js';
export * from './nn/index.js';
export * from './optim/index.js';
export * from './io/index.js';
export * from './latent/index.js';
export * from './processes/index.js';
export * from './losses/index.js';
export * from './metrics/index.js';
export * from './encoders/index.js';
export * as theory from './theory/index.js';
export * as data from './data/index.js';
export * as augment from './augment/index.js';
