// Shared types of the image datasets (CIFAR-10, MNIST, rendered shapes).
import type { Tensor } from '../torch/index.js';

/** A labelled image dataset held in memory. */
export interface ImageDataset {
  /** [N, C, H, W] float32 with values in [0, 1]. */
  images: Tensor;
  /** [N] int64 class indices in 0..classes.length − 1. */
  labels: Tensor;
  /** Class names, indexed by label. */
  classes: string[];
}

/** A train/test pair of datasets with the same classes. */
export interface ImageSplits {
  train: ImageDataset;
  test: ImageDataset;
}
