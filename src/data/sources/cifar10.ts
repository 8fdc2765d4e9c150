// CIFAR-10 (Krizhevsky 2009) from the binary distribution the user supplies (`path`: the
// cifar-10-batches-bin folder, a folder holding it, or cifar-10-binary.tar.gz; src/data/cifar10.ts),
// trained SimCLR-style with one of Paper A's augmentation regimes (src/data/sources/image-set.ts).
// The first `train` records of the train split and the first `test` of the test split are used.
import { z } from 'zod';
import { defineKind, positiveInt, variant } from '../../registry/kind.js';
import { loadCifar10 } from '../cifar10.js';
import type { DataContext, DataSource } from '../source.js';
import { augmentationSetting, ImageSetSource } from './image-set.js';

export const cifar10Data = defineKind({
  schema: variant('cifar10', {
    /** The cifar-10-batches-bin folder (or the .tar.gz); nothing is downloaded. Required. */
    path: z.string({ error: 'data.path: the CIFAR-10 binary folder or .tar.gz (e.g. --data PATH)' }).min(1),
    /** Train images: the first `train` of the 50,000. */
    train: positiveInt('train').max(50_000).default(50_000),
    /** Test images: the first `test` of the 10,000. */
    test: positiveInt('test').max(10_000).default(10_000),
    /** Paper A's regime for the two views: all, crop-only, all-without-crop, or none. */
    augmentation: augmentationSetting.default('all'),
    /** Accept batch files with fewer than 10,000 records (small fixtures in tests). */
    allowPartial: z.boolean().default(false),
  }),
  summary: 'CIFAR-10 from its binary distribution (data.path), two augmented views per image (Paper A)',
  example: { kind: 'cifar10', path: '../shared/data/cifar-10-batches-bin', train: 32, test: 16 },
  provides: ['labels', 'positives', 'shared-negatives', 'view-negatives', 'finite-set'],
  // A batch larger than the train set is one step of all of it (drop-last batching, image-set.ts).
  inputs: (c) => ({ shape: [3, 32, 32], size: c.train }),
  create: (c, ctx: DataContext): DataSource => {
    const train = loadCifar10(c.path, { split: 'train', limit: c.train, allowPartial: c.allowPartial });
    let test;
    try {
      test = loadCifar10(c.path, { split: 'test', limit: c.test, allowPartial: c.allowPartial });
    } catch (err) {
      train.images.dispose();
      train.labels.dispose();
      throw err;
    }
    return new ImageSetSource({ train, test }, c.augmentation, ctx.set, ctx.eval);
  },
});
