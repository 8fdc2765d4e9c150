// Latent sampling (Paper A): the uniform marginal on S^{k−1}, the vMF and restricted-vMF positive
// conditionals, uniform supports for negatives (the whole sphere, or each anchor's K(z)), and the
// diversity diagnostic; cl-ica's spaces (sphere, box, R^k) with normal, Laplace and
// generalised-normal marginals and perturbations (Zimmermann et al. 2021); von Kügelgen et al.'s
// content/style latents (2021).
export type { Marginal, Conditional, Support } from './types.js';
export { UniformSphere, sampleUniformSphere } from './uniform-sphere.js';
export { VonMisesFisher, sampleVonMisesFisher, meanResultantLength } from './vmf.js';
export {
  RestrictedVonMisesFisher,
  sampleRestrictedVonMisesFisher,
  checkRestrictedFixedDims,
  twoPointFlipProbability,
} from './restricted-vmf.js';
export { ConstrainedSupport, sampleConstrainedSupport, checkConstrainedFixedDims } from './constrained-support.js';
export { FullSphereSupport } from './full-sphere-support.js';
export { diversityDiagnostic, type DiversityOptions, type DiversityReport } from './diversity.js';
export {
  sphere,
  checkSpace,
  describeSpace,
  constrainToSpace,
  SPACE_KINDS,
  type LatentSpace,
  type SpaceKind,
} from './space.js';
export { rejectIntoBox } from './box-rejection.js';
export { sampleNoise, noiseVariance, logGamma, checkNoiseLaw, NOISE_KINDS, type NoiseLaw } from './coordinate-noise.js';
export { UniformBox } from './uniform-box.js';
export { NoiseMarginal } from './noise-marginal.js';
export { Perturbation } from './perturbation.js';
export { ContentStyleMarginal, ContentStyleConditional, type ContentStyleOptions } from './content-style.js';
