// Latent sampling (Paper A): the uniform marginal on S^{k−1}, the vMF and restricted-vMF positive
// conditionals, uniform supports for negatives (the whole sphere, or each anchor's K(z)), and the
// diversity diagnostic.
export type { Marginal, Conditional, Support } from './types.js';
export { UniformSphere, sampleUniformSphere } from './uniform-sphere.js';
export { VonMisesFisher, sampleVonMisesFisher, meanResultantLength } from './vmf.js';
export {
  RestrictedVonMisesFisher,
  sampleRestrictedVonMisesFisher,
  checkRestrictedFixedDims,
} from './restricted-vmf.js';
export { ConstrainedSupport, sampleConstrainedSupport, checkConstrainedFixedDims } from './constrained-support.js';
export { FullSphereSupport } from './full-sphere-support.js';
export { diversityDiagnostic, type DiversityOptions, type DiversityReport } from './diversity.js';
