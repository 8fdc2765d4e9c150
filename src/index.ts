// clab: a contrastive-learning laboratory. The package root re-exports the engine; domains have
// their own sub-path exports (clab/torch, clab/nn, clab/optim, clab/io, …).
export * from './torch/index.js';
