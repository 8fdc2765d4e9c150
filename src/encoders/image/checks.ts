// Shared pieces of the image encoders: input checks, the optional projection head and its
// parameter count. Internal to src/encoders/image.
import { Linear, ReLU, Sequential } from '../../nn/index.js';
import type { Generator, Tensor } from '../../torch/index.js';
import { checkPositiveInt } from '../mlp-encoder.js';

export { checkPositiveInt };

/**
 * Throws unless x is a float32 image batch [n, channels, height, width] with the given channels
 * and (when given) spatial size.
 * @internal
 */
export function checkImageInput(encoder: string, x: Tensor, channels: number, height?: number, width?: number): void {
  const shape = x.shape;
  const hText = height === undefined ? 'H' : String(height);
  const wText = width === undefined ? 'W' : String(width);
  const expected = `[n, ${channels}, ${hText}, ${wText}]`;
  if (shape.length !== 4)
    throw new RangeError(
      `${encoder}: expects an image batch x of shape ${expected} (float32), got a ${shape.length}-d tensor [${shape.join(', ')}]`,
    );
  const [n, c, h, w] = shape as [number, number, number, number];
  if (
    n < 1 ||
    c !== channels ||
    (height !== undefined && h !== height) ||
    (width !== undefined && w !== width) ||
    h < 1 ||
    w < 1
  )
    throw new RangeError(`${encoder}: expects x of shape ${expected}, got [${shape.join(', ')}]`);
  if (x.dtype !== 'float32')
    throw new TypeError(`${encoder}: x must be float32 (the parameters' dtype), got ${x.dtype}`);
}

/** Checks a projection-head width list (undefined or empty = no head). */
export function checkProjection(encoder: string, projection: readonly number[] | undefined): number[] {
  if (projection === undefined) return [];
  if (!Array.isArray(projection)) throw new TypeError(`${encoder}: projection must be an array of layer widths`);
  projection.forEach((h, i) => checkPositiveInt(encoder, `projection[${i}]`, h));
  return [...projection];
}

/**
 * The projection head over widths [inDim, ...projection]: Linear → ReLU between consecutive
 * widths, no activation after the last Linear (SimCLR's g). Undefined for an empty list.
 * @internal
 */
export function projectionHead(inDim: number, projection: readonly number[], gen: Generator): Sequential | undefined {
  if (projection.length === 0) return undefined;
  const head = new Sequential();
  let width = inDim;
  projection.forEach((h, i) => {
    if (i > 0) head.append(new ReLU());
    head.append(new Linear(width, h, gen));
    width = h;
  });
  return head;
}

/** Parameters of `projectionHead(inDim, projection)`: Σ a·b + b over consecutive widths. */
export function projectionParameters(inDim: number, projection: readonly number[]): number {
  let n = 0;
  let width = inDim;
  for (const h of projection) {
    n += width * h + h;
    width = h;
  }
  return n;
}
