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
export {
  clusteredData,
  clusterGap,
  CLUSTER_CURVE_AMPLITUDE,
  CLUSTER_CURVE_HALF_LENGTH,
  type ClusteredData,
  type ClusteredDataOptions,
} from './clusters.js';
export {
  loadCifar10,
  CIFAR10_CLASSES,
  CIFAR10_FILES,
  CIFAR10_FILE_BYTES,
  CIFAR10_RECORD_BYTES,
  CIFAR10_RECORDS_PER_FILE,
  type Cifar10Options,
} from './cifar10.js';
export { loadMnist, MNIST_SIZE, type MnistOptions } from './mnist.js';
export { renderShapes, fromSphere, SHAPE_LATENTS, SHAPE_IMAGE_SIZE, type FromSphereOptions } from './shapes.js';
export type { ImageDataset, ImageSplits } from './image-types.js';
