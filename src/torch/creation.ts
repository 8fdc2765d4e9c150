// Creating tensors: from JavaScript data and by shape. Float tensors default to float32.
import { native } from './native.js';
import type { AnyTypedArray, Dtype } from './dtype.js';
import { op, opMulti, Tensor } from './tensor.js';

export type NestedNumbers = number | boolean | NestedNumbers[];

function inferShape(data: NestedNumbers): number[] {
  const shape: number[] = [];
  let cur: NestedNumbers = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedNumbers;
  }
  return shape;
}

function flattenChecked(data: NestedNumbers, shape: number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (Array.isArray(data)) throw new TypeError('tensor(): ragged nested array');
    if (typeof data === 'boolean') out.push(data ? 1 : 0);
    else if (typeof data === 'number') out.push(data);
    else throw new TypeError(`tensor(): elements must be numbers or booleans, got ${typeof data}`);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) throw new TypeError('tensor(): ragged nested array');
  for (const x of data) flattenChecked(x, shape, depth + 1, out);
}

function dtypeOfTypedArray(a: AnyTypedArray): Dtype {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
}

function typedArrayFor(values: ArrayLike<number>, dtype: Dtype): AnyTypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(Array.from(values), (x) => {
        if (!Number.isInteger(x)) throw new TypeError(`tensor(): int64 data must be integers, got ${x}`);
        return BigInt(x);
      });
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
    case 'uint8':
      return Uint8Array.from(values, (x) => (dtype === 'bool' ? (x ? 1 : 0) : x));
    default:
      throw new TypeError(`unknown dtype '${String(dtype)}' (allowed: float32, float64, int64, int32, bool, uint8)`);
  }
}

/**
 * A tensor from JavaScript data (copied). Nested arrays give their own shape; a flat array or a
 * typed array takes `shape` (default: 1-d). Typed arrays keep their dtype unless one is given.
 *
 * @example
 * tensor([[1, 2], [3, 4]]);                         // float32 [2, 2]
 * tensor(new Float64Array([1, 2, 3, 4]), [2, 2]);   // float64 [2, 2]
 * tensor([0, 2, 1], undefined, 'int64');            // int64 [3]
 */
export function tensor(data: NestedNumbers | AnyTypedArray, shape?: number[], dtype?: Dtype): Tensor {
  let flat: AnyTypedArray;
  let dataShape: number[];
  if (ArrayBuffer.isView(data)) {
    const own = dtypeOfTypedArray(data);
    const target = dtype ?? own;
    if (target === own) flat = data;
    else if (target === 'bool' && own === 'uint8') flat = Uint8Array.from(data as Uint8Array, (x) => (x ? 1 : 0));
    else if (data instanceof BigInt64Array) flat = typedArrayFor(Array.from(data, Number), target);
    else flat = typedArrayFor(data, target);
    dataShape = [data.length];
    dtype = target;
  } else {
    dataShape = inferShape(data);
    const values: number[] = [];
    flattenChecked(data, dataShape, 0, values);
    dtype ??= 'float32';
    flat = typedArrayFor(values, dtype);
  }
  const finalShape = shape ?? dataShape;
  const n = finalShape.reduce((a, b) => a * b, 1);
  if (n !== flat.length)
    throw new RangeError(`tensor(): shape [${finalShape.join(', ')}] needs ${n} elements, data has ${flat.length}`);
  return Tensor.fromNative(native.fromBuffer(flat, finalShape, dtype));
}

/** A 0-d tensor holding one number. */
export function scalarTensor(value: number, dtype: Dtype = 'float32'): Tensor {
  return op('aten::scalar_tensor', value, dtype);
}

export function zeros(shape: number[], dtype: Dtype = 'float32'): Tensor {
  return op('aten::zeros', shape, dtype);
}
export function ones(shape: number[], dtype: Dtype = 'float32'): Tensor {
  return op('aten::ones', shape, dtype);
}
export function full(shape: number[], value: number, dtype: Dtype = 'float32'): Tensor {
  return op('aten::full', shape, value, dtype);
}
export function empty(shape: number[], dtype: Dtype = 'float32'): Tensor {
  return op('aten::empty.memory_format', shape, dtype);
}
export function zerosLike(t: Tensor, dtype?: Dtype): Tensor {
  return op('aten::zeros_like', t, dtype);
}
export function onesLike(t: Tensor, dtype?: Dtype): Tensor {
  return op('aten::ones_like', t, dtype);
}
export function fullLike(t: Tensor, value: number, dtype?: Dtype): Tensor {
  return op('aten::full_like', t, value, dtype);
}
/** [start, end) in steps of `step`; int64 when all bounds are integers and no dtype is given. */
export function arange(start: number, end?: number, step = 1, dtype?: Dtype): Tensor {
  if (end === undefined) [start, end] = [0, start];
  return op('aten::arange.start_step', start, end, step, dtype);
}
export function linspace(start: number, end: number, steps: number, dtype: Dtype = 'float32'): Tensor {
  return op('aten::linspace', start, end, steps, dtype);
}
export function eye(n: number, dtype: Dtype = 'float32'): Tensor {
  return op('aten::eye', n, dtype);
}
export function cat(tensors: Tensor[], dim = 0): Tensor {
  return op('aten::cat', tensors, dim);
}
export function stack(tensors: Tensor[], dim = 0): Tensor {
  return op('aten::stack', tensors, dim);
}
/** Elementwise `condition ? a : b` with broadcasting. */
export function where(condition: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  if (a instanceof Tensor && b instanceof Tensor) return op('aten::where.self', condition, a, b);
  if (a instanceof Tensor) return op('aten::where.ScalarOther', condition, a, b);
  if (b instanceof Tensor) return op('aten::where.ScalarSelf', condition, a, b);
  return op('aten::where.Scalar', condition, a, b);
}
/** Coordinate grids ('ij' indexing). */
export function meshgrid(tensors: Tensor[]): Tensor[] {
  return opMulti('aten::meshgrid.indexing', tensors, 'ij');
}
