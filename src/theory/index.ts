// Theory of Paper A: a Monte Carlo estimator of the asymptotic InfoNCE loss L(h) for a map h on
// latents, comparisons of maps on common random numbers, and the maps h_λ, identity, orthogonal.
export {
  estimateAsymptoticLoss,
  compareMaps,
  estimateOnCommonSamples,
  differenceOf,
  type LatentMap,
  type AsymptoticLossOptions,
  type AsymptoticLossEstimate,
  type MapComparison,
} from './asymptotic-loss.js';
export { hLambda, identityMap, linearMap, randomOrthogonal } from './h-lambda.js';
export {
  optimalNegativeSimilarity,
  positiveSimilarityBound,
  miniBatchVarianceBounds,
  uniformityApprox,
} from './similarity-bounds.js';
