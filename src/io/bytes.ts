// Tensors to and from little-endian row-major bytes, the layout of both safetensors and .npy.
// Internal to src/io.
import { endianness } from 'node:os';
import { tensor, Tensor, type AnyTypedArray, type Dtype } from '../torch/index.js';

const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

/** Bytes per element of each dtype. */
export const ITEM_SIZE: Readonly<Record<Dtype, number>> = {
  float32: 4,
  float64: 8,
  int64: 8,
  int32: 4,
  bool: 1,
  uint8: 1,
};

/** Reverses the byte order of each `itemSize`-byte element, in place. */
export function swapBytes(bytes: Uint8Array, itemSize: number): void {
  if (itemSize === 1) return;
  for (let i = 0; i < bytes.length; i += itemSize) {
    for (let a = i, b = i + itemSize - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/** A tensor's elements as little-endian row-major bytes (a fresh copy). */
export function tensorBytes(t: Tensor): Uint8Array {
  const data = t.data();
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(bytes, ITEM_SIZE[t.dtype]);
  return bytes;
}

/** Number of elements of a shape. */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * A tensor from row-major bytes in the given byte order (copied). The caller has checked that
 * `bytes.byteLength` is numel × item size.
 */
export function tensorFromBytes(bytes: Uint8Array, shape: number[], dtype: Dtype, littleEndian = true): Tensor {
  const itemSize = ITEM_SIZE[dtype];
  let own = bytes;
  const mustSwap = itemSize > 1 && littleEndian !== HOST_IS_LITTLE_ENDIAN;
  // Typed arrays need their offset aligned to the item size; swapping needs a private copy.
  if (mustSwap || bytes.byteOffset % itemSize !== 0) {
    own = new Uint8Array(bytes.byteLength);
    own.set(bytes);
    if (mustSwap) swapBytes(own, itemSize);
  }
  const n = own.byteLength / itemSize;
  let typed: AnyTypedArray;
  switch (dtype) {
    case 'float32':
      typed = new Float32Array(own.buffer, own.byteOffset, n);
      break;
    case 'float64':
      typed = new Float64Array(own.buffer, own.byteOffset, n);
      break;
    case 'int64':
      typed = new BigInt64Array(own.buffer, own.byteOffset, n);
      break;
    case 'int32':
      typed = new Int32Array(own.buffer, own.byteOffset, n);
      break;
    case 'bool':
    case 'uint8':
      typed = own;
      break;
  }
  return tensor(typed, shape, dtype);
}

/** Index of the first byte of a bool buffer that is neither 0 nor 1, or -1. */
export function firstInvalidBool(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 1) return i;
  return -1;
}
