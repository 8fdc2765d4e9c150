// Datasets and synthetic tasks: Paper C's hypercube, Paper D's clustered data with intertwined
// augmentation sets.
export {
  hypercubeTask,
  perfectRepresentation,
  spuriousRepresentation,
  hypercubePermutation,
  HYPERCUBE_DEFAULT_D,
  HYPERCUBE_DEFAULT_K,
  type HypercubeTask,
  type HypercubeOptions,
  type HypercubeSample,
} from './hypercube.js';
export { clusteredData, clusterGap, CLUSTER_CURVE_AMPLITUDE, CLUSTER_CURVE_HALF_LENGTH, type ClusteredData, type ClusteredDataOptions } from './clusters.js';
