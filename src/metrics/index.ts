// Metrics: identifiability of the recovered latents (R², MCC, APE, orthogonality; Paper A) and
// the geometry of embeddings (alignment, uniformity; Wang & Isola). All are pure functions of
// tensors returning plain numbers, computed without gradients in float64.
import type { Metric } from './types.js';
import { apeMetric } from './ape.js';
import { mccMetric } from './mcc.js';
import { orthogonalityMetric } from './orthogonality.js';
import { r2Metric } from './r2.js';

export type { Metric } from './types.js';

export { alignment, uniformity } from './alignment-uniformity.js';
export {
  r2,
  r2Metric,
  fitAffine,
  type R2Result,
  type R2Options,
  type R2Average,
  type HeldOutSplit,
  type AffineFit,
} from './r2.js';
export { mcc, mccMetric, pearsonMatrix, type MCCResult, type MatchedPair } from './mcc.js';
export { ape, apeMetric, type APEResult, type APEOptions } from './ape.js';
export { orthogonality, orthogonalityMetric, type OrthogonalityResult } from './orthogonality.js';
export { hungarian, type Assignment, type HungarianOptions } from './hungarian.js';
export { kmeans, kmeansInertia, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { adjustedRandIndex, normalizedMutualInfo, type LabelArray } from './cluster-agreement.js';
export { silhouette, type SilhouetteOptions } from './silhouette.js';
export { linearProbe, type LinearProbeOptions, type LinearProbeResult } from './linear-probe.js';
export { similarityStats, type SimilarityStats, type SimilarityStatsOptions } from './similarity-stats.js';
export { pixelReadoutR2 } from './pixel-readout.js';
export { blockR2, type BlockR2Options, type BlockR2Result } from './block-r2.js';
export { heldOutMcc, type HeldOutMCCResult } from './held-out-mcc.js';
export { permutationDisentanglement } from './permutation-disentanglement.js';
export { fitKernelRidge, KRR_ALPHAS, KRR_GAMMAS, type KernelRidgeFit } from './kernel-ridge.js';
export { r2Score } from './r2-score.js';

const FACTORIES = {
  r2: () => r2Metric(),
  mcc: () => mccMetric(),
  ape: () => apeMetric(),
  orthogonality: () => orthogonalityMetric(),
} as const satisfies Record<string, () => Metric>;

/** Names accepted by `metricByName` (the `eval.metrics` entries of an experiment spec). */
export type MetricName = keyof typeof FACTORIES;
export const METRIC_NAMES = Object.keys(FACTORIES) as readonly MetricName[];

/**
 * The metric of that name with its default options (in-sample R², APE on the first 2000 rows).
 * Throws on an unknown name, listing the valid ones.
 *
 * @example
 * const results = ['r2', 'mcc'].map((name) => metricByName(name)(z, zHat));
 */
export function metricByName(name: string): Metric {
  if (!Object.hasOwn(FACTORIES, name))
    throw new RangeError(`unknown metric '${name}'; valid metrics: ${METRIC_NAMES.join(', ')}`);
  return FACTORIES[name as MetricName]();
}
