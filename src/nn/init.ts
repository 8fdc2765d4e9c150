// Weight initialisation (torch.nn.init), with an explicit Generator for every random draw.
//
// Each scheme comes in two forms: `kaimingUniform_(t, gen)` fills an existing tensor in place
// (like torch.nn.init.kaiming_uniform_, under no-grad, so it works on parameters), and
// `kaimingUniform(shape, gen)` returns a new tensor. Bounds and standard deviations are computed
// with the same floating-point steps as PyTorch 1.13, and the samples come from libtorch's own
// uniform_/normal_ kernels, so a Generator seeded like `torch.manual_seed(s)` reproduces PyTorch's
// initial weights bit for bit.
import {
  empty,
  linalg,
  noGrad,
  normal,
  scope,
  uniform,
  type Dtype,
  type Generator,
  type Tensor,
} from '../torch/index.js';

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (only with 'leaky_relu'); default 0. */
  a?: number;
  /** 'fan_in' (default) keeps the forward variance, 'fan_out' the backward one. */
  mode?: FanMode;
  /** Default 'leaky_relu', as in PyTorch. */
  nonlinearity?: Nonlinearity;
}

const LINEAR_LIKE = new Set<Nonlinearity>([
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
]);

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear and
 * sigmoid, 5/3 for tanh, √2 for ReLU, √(2/(1+slope²)) for leaky ReLU (slope `param`, default 0.01),
 * 3/4 for SELU.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (LINEAR_LIKE.has(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope))
        throw new RangeError(`calculateGain(): negative slope ${slope} is not a valid number`);
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case 'selu':
      return 3.0 / 4;
    default:
      throw new RangeError(`calculateGain(): unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * Fan-in and fan-out of a weight of this shape: [out, in, ...kernel] gives
 * fanIn = in·∏kernel, fanOut = out·∏kernel (torch.nn.init._calculate_fan_in_and_fan_out).
 */
export function fanInAndFanOut(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2)
    throw new RangeError(
      `fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [${shape.join(', ')}])`,
    );
  let receptive = 1;
  for (const s of shape.slice(2)) receptive *= s;
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

function fan(shape: readonly number[], mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out')
    throw new RangeError(`mode must be 'fan_in' or 'fan_out', got '${String(mode)}'`);
  const { fanIn, fanOut } = fanInAndFanOut(shape);
  return mode === 'fan_in' ? fanIn : fanOut;
}

/** Fills t in place with U(low, high) draws from gen. */
export function uniform_(t: Tensor, low: number, high: number, gen: Generator): Tensor {
  noGrad(() => scope(() => void t.copy_(uniform(low, high, t.shape, gen, t.dtype))));
  return t;
}

/** Fills t in place with N(mean, std²) draws from gen. */
export function normal_(t: Tensor, mean: number, std: number, gen: Generator): Tensor {
  noGrad(() => scope(() => void t.copy_(normal(mean, std, t.shape, gen, t.dtype))));
  return t;
}

/**
 * He/Kaiming uniform: U(−b, b) with b = gain·√(3/fan). With `a = √5` (PyTorch's Linear and Conv
 * default) this is U(−1/√fanIn, 1/√fanIn).
 *
 * @example
 * const w = empty([16, 3]);
 * kaimingUniform_(w, gen, { a: Math.sqrt(5) });   // values in [−1/√3, 1/√3]
 */
export function kaimingUniform_(t: Tensor, gen: Generator, options: KaimingOptions = {}): Tensor {
  if (t.numel === 0) return t;
  const f = fan(t.shape, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const std = gain / Math.sqrt(f);
  const bound = Math.sqrt(3.0) * std;
  return uniform_(t, -bound, bound, gen);
}

/** He/Kaiming normal: N(0, std²) with std = gain/√fan. */
export function kaimingNormal_(t: Tensor, gen: Generator, options: KaimingOptions = {}): Tensor {
  if (t.numel === 0) return t;
  const f = fan(t.shape, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(f), gen);
}

/** Glorot/Xavier uniform: U(−a, a) with a = gain·√(6/(fanIn+fanOut)). */
export function xavierUniform_(t: Tensor, gen: Generator, options: { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fanInAndFanOut(t.shape);
  const std = (options.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(t, -a, a, gen);
}

/** Glorot/Xavier normal: N(0, std²) with std = gain·√(2/(fanIn+fanOut)). */
export function xavierNormal_(t: Tensor, gen: Generator, options: { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fanInAndFanOut(t.shape);
  return normal_(t, 0, (options.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut)), gen);
}

/**
 * A (semi-)orthogonal matrix (Saxe et al. 2013), as torch.nn.init.orthogonal_: the Q factor of a
 * Gaussian matrix, with column signs fixed by diag(R) so that Q is Haar-distributed
 * (Mezzadri 2007). Dimensions after the first are flattened. For [rows, cols] with rows ≥ cols the
 * columns are orthonormal (QᵀQ = I), otherwise the rows are (QQᵀ = I); then scaled by `gain`.
 */
export function orthogonal_(t: Tensor, gen: Generator, options: { gain?: number } = {}): Tensor {
  if (t.ndim < 2)
    throw new RangeError(
      `orthogonal_(): only tensors with 2 or more dimensions are supported, got shape [${t.shape.join(', ')}]`,
    );
  if (t.numel === 0) return t;
  const rows = t.shape[0]!;
  const cols = t.numel / rows;
  noGrad(() =>
    scope(() => {
      let flat = normal(0, 1, [rows, cols], gen, t.dtype);
      if (rows < cols) flat = flat.T;
      const { Q, R } = linalg.qr(flat);
      let q = Q.mul(R.diag().sign());
      if (rows < cols) q = q.T;
      t.copy_(q.reshape(...t.shape)).mul_(options.gain ?? 1);
    }),
  );
  return t;
}

function fresh(shape: number[], dtype: Dtype, fill: (t: Tensor) => Tensor): Tensor {
  const t = empty(shape, dtype);
  try {
    return fill(t);
  } catch (err) {
    t.dispose();
    throw err;
  }
}

/** A new tensor filled by `kaimingUniform_`. */
export function kaimingUniform(
  shape: number[],
  gen: Generator,
  options: KaimingOptions & { dtype?: Dtype } = {},
): Tensor {
  return fresh(shape, options.dtype ?? 'float32', (t) => kaimingUniform_(t, gen, options));
}

/** A new tensor filled by `kaimingNormal_`. */
export function kaimingNormal(
  shape: number[],
  gen: Generator,
  options: KaimingOptions & { dtype?: Dtype } = {},
): Tensor {
  return fresh(shape, options.dtype ?? 'float32', (t) => kaimingNormal_(t, gen, options));
}

/** A new tensor filled by `xavierUniform_`. */
export function xavierUniform(shape: number[], gen: Generator, options: { gain?: number; dtype?: Dtype } = {}): Tensor {
  return fresh(shape, options.dtype ?? 'float32', (t) => xavierUniform_(t, gen, options));
}

/** A new tensor filled by `xavierNormal_`. */
export function xavierNormal(shape: number[], gen: Generator, options: { gain?: number; dtype?: Dtype } = {}): Tensor {
  return fresh(shape, options.dtype ?? 'float32', (t) => xavierNormal_(t, gen, options));
}

/**
 * A new (semi-)orthogonal matrix filled by `orthogonal_`.
 *
 * @example
 * const q = orthogonal([3, 3], new Generator(0));   // q.T.matmul(q) ≈ I
 */
export function orthogonal(shape: number[], gen: Generator, options: { gain?: number; dtype?: Dtype } = {}): Tensor {
  return fresh(shape, options.dtype ?? 'float32', (t) => orthogonal_(t, gen, options));
}
