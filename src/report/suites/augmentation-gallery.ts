// The augmentation gallery of the image-regime reports: the same training images under each
// regime (two draws each), so a reader sees the positive pairs each sampling mechanism produces.
import { regime } from '../../augment/index.js';
import { buildData, runStreams, type RunSpec } from '../../experiments/index.js';
import { Generator, noGrad, scope, type Tensor } from '../../torch/index.js';
import type { ImageGalleryInput } from '../types.js';
import { label, REGIME_LABELS } from './image-regimes-pattern.js';

const GALLERY_SEED = 20261124;

/**
 * Example augmented views: the first 8 training images, then two draws of each regime on them (a
 * fixed seed), so the report shows the positive pairs each sampling mechanism produces.
 */
export function augmentationGallery(images: Tensor, regimes: readonly string[], dataset: string): ImageGalleryInput {
  return noGrad(() =>
    scope(() => {
      const x = images.narrow(0, 0, Math.min(8, images.size(0)));
      const [c, h, w] = [x.size(1), x.size(2), x.size(3)];
      const asImages = (t: Tensor): ImageGalleryInput['rows'][number]['images'] =>
        t.unbind(0).map((im) => ({ channels: (c === 1 ? 1 : 3) as 1 | 3, height: h, width: w, pixels: im.toArray() }));
      const gen = new Generator(GALLERY_SEED);
      const rows: ImageGalleryInput['rows'] = [{ label: 'original', images: asImages(x) }];
      for (const r of regimes) {
        const op = regime(r, { imageSize: h });
        for (const k of [1, 2])
          rows.push({ label: `${label(REGIME_LABELS, r)} (${k})`, images: asImages(op.apply(x, gen)) });
      }
      return {
        title: `Augmented views per regime (${dataset})`,
        caption:
          'Each row applies one regime to the same 8 training images (two independent draws per regime): the positive pairs each sampling mechanism produces.',
        rows,
      };
    }),
  );
}

/** The first training images of a run's data (its own split), for the gallery. */
export function galleryImages<T>(run: RunSpec, use: (images: Tensor, shape: readonly number[]) => T): T {
  const data = buildData(run.spec, runStreams(run.seed));
  try {
    const train = data.evalSet().train;
    if (train === undefined)
      throw new RangeError(`image-regimes report: data '${run.spec.data.kind}' has no train split`);
    return use(train.inputs, data.inputShape);
  } finally {
    data.dispose();
  }
}
