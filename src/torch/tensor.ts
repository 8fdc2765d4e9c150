// The Tensor class: an at::Tensor seen from TypeScript. Method names follow PyTorch in camelCase,
// and every operator runs through libtorch's dispatcher, so values, broadcasting, type promotion,
// autograd and error messages are PyTorch's own.
import { native, type NativeTensor, type NativeValue } from './native.js';
import type { AnyTypedArray, Dims, Dtype } from './dtype.js';
import { track, untrack, type Frame, type Owned } from './scope.js';

// ---------------------------------------------------------------------------------------------
// Operator calls

const opIds = new Map<string, number>();

/** Resolves "aten::name.overload" once and caches the dispatcher handle. */
function opId(qualified: string): number {
  let id = opIds.get(qualified);
  if (id === undefined) {
    const dot = qualified.indexOf('.');
    const name = dot < 0 ? qualified : qualified.slice(0, dot);
    const overload = dot < 0 ? '' : qualified.slice(dot + 1);
    id = native.lookupOp(name, overload);
    opIds.set(qualified, id);
  }
  return id;
}

/** The schema of an operator, e.g. opSchema('aten::add.Tensor'). */
export function opSchema(qualified: string): string {
  return native.opSchema(opId(qualified));
}

function toNativeArg(a: unknown): unknown {
  if (a instanceof Tensor) return a.native;
  if (Array.isArray(a)) return a.map(toNativeArg);
  return a;
}

type Wrapped = Tensor | Wrapped[] | number | boolean | undefined;

function wrap(v: NativeValue): Wrapped {
  if (Array.isArray(v)) return v.map(wrap);
  if (typeof v === 'object') return Tensor.fromNative(v);
  return v;
}

/**
 * Calls an ATen operator by its qualified name ("aten::add.Tensor"); omitted trailing or
 * `undefined` arguments take the schema's defaults. Low level: prefer the typed methods.
 */
export function callOp(qualified: string, ...args: unknown[]): Wrapped {
  return wrap(native.callOp(opId(qualified), args.map(toNativeArg)));
}

/** callOp for operators returning one tensor. */
export function op(qualified: string, ...args: unknown[]): Tensor {
  return Tensor.fromNative(native.callOp(opId(qualified), args.map(toNativeArg)) as NativeTensor);
}

/** callOp for operators returning several tensors. */
export function opMulti(qualified: string, ...args: unknown[]): Tensor[] {
  return (native.callOp(opId(qualified), args.map(toNativeArg)) as NativeTensor[]).map((t) => Tensor.fromNative(t));
}

/** callOp for in-place operators: runs it and returns nothing new. */
function opInPlace(qualified: string, ...args: unknown[]): void {
  native.callOp(opId(qualified), args.map(toNativeArg), true);
}

function checkFinite(name: string, what: string, x: number): void {
  if (typeof x !== 'number' || Number.isNaN(x)) throw new TypeError(`${name}: argument '${what}' must be a number`);
}

// ---------------------------------------------------------------------------------------------

/**
 * An n-dimensional array on the CPU with autograd, backed by libtorch.
 *
 * Memory: call `dispose()` when done, or create tensors inside `scope(fn)`, which frees every
 * tensor made in fn except those it returns. Using a disposed tensor throws.
 *
 * @example
 * const x = tensor([1, 2, 3, 4], [2, 2]);      // float32, shape [2, 2]
 * const y = x.matmul(x).sum();                 // scalar tensor
 * y.item();                                    // 54
 */
export class Tensor implements Owned {
  ownerFrame: Frame | undefined = undefined;
  #native: NativeTensor | undefined;

  private constructor(n: NativeTensor) {
    this.#native = n;
    track(this);
  }

  /** @internal Wraps a native tensor handle (used by src/torch only). */
  static fromNative(n: NativeTensor): Tensor {
    return new Tensor(n);
  }

  /** @internal The native handle; throws if disposed. */
  get native(): NativeTensor {
    if (this.#native === undefined) throw new Error('Tensor was disposed and cannot be used');
    return this.#native;
  }

  // --- metadata -------------------------------------------------------------------------------
  get shape(): number[] {
    return this.native.shape();
  }
  get dtype(): Dtype {
    return this.native.dtype() as Dtype;
  }
  get ndim(): number {
    return this.native.shape().length;
  }
  get numel(): number {
    return this.native.numel();
  }
  get isDisposed(): boolean {
    return this.#native === undefined || this.#native.isDisposed();
  }
  /** Size of one dimension (negative counts from the end). */
  size(dim: number): number {
    const s = this.shape;
    const d = dim < 0 ? s.length + dim : dim;
    const v = s[d];
    if (v === undefined) throw new RangeError(`size(): dim ${dim} out of range for a ${s.length}-d tensor`);
    return v;
  }

  /** Frees the native memory now. Idempotent. */
  dispose(): void {
    if (this.#native !== undefined) {
      this.#native.dispose();
      this.#native = undefined;
      untrack(this);
    }
  }

  // --- data out -------------------------------------------------------------------------------
  /** Copies the elements out, row-major, in an array of the tensor's own dtype. */
  data(): AnyTypedArray {
    const buf = this.native.toBuffer();
    switch (this.dtype) {
      case 'float32':
        return new Float32Array(buf);
      case 'float64':
        return new Float64Array(buf);
      case 'int64':
        return new BigInt64Array(buf);
      case 'int32':
        return new Int32Array(buf);
      default:
        return new Uint8Array(buf);
    }
  }
  /** Elements converted to float32. */
  toFloat32Array(): Float32Array {
    if (this.dtype === 'float32') return this.data() as Float32Array;
    const t = this.to('float32');
    try {
      return t.data() as Float32Array;
    } finally {
      t.dispose();
    }
  }
  /** Elements converted to float64. */
  toFloat64Array(): Float64Array {
    if (this.dtype === 'float64') return this.data() as Float64Array;
    const t = this.to('float64');
    try {
      return t.data() as Float64Array;
    } finally {
      t.dispose();
    }
  }
  /** Elements as plain JavaScript numbers (int64 converted with Number()). */
  toArray(): number[] {
    const d = this.data();
    return d instanceof BigInt64Array ? Array.from(d, (x) => Number(x)) : Array.from(d as ArrayLike<number>);
  }
  /** The single element of a one-element tensor. */
  item(): number {
    const v = this.native.item();
    return typeof v === 'boolean' ? (v ? 1 : 0) : v;
  }
  toString(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype})`;
  }

  // --- autograd -------------------------------------------------------------------------------
  get requiresGrad(): boolean {
    return this.native.requiresGrad();
  }
  /** Marks this (leaf) tensor as a variable whose gradient is accumulated in `.grad`. */
  requiresGrad_(on = true): this {
    if (!on && !this.native.isLeaf())
      throw new Error(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    this.native.setRequiresGrad(on);
    return this;
  }
  /** The accumulated gradient (a new handle on it: dispose it, or read it inside a scope). */
  get grad(): Tensor | undefined {
    const g = this.native.grad();
    return g === undefined ? undefined : Tensor.fromNative(g);
  }
  set grad(g: Tensor | undefined) {
    this.native.setGrad(g?.native);
  }
  get isLeaf(): boolean {
    return this.native.isLeaf();
  }
  /** Accumulates d(this)/d(leaf) into every leaf's `.grad`; `grad` is required for non-scalars. */
  backward(grad?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    // As in PyTorch, building a graph of the gradient keeps the forward graph unless told otherwise.
    const createGraph = options.createGraph ?? false;
    this.native.backward(grad?.native, options.retainGraph ?? createGraph, createGraph);
  }
  /** A tensor sharing data but cut from the graph. */
  detach(): Tensor {
    return op('aten::detach', this);
  }
  /** Drops the accumulated gradient (PyTorch's `p.grad = None`). */
  zeroGrad(): void {
    this.native.setGrad(undefined);
  }

  // --- conversion -----------------------------------------------------------------------------
  to(dtype: Dtype): Tensor {
    return op('aten::to.dtype', this, dtype);
  }
  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }
  long(): Tensor {
    return this.to('int64');
  }
  clone(): Tensor {
    return op('aten::clone', this);
  }
  contiguous(): Tensor {
    return op('aten::contiguous', this);
  }
  /** True when both tensors are views of the same memory. */
  sharesStorageWith(other: Tensor): boolean {
    return this.native.sameStorage(other.native);
  }

  // --- views and indexing ---------------------------------------------------------------------
  reshape(...shape: number[]): Tensor {
    return op('aten::reshape', this, shape);
  }
  view(...shape: number[]): Tensor {
    return op('aten::view', this, shape);
  }
  permute(...dims: number[]): Tensor {
    return op('aten::permute', this, dims);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return op('aten::transpose.int', this, dim0, dim1);
  }
  /** Transpose of a 2-d tensor (`.T` in PyTorch). */
  get T(): Tensor {
    return op('aten::numpy_T', this);
  }
  /** Transpose of the last two dimensions (`.mT`). */
  get mT(): Tensor {
    return op('aten::transpose.int', this, -2, -1);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return op('aten::narrow', this, dim, start, length);
  }
  /** Python's `x[start:end:step]` along `dim` (end exclusive; negatives count from the end). */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor {
    return op('aten::slice.Tensor', this, dim, start, end, step);
  }
  /** `x[i]` along `dim`: removes that dimension. */
  select(dim: number, index: number): Tensor {
    return op('aten::select.int', this, dim, index);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return op('aten::index_select', this, dim, index);
  }
  /** Advanced indexing: `x[i0, i1, …]` with index tensors (undefined keeps a dimension whole). */
  index(indices: (Tensor | undefined)[]): Tensor {
    return op('aten::index.Tensor', this, indices);
  }
  gather(dim: number, index: Tensor): Tensor {
    return op('aten::gather', this, dim, index);
  }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return typeof src === 'number'
      ? op('aten::scatter.value', this, dim, index, src)
      : op('aten::scatter.src', this, dim, index, src);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return op('aten::scatter_add', this, dim, index, src);
  }
  maskedSelect(mask: Tensor): Tensor {
    return op('aten::masked_select', this, mask);
  }
  maskedFill(mask: Tensor, value: number): Tensor {
    // libtorch 1.13 does not check the mask's dtype and would read float bytes as booleans.
    if (mask.dtype !== 'bool')
      throw new TypeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
    return op('aten::masked_fill.Scalar', this, mask, value);
  }
  split(splitSize: number | number[], dim = 0): Tensor[] {
    return typeof splitSize === 'number'
      ? opMulti('aten::split.Tensor', this, splitSize, dim)
      : opMulti('aten::split_with_sizes', this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return opMulti('aten::chunk', this, chunks, dim);
  }
  unbind(dim = 0): Tensor[] {
    return opMulti('aten::unbind.int', this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return op('aten::unsqueeze', this, dim);
  }
  /** Removes size-1 dimensions (all of them, or only `dim`). */
  squeeze(dim?: number): Tensor {
    return dim === undefined ? op('aten::squeeze', this) : op('aten::squeeze.dim', this, dim);
  }
  expand(...shape: number[]): Tensor {
    return op('aten::expand', this, shape);
  }
  expandAs(other: Tensor): Tensor {
    return op('aten::expand_as', this, other);
  }
  repeat(...times: number[]): Tensor {
    return op('aten::repeat', this, times);
  }
  repeatInterleave(repeats: number | Tensor, dim?: number): Tensor {
    return typeof repeats === 'number'
      ? op('aten::repeat_interleave.self_int', this, repeats, dim)
      : op('aten::repeat_interleave.self_Tensor', this, repeats, dim);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return op('aten::flatten.using_ints', this, startDim, endDim);
  }
  flip(...dims: number[]): Tensor {
    return op('aten::flip', this, dims);
  }
  roll(shifts: number | number[], dims: number | number[]): Tensor {
    return op('aten::roll', this, shifts, dims);
  }
  tril(diagonal = 0): Tensor {
    return op('aten::tril', this, diagonal);
  }
  triu(diagonal = 0): Tensor {
    return op('aten::triu', this, diagonal);
  }
  /** Diagonal of a matrix, or the diagonal matrix of a vector. */
  diag(diagonal = 0): Tensor {
    return op('aten::diag', this, diagonal);
  }
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return op('aten::diagonal', this, offset, dim1, dim2);
  }

  // --- elementwise ----------------------------------------------------------------------------
  add(other: Tensor | number, alpha = 1): Tensor {
    return other instanceof Tensor
      ? op('aten::add.Tensor', this, other, alpha)
      : op('aten::add.Scalar', this, other, alpha);
  }
  sub(other: Tensor | number, alpha = 1): Tensor {
    return other instanceof Tensor
      ? op('aten::sub.Tensor', this, other, alpha)
      : op('aten::sub.Scalar', this, other, alpha);
  }
  /** other - this (Python's `other - x` for a scalar other). */
  rsub(other: number): Tensor {
    return op('aten::rsub.Scalar', this, other);
  }
  mul(other: Tensor | number): Tensor {
    return other instanceof Tensor ? op('aten::mul.Tensor', this, other) : op('aten::mul.Scalar', this, other);
  }
  div(other: Tensor | number): Tensor {
    return other instanceof Tensor ? op('aten::div.Tensor', this, other) : op('aten::div.Scalar', this, other);
  }
  pow(exponent: Tensor | number): Tensor {
    return exponent instanceof Tensor
      ? op('aten::pow.Tensor_Tensor', this, exponent)
      : op('aten::pow.Tensor_Scalar', this, exponent);
  }
  /** Python's `%` (result has the sign of the divisor). */
  remainder(other: Tensor | number): Tensor {
    return other instanceof Tensor
      ? op('aten::remainder.Tensor', this, other)
      : op('aten::remainder.Scalar', this, other);
  }
  neg(): Tensor {
    return op('aten::neg', this);
  }
  exp(): Tensor {
    return op('aten::exp', this);
  }
  expm1(): Tensor {
    return op('aten::expm1', this);
  }
  log(): Tensor {
    return op('aten::log', this);
  }
  log1p(): Tensor {
    return op('aten::log1p', this);
  }
  sqrt(): Tensor {
    return op('aten::sqrt', this);
  }
  rsqrt(): Tensor {
    return op('aten::rsqrt', this);
  }
  square(): Tensor {
    return op('aten::square', this);
  }
  reciprocal(): Tensor {
    return op('aten::reciprocal', this);
  }
  abs(): Tensor {
    return op('aten::abs', this);
  }
  sign(): Tensor {
    return op('aten::sign', this);
  }
  floor(): Tensor {
    return op('aten::floor', this);
  }
  ceil(): Tensor {
    return op('aten::ceil', this);
  }
  round(): Tensor {
    return op('aten::round', this);
  }
  /** Limits values to [min, max]; either bound may be omitted. */
  clamp(min?: number, max?: number): Tensor {
    if (min === undefined && max === undefined)
      throw new TypeError("clamp(): at least one of 'min' or 'max' must be given");
    return op('aten::clamp', this, min, max);
  }
  clampMin(min: number): Tensor {
    return op('aten::clamp_min', this, min);
  }
  clampMax(max: number): Tensor {
    return op('aten::clamp_max', this, max);
  }
  tanh(): Tensor {
    return op('aten::tanh', this);
  }
  sigmoid(): Tensor {
    return op('aten::sigmoid', this);
  }
  relu(): Tensor {
    return op('aten::relu', this);
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return op('aten::leaky_relu', this, negativeSlope);
  }
  /** GELU; approximate 'tanh' selects the tanh approximation. */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor {
    return op('aten::gelu', this, approximate);
  }
  softplus(beta = 1, threshold = 20): Tensor {
    return op('aten::softplus', this, beta, threshold);
  }
  sin(): Tensor {
    return op('aten::sin', this);
  }
  cos(): Tensor {
    return op('aten::cos', this);
  }
  tan(): Tensor {
    return op('aten::tan', this);
  }
  asin(): Tensor {
    return op('aten::asin', this);
  }
  acos(): Tensor {
    return op('aten::acos', this);
  }
  atan(): Tensor {
    return op('aten::atan', this);
  }
  atan2(other: Tensor): Tensor {
    return op('aten::atan2', this, other);
  }
  minimum(other: Tensor): Tensor {
    return op('aten::minimum', this, other);
  }
  maximum(other: Tensor): Tensor {
    return op('aten::maximum', this, other);
  }
  eq(other: Tensor | number): Tensor {
    return other instanceof Tensor ? op('aten::eq.Tensor', this, other) : op('aten::eq.Scalar', this, other);
  }
  ne(other: Tensor | number): Tensor {
    return other instanceof Tensor ? op('aten::ne.Tensor', this, other) : op('aten::ne.Scalar', this, other);
  }
  lt(other: Tensor | number): Tensor {
    return other instanceof Tensor ? op('aten::lt.Tensor', this, other) : op('aten::lt.Scalar', this, other);
  }
  le(other: Tensor | number): Tensor {
    return other instanceof Tensor ? op('aten::le.Tensor', this, other) : op('aten::le.Scalar', this, other);
  }
  gt(other: Tensor | number): Tensor {
    return other instanceof Tensor ? op('aten::gt.Tensor', this, other) : op('aten::gt.Scalar', this, other);
  }
  ge(other: Tensor | number): Tensor {
    return other instanceof Tensor ? op('aten::ge.Tensor', this, other) : op('aten::ge.Scalar', this, other);
  }
  logicalAnd(other: Tensor): Tensor {
    return op('aten::logical_and', this, other);
  }
  logicalOr(other: Tensor): Tensor {
    return op('aten::logical_or', this, other);
  }
  logicalXor(other: Tensor): Tensor {
    return op('aten::logical_xor', this, other);
  }
  logicalNot(): Tensor {
    return op('aten::logical_not', this);
  }
  isnan(): Tensor {
    return op('aten::isnan', this);
  }
  isfinite(): Tensor {
    return op('aten::isfinite', this);
  }
  /** `cond ? this : other`, elementwise, with broadcasting. */
  where(condition: Tensor, other: Tensor | number): Tensor {
    return other instanceof Tensor
      ? op('aten::where.self', condition, this, other)
      : op('aten::where.ScalarOther', condition, this, other);
  }

  // --- reductions -----------------------------------------------------------------------------
  sum(dim?: Dims, keepdim = false): Tensor {
    return dim === undefined ? op('aten::sum', this) : op('aten::sum.dim_IntList', this, dim, keepdim);
  }
  mean(dim?: Dims, keepdim = false): Tensor {
    return dim === undefined ? op('aten::mean', this) : op('aten::mean.dim', this, dim, keepdim);
  }
  prod(dim?: number, keepdim = false): Tensor {
    return dim === undefined ? op('aten::prod', this) : op('aten::prod.dim_int', this, dim, keepdim);
  }
  /** Largest value over all elements, or over `dims` (values only; see maxWithIndices). */
  max(dim?: Dims, keepdim = false): Tensor {
    return dim === undefined ? op('aten::max', this) : op('aten::amax', this, dim, keepdim);
  }
  min(dim?: Dims, keepdim = false): Tensor {
    return dim === undefined ? op('aten::min', this) : op('aten::amin', this, dim, keepdim);
  }
  /** [values, indices] of the maximum along one dimension. */
  maxWithIndices(dim: number, keepdim = false): [Tensor, Tensor] {
    return opMulti('aten::max.dim', this, dim, keepdim) as [Tensor, Tensor];
  }
  minWithIndices(dim: number, keepdim = false): [Tensor, Tensor] {
    return opMulti('aten::min.dim', this, dim, keepdim) as [Tensor, Tensor];
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return op('aten::argmax', this, dim, keepdim);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return op('aten::argmin', this, dim, keepdim);
  }
  logsumexp(dim: Dims, keepdim = false): Tensor {
    return op('aten::logsumexp', this, dim, keepdim);
  }
  /** Vector p-norm over all elements or over `dim` (torch.linalg.vector_norm). */
  norm(p = 2, dim?: Dims, keepdim = false): Tensor {
    return op('aten::linalg_vector_norm', this, p, dim, keepdim);
  }
  /** Variance; unbiased (divides by n−1) by default, as in PyTorch. */
  var(dim?: Dims, options: { unbiased?: boolean; keepdim?: boolean } = {}): Tensor {
    return op('aten::var.dim', this, dim, options.unbiased ?? true, options.keepdim ?? false);
  }
  std(dim?: Dims, options: { unbiased?: boolean; keepdim?: boolean } = {}): Tensor {
    return op('aten::std.dim', this, dim, options.unbiased ?? true, options.keepdim ?? false);
  }
  cumsum(dim: number): Tensor {
    return op('aten::cumsum', this, dim);
  }
  /** [values, indices] sorted along `dim`. */
  sort(dim = -1, descending = false): [Tensor, Tensor] {
    return opMulti('aten::sort', this, dim, descending) as [Tensor, Tensor];
  }
  argsort(dim = -1, descending = false): Tensor {
    return op('aten::argsort', this, dim, descending);
  }
  /** [values, indices] of the k largest (or smallest) along `dim`. */
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
    return opMulti('aten::topk', this, k, dim, largest, sorted) as [Tensor, Tensor];
  }
  all(): Tensor {
    return op('aten::all', this);
  }
  any(): Tensor {
    return op('aten::any', this);
  }

  // --- linear algebra -------------------------------------------------------------------------
  matmul(other: Tensor): Tensor {
    return op('aten::matmul', this, other);
  }
  mm(other: Tensor): Tensor {
    return op('aten::mm', this, other);
  }
  bmm(other: Tensor): Tensor {
    return op('aten::bmm', this, other);
  }
  dot(other: Tensor): Tensor {
    return op('aten::dot', this, other);
  }
  outer(other: Tensor): Tensor {
    return op('aten::outer', this, other);
  }

  // --- in-place updates (optimizers, initialisation); they return `this` --------------------
  add_(other: Tensor | number, alpha = 1): this {
    if (other instanceof Tensor) opInPlace('aten::add_.Tensor', this, other, alpha);
    else opInPlace('aten::add_.Scalar', this, other, alpha);
    return this;
  }
  sub_(other: Tensor | number, alpha = 1): this {
    if (other instanceof Tensor) opInPlace('aten::sub_.Tensor', this, other, alpha);
    else opInPlace('aten::sub_.Scalar', this, other, alpha);
    return this;
  }
  mul_(other: Tensor | number): this {
    if (other instanceof Tensor) opInPlace('aten::mul_.Tensor', this, other);
    else opInPlace('aten::mul_.Scalar', this, other);
    return this;
  }
  div_(other: Tensor | number): this {
    if (other instanceof Tensor) opInPlace('aten::div_.Tensor', this, other);
    else opInPlace('aten::div_.Scalar', this, other);
    return this;
  }
  /** this += value · t1 · t2 */
  addcmul_(t1: Tensor, t2: Tensor, value = 1): this {
    checkFinite('addcmul_()', 'value', value);
    opInPlace('aten::addcmul_', this, t1, t2, value);
    return this;
  }
  /** this += value · t1 / t2 */
  addcdiv_(t1: Tensor, t2: Tensor, value = 1): this {
    checkFinite('addcdiv_()', 'value', value);
    opInPlace('aten::addcdiv_', this, t1, t2, value);
    return this;
  }
  /** this += weight · (end − this) */
  lerp_(end: Tensor, weight: number): this {
    opInPlace('aten::lerp_.Scalar', this, end, weight);
    return this;
  }
  sqrt_(): this {
    opInPlace('aten::sqrt_', this);
    return this;
  }
  clamp_(min?: number, max?: number): this {
    opInPlace('aten::clamp_', this, min, max);
    return this;
  }
  copy_(src: Tensor): this {
    opInPlace('aten::copy_', this, src);
    return this;
  }
  zero_(): this {
    opInPlace('aten::zero_', this);
    return this;
  }
  fill_(value: number): this {
    opInPlace('aten::fill_.Scalar', this, value);
    return this;
  }
}
