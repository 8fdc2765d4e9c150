// Element types of tensors (PyTorch's dtype names) and the JavaScript typed arrays that hold them.

export type Dtype = 'float32' | 'float64' | 'int64' | 'int32' | 'bool' | 'uint8';
export const DTYPES: readonly Dtype[] = ['float32', 'float64', 'int64', 'int32', 'bool', 'uint8'];

export type AnyTypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

/** A value an operator accepts in place of a tensor argument. */
export type Scalar = number | boolean;
export type Dims = number | number[];
