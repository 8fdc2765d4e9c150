// Paper C's hypercube task (Saunshi et al., ICML 2022, "Understanding contrastive learning
// requires incorporating inductive biases"): contrastive loss alone cannot tell a representation
// that encodes the label from one that does not.
//
//   Inputs: x uniform on {±1}^D.
//   Label: y = 1[w·x_{1..k} > 0] with a fixed w ∈ {±1}^k drawn from the task's Generator and k
//     odd, so w·x_{1..k} is an odd integer (never 0) and, since x ↦ −x is measure preserving,
//     the classes are exactly balanced. Linear in the first k coordinates, as in the paper.
//   Augmentation: x' = (x_{1..k}, s ⊙ x_{k+1..D}) with independent scales s_j uniform on (0, 1]
//     (one per remaining coordinate and sample). It keeps every sign of x, so the augmentation
//     sets A(x) = {x'} of distinct inputs are disjoint, and it never changes x_{1..k}.
//
// The two analytic representations with EXACTLY equal contrastive loss (unit vectors in R^D;
// pick the InfoNCE temperature in the loss):
//   perfect   f*(x) = sign(x) / √D.
//   spurious  f̃(x) = f*(π(x)),  π(x) = (ρ(x)·x_{1..k}, x_{k+1..D}),  ρ(x) = Π_{j>k} sign(x_j),
//     i.e. the label coordinates are flipped by the parity of the augmented coordinates' signs.
// Both are constant on every augmentation set (they read only signs) and injective on the cube,
// so both separate the augmentation sets equally well. π is a measure-preserving bijection
// (an involution: ρ(π(x)) = ρ(x)) of the cube that commutes with the augmentation, so for any
// InfoNCE-type loss the tuple (f̃(x), f̃(x⁺), f̃(x⁻_1..M)) has the same distribution as
// (f*(x), f*(x⁺), f*(x⁻_1..M)): the expected losses are equal, and
// loss(f̃; batch) = loss(f*; π(batch)) sample by sample.
// The label is linear in f* (y = 1[w·f*_{1..k} > 0]) but a parity in f̃:
// ±y = ρ · sign(w·f̃_{1..k}) with ρ the product of the signs of f̃_{k+1..D}. Every coordinate of f̃
// (and the constant) is uncorrelated with y, so the population logistic loss of a linear probe
// is stationary — hence minimal — at weight 0: the probe is at chance (≈ 50 %) on f̃, at 100 % on
// f*. (A parity of D − k + 1 signs is also far from every halfspace: the best one agrees with it
// only 1/2 + O(1/√(D − k)) of the time; flipping by a single sign(x_{k+1}) would leave a 75 %
// halfspace, the XOR's "AND" trick.)
//
// Defaults (ours; the paper's D and k are not stated): D = 32, k = 5.
import { cat, Generator, noGrad, rand, randint, scope, tensor, type Tensor } from '../torch/index.js';

/** Default input dimension D of the hypercube task (ours, recorded for Paper C). */
export const HYPERCUBE_DEFAULT_D = 32;
/** Default number k of label coordinates (odd, k ≪ D). */
export const HYPERCUBE_DEFAULT_K = 5;

export interface HypercubeOptions {
  /** Input dimension; default 32. */
  D?: number;
  /** Label coordinates, odd, 1 ≤ k < D; default 5. */
  k?: number;
  /** Draws the label weights w ∈ {±1}^k (one `randint` draw). */
  gen: Generator;
}

export interface HypercubeSample {
  /** [n, D] float32 entries ±1. */
  x: Tensor;
  /** [n] int64 labels in {0, 1}. */
  y: Tensor;
}

export interface HypercubeTask {
  readonly D: number;
  readonly k: number;
  /** The label weights w ∈ {±1}^k. */
  readonly w: readonly number[];
  /** n inputs uniform on {±1}^D and their labels. */
  sample(n: number, gen: Generator): HypercubeSample;
  /** One augmentation per row: the last D − k coordinates scaled by independent factors in (0, 1]. */
  augment(x: Tensor, gen: Generator): Tensor;
  /** The labels of inputs (or of augmented inputs: only signs are read) [n] int64. */
  label(x: Tensor): Tensor;
  /** f*(x) = sign(x)/√D [n, D]. */
  perfectRepresentation(x: Tensor): Tensor;
  /** f̃(x) = f*(π(x)), π flipping x_{1..k} by the parity of the signs of x_{k+1..D} [n, D]. */
  spuriousRepresentation(x: Tensor): Tensor;
  /** π(x) = (ρ(x)·x_{1..k}, x_{k+1..D}), ρ(x) = Π_{j>k} sign(x_j) (an involution; keeps the dtype). */
  permute(x: Tensor): Tensor;
}

function checkX(fn: string, x: Tensor, D: number): void {
  if (x.ndim !== 2 || x.size(1) !== D)
    throw new RangeError(`${fn}: x must be [n, ${D}], got shape [${x.shape.join(', ')}]`);
}

/** f*(x) = sign(x)/√D: every sign of x, so it encodes the input (and the label) completely. */
export function perfectRepresentation(x: Tensor): Tensor {
  if (x.ndim !== 2)
    throw new RangeError(`perfectRepresentation(): x must be [n, D], got shape [${x.shape.join(', ')}]`);
  return scope(() =>
    x
      .to('float32')
      .sign()
      .div(Math.sqrt(x.size(1))),
  );
}

/** π(x): x_{1..k} multiplied by ρ(x) = Π_{j>k} sign(x_j); the other coordinates unchanged. */
export function hypercubePermutation(x: Tensor, k: number): Tensor {
  if (x.ndim !== 2 || !(Number.isInteger(k) && k >= 1 && k < x.size(1)))
    throw new RangeError(
      `hypercubePermutation(): need x [n, D] with 1 ≤ k < D, got shape [${x.shape.join(', ')}] and k = ${k}`,
    );
  return scope(() => {
    const flip = x
      .narrow(1, k, x.size(1) - k)
      .sign()
      .prod(1, true);
    return cat([x.narrow(1, 0, k).mul(flip), x.narrow(1, k, x.size(1) - k)], 1);
  });
}

/** f̃(x) = f*(π(x)): separates augmentation sets exactly as f* does, but the label is a parity in it. */
export function spuriousRepresentation(x: Tensor, k: number = HYPERCUBE_DEFAULT_K): Tensor {
  return scope(() => perfectRepresentation(hypercubePermutation(x, k)));
}

/**
 * Paper C's hypercube task with label weights drawn from `gen`.
 *
 * @example
 * const task = hypercubeTask({ D: 32, k: 5, gen: new Generator(0) });
 * const { x, y } = task.sample(512, gData);
 * const [a, b] = [task.augment(x, gAug), task.augment(x, gAug)];   // a positive pair per row
 */
export function hypercubeTask(options: HypercubeOptions): HypercubeTask {
  const { D = HYPERCUBE_DEFAULT_D, k = HYPERCUBE_DEFAULT_K, gen } = options;
  checkOptions(D, k, gen);
  const w = labelWeights(k, gen);
  const label = (x: Tensor): Tensor => cubeLabel(x, D, w);
  return {
    D,
    k,
    w,
    sample: (n, g) => sampleCube(n, D, g, label),
    augment: (x, g) => augmentCube(x, D, k, g),
    label,
    perfectRepresentation(x: Tensor): Tensor {
      checkX('perfectRepresentation()', x, D);
      return perfectRepresentation(x);
    },
    spuriousRepresentation(x: Tensor): Tensor {
      checkX('spuriousRepresentation()', x, D);
      return spuriousRepresentation(x, k);
    },
    permute(x: Tensor): Tensor {
      checkX('permute()', x, D);
      return hypercubePermutation(x, k);
    },
  };
}

/** Returns nothing: throws a TypeError or RangeError naming the first option out of range. */
function checkOptions(D: number, k: number, gen: Generator): void {
  const fn = 'hypercubeTask()';
  if (!(gen instanceof Generator)) throw new TypeError(`${fn}: options.gen must be a Generator`);
  if (!Number.isInteger(D) || D < 2) throw new RangeError(`${fn}: D must be an integer >= 2, got ${String(D)}`);
  if (!Number.isInteger(k) || k < 1 || k >= D || k % 2 === 0)
    throw new RangeError(
      `${fn}: k must be an odd integer in [1, D − 1 = ${D - 1}] (odd so that w·x is never 0), got ${String(k)}`,
    );
}

/** The label weights w ∈ {±1}^k: one `randint` draw of k bits from gen. */
function labelWeights(k: number, gen: Generator): number[] {
  return scope(() =>
    randint(0, 2, [k], gen)
      .toArray()
      .map((b) => 2 * b - 1),
  );
}

/** y = 1[w·sign(x_{1..k}) > 0] [n] int64, for inputs or augmented inputs x [n, D]. */
function cubeLabel(x: Tensor, D: number, w: number[]): Tensor {
  checkX('label()', x, D);
  return noGrad(() =>
    scope(() =>
      x
        .narrow(1, 0, w.length)
        .to('float32')
        .sign()
        .matmul(tensor(w, [w.length], 'float32'))
        .gt(0)
        .long(),
    ),
  );
}

/** n inputs x [n, D] float32 uniform on {±1}^D (one randint draw from gen) and their labels y [n] int64. */
function sampleCube(n: number, D: number, gen: Generator, label: (x: Tensor) => Tensor): HypercubeSample {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`sample(): n must be a positive integer, got ${String(n)}`);
  return noGrad(() =>
    scope(() => {
      const x = randint(0, 2, [n, D], gen).to('float32').mul(2).sub(1);
      return { x, y: label(x) };
    }),
  );
}

/** One augmentation per row of x [n, D] → [n, D] float32: x_{k+1..D} scaled by one rand draw [n, D − k]. */
function augmentCube(x: Tensor, D: number, k: number, gen: Generator): Tensor {
  checkX('augment()', x, D);
  return noGrad(() =>
    scope(() => {
      const n = x.size(0);
      // 1 − U[0, 1) is uniform on (0, 1].
      const s = rand([n, D - k], gen).rsub(1);
      return cat([x.narrow(1, 0, k), x.narrow(1, k, D - k).mul(s)], 1).to('float32');
    }),
  );
}
