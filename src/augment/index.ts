// Image augmentations, batched over [N, C, H, W] and seeded by an explicit Generator, and Paper A's
// named regimes.
export { type Augmentation, type Range } from './types.js';
export { randomResizedCrop, type RandomResizedCropOptions, type CropBox } from './random-resized-crop.js';
export { horizontalFlip, type HorizontalFlipOptions } from './horizontal-flip.js';
export { colorJitter, rgbToHsv, hsvToRgb, type ColorJitterOptions } from './color-jitter.js';
export { grayscale, luma, type GrayscaleOptions } from './grayscale.js';
export { gaussianBlur, type GaussianBlurOptions } from './gaussian-blur.js';
export { cutout, type CutoutOptions } from './cutout.js';
export { rotation, type RotationOptions } from './rotation.js';
export { compose, regime, REGIME_NAMES, type Composed, type RegimeName, type RegimeOptions } from './regimes.js';
