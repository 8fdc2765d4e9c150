// Contrastive losses: one file each, arguments checked at construction.
export type { ContrastiveBatch, ContrastiveLoss, LossOutput } from './types.js';
export { infoNCE, infoNCEFromLogits, type InfoNCEOptions } from './infonce.js';
export { ntXent, type NTXentOptions } from './nt-xent.js';
export {
  adaptedInfoNCE,
  sampleAdaptedNegatives,
  constrainedNegativeCount,
  checkNegativesPerAnchor,
  checkConstraintRatio,
  type AdaptedInfoNCEOptions,
} from './adapted-infonce.js';
export { augmentationProxy, sampleProxyNegatives, type AugmentationProxyOptions } from './augmentation-proxy.js';
export { alignmentUniformityLoss, type AlignmentUniformityOptions } from './alignment-uniformity-loss.js';
export {
  similarityFamily,
  type SimilarityFamilyOptions,
  type SimilarityPhi,
  type SimilarityPsi,
} from './similarity-family.js';
export { siglip, negLogSigmoid, type SigLIPOptions } from './siglip.js';
export { spectralContrastive } from './spectral.js';
export { vrns, withVRNS, type VRNSOptions } from './vrns.js';
