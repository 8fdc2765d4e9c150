// Contrastive losses: one file each, arguments checked at construction.
export type { ContrastiveBatch, ContrastiveLoss, LossOutput } from './types.js';
export { infoNCE, infoNCEFromLogits, type InfoNCEOptions } from './infonce.js';
export { ntXent, type NTXentOptions } from './nt-xent.js';
