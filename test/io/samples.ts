// Shared fixtures of the io tests: tensors of every dtype and awkward shape, and value lists in
// the conventions of the Python helpers (special floats and int64 as strings).
import { tensor, type Dtype, type Tensor } from '../../src/torch/index.js';

// The 16-d shape makes numpy's growth padding cross a 64-byte boundary, and makes the bool
// tensors' total size not a multiple of 8 (so misaligned layouts would show).
export const SHAPES: number[][] = [[], [0], [2, 0, 3], [5], [2, 3], [2, 1, 3, 2], [2, ...Array<number>(14).fill(1), 3]];

const FLOATS = [1.5, -0, NaN, Infinity, -Infinity, 3.4e38, -1e-45, 0.1, -7];
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 53n + 1n];
const INT32 = [-(2 ** 31), 2 ** 31 - 1, 0, -5, 123456];

/** A tensor of `dtype` and `shape` with values that exercise the dtype's corners. */
export function sample(dtype: Dtype, shape: number[], salt = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const at = <T>(list: T[], i: number): T => list[(i + salt) % list.length]!;
  switch (dtype) {
    case 'float32':
      return tensor(
        Float32Array.from({ length: n }, (_, i) => at(FLOATS, i) + (i > 8 ? i / 3 : 0)),
        shape,
      );
    case 'float64':
      return tensor(
        Float64Array.from({ length: n }, (_, i) => (i === 5 ? 1e300 : at(FLOATS, i) + i / 7)),
        shape,
      );
    case 'int64':
      return tensor(
        BigInt64Array.from({ length: n }, (_, i) => at(INT64, i)),
        shape,
      );
    case 'int32':
      return tensor(
        Int32Array.from({ length: n }, (_, i) => at(INT32, i) + (i > 4 ? i : 0)),
        shape,
      );
    case 'bool':
      return tensor(
        Uint8Array.from({ length: n }, (_, i) => ((i + salt) % 3 === 0 ? 1 : 0)),
        shape,
        'bool',
      );
    case 'uint8':
      return tensor(
        Uint8Array.from({ length: n }, (_, i) => (255 - i * 37 - salt) & 0xff),
        shape,
      );
  }
}

/** The raw bytes of a tensor's elements (a faithful comparison, NaN payloads and -0 included). */
export function bytesOf(t: Tensor): number[] {
  const d = t.data();
  return [...new Uint8Array(d.buffer, d.byteOffset, d.byteLength)];
}

/** Values as the Python helpers print them. */
export function pyValues(t: Tensor): (number | string | boolean)[] {
  const d = t.data();
  if (d instanceof BigInt64Array) return Array.from(d, (v) => v.toString());
  if (t.dtype === 'bool') return Array.from(d as Uint8Array, (v) => v === 1);
  return Array.from(d as ArrayLike<number>, (v) =>
    Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v,
  );
}
