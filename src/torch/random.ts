// Explicit randomness: a Generator is an independent libtorch CPU random stream. Science code
// takes one as an argument and never reads a global (the global stream exists only for PyTorch
// parity and is set by manualSeed).
import { native, type NativeGenerator } from './native.js';
import { scope } from './scope.js';
import type { Dtype } from './dtype.js';
import { op, opMulti, Tensor } from './tensor.js';

type SmallCount = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16;
/** A tuple of N copies of T for a literal N in 1..16 (T[] otherwise). */
export type Tuple<T, N extends number, R extends T[] = []> = N extends SmallCount
  ? R['length'] extends N
    ? R
    : Tuple<T, N, [T, ...R]>
  : T[];

/**
 * A seeded random stream. `split(n)` derives n independent child streams deterministically from
 * this one (it consumes draws from this stream), so one seed fans out over a whole experiment.
 *
 * @example
 * const gen = new Generator(0);
 * const [gData, gInit] = gen.split(2);
 * const x = randn([4, 3], gData);
 */
export class Generator {
  /** @internal */
  readonly native: NativeGenerator;

  constructor(seed: number | bigint) {
    this.native = new native.NativeGenerator(seed);
  }

  /** The seed this generator started from. */
  get seed(): bigint {
    return this.native.seed();
  }

  /** n child generators whose seeds are drawn from this stream. */
  split<N extends number>(n: N): Tuple<Generator, N> {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`split(): n must be a positive integer, got ${n}`);
    const seeds = op('aten::randint.low_generator', 0, 2 ** 53, [n], this.native, 'int64');
    try {
      return Array.from(seeds.data() as BigInt64Array, (s) => new Generator(s)) as Tuple<Generator, N>;
    } finally {
      seeds.dispose();
    }
  }

  /** The stream's full state (uint8 tensor), for checkpoints. */
  getState(): Tensor {
    return Tensor.fromNative(this.native.getState());
  }

  setState(state: Tensor): void {
    this.native.setState(state.native);
  }
}

/**
 * The native stream of an optional Generator argument. Anything else is refused: silently falling
 * back to the global stream would make a run irreproducible.
 */
export function nativeGen(gen: Generator | undefined): NativeGenerator | undefined {
  if (gen === undefined) return undefined;
  if (!(gen instanceof Generator)) {
    const got =
      gen === null ? 'null' : typeof gen === 'object' ? ((gen as object).constructor?.name ?? 'object') : typeof gen;
    throw new TypeError(`argument 'gen' must be a Generator (or omitted for the global stream), got ${got}`);
  }
  return gen.native;
}

/** Seeds libtorch's global stream (used only by code that takes no Generator, for PyTorch parity). */
export function manualSeed(seed: number | bigint): void {
  native.manualSeed(seed);
}

/** Standard normal samples. */
export function randn(shape: number[], gen?: Generator, dtype: Dtype = 'float32'): Tensor {
  return op('aten::randn.generator', shape, nativeGen(gen), dtype);
}
/** Uniform samples on [0, 1). */
export function rand(shape: number[], gen?: Generator, dtype: Dtype = 'float32'): Tensor {
  return op('aten::rand.generator', shape, nativeGen(gen), dtype);
}
/** Integers uniform on [low, high). */
export function randint(low: number, high: number, shape: number[], gen?: Generator): Tensor {
  return op('aten::randint.low_generator', low, high, shape, nativeGen(gen), 'int64');
}
/** A random permutation of 0..n−1 (int64). */
export function randperm(n: number, gen?: Generator): Tensor {
  return op('aten::randperm.generator', n, nativeGen(gen), 'int64');
}
/** Normal samples with the given mean and standard deviation. */
export function normal(mean: number, std: number, shape: number[], gen?: Generator, dtype: Dtype = 'float32'): Tensor {
  if (!(std >= 0)) throw new RangeError(`normal(): std must be non-negative, got ${std}`);
  return op('aten::normal.float_float', mean, std, shape, nativeGen(gen), dtype);
}
/** Uniform samples on [low, high). */
export function uniform(low: number, high: number, shape: number[], gen?: Generator, dtype: Dtype = 'float32'): Tensor {
  if (!(high >= low)) throw new RangeError(`uniform(): need low <= high, got [${low}, ${high})`);
  const g = nativeGen(gen);
  const t = op('aten::empty.memory_format', shape, dtype);
  op('aten::uniform_', t, low, high, g).dispose();
  return t;
}
/** Gamma(shape=alpha, scale=1) samples, one per element of `alpha`. */
export function standardGamma(alpha: Tensor, gen?: Generator): Tensor {
  return op('aten::_standard_gamma', alpha, nativeGen(gen));
}
/**
 * Beta(a, b) samples as G_a / (G_a + G_b) with independent gamma draws; `a` and `b` broadcast.
 * With numbers, `shape` gives the output shape.
 */
export function beta(
  a: Tensor | number,
  b: Tensor | number,
  shape: number[] = [],
  gen?: Generator,
  dtype: Dtype = 'float32',
): Tensor {
  if (typeof a === 'number' && !(a > 0)) throw new RangeError(`beta(): a must be positive, got ${a}`);
  if (typeof b === 'number' && !(b > 0)) throw new RangeError(`beta(): b must be positive, got ${b}`);
  return scope(() => {
    // Gammas are drawn in float64 (as PyTorch's Dirichlet does): in float32 both draws underflow
    // for small shape parameters and the ratio would pile up at 0.5.
    const ta = a instanceof Tensor ? a.double() : op('aten::full', shape, a, 'float64');
    const tb = b instanceof Tensor ? b.double() : op('aten::full', shape, b, 'float64');
    const [ea, eb] = opMulti('aten::broadcast_tensors', [ta, tb]) as [Tensor, Tensor];
    const ga = op('aten::_standard_gamma', ea.contiguous(), nativeGen(gen));
    const gb = op('aten::_standard_gamma', eb.contiguous(), nativeGen(gen));
    const outType = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : dtype;
    return ga.div(ga.add(gb)).to(outType);
  });
}
/** Bernoulli(p) samples of the shape of `probs` (a tensor of probabilities) or `shape`. */
export function bernoulli(p: Tensor | number, shape: number[] = [], gen?: Generator, dtype: Dtype = 'float32'): Tensor {
  if (p instanceof Tensor) return op('aten::bernoulli', p, nativeGen(gen));
  if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli(): p must be in [0, 1], got ${p}`);
  const g = nativeGen(gen);
  const like = op('aten::empty.memory_format', shape, dtype);
  try {
    return op('aten::bernoulli.p', like, p, g);
  } finally {
    like.dispose();
  }
}
/** Indices drawn from the rows of non-negative weights `probs` (1-d or 2-d). */
export function multinomial(probs: Tensor, numSamples: number, replacement = false, gen?: Generator): Tensor {
  return op('aten::multinomial', probs, numSamples, replacement, nativeGen(gen));
}
