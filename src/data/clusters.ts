// Paper D's clustered data (Parulekar et al., COLT 2023): clusters of points whose per-point
// augmentation sets are disjoint but, within a cluster, close and intertwined — or far apart.
//
// Construction (all in a random orthonormal frame q_0..q_{dim−1} drawn from the Generator; needs
// dim ≥ 3·clusters so every cluster gets three private directions):
//   cluster j: centre c_j = q_{3j} (the centres lie on the unit sphere, pairwise √2 apart),
//              in-cluster directions u_j = q_{3j+1} (along the curves), v_j = q_{3j+2} (across).
//   point i = 0..m−1 of cluster j (m = pointsPerCluster), offset o_i = (i − (m−1)/2)·g:
//     anchor   x_i  = c_j + o_i·v_j
//     augmentation set A_i = { γ_i(t) : t ∈ [−1, 1] },
//     γ_i(t) = c_j + L·t·u_j + (o_i + a·sin(π·t))·v_j      (L = 0.25, a = 0.1)
//   i.e. one period of a sine wave through the anchor; an augmentation draws t ~ U[−1, 1].
// The curves of one cluster are translates of each other by multiples of g along v_j, so they
// never meet: two of them are at least g_min = g / √(1 + (aπ/L)²) apart (`minSetDistance`). Each
// curve sweeps the band |v − o_i| ≤ a, so with g < 2a a curve passes above and below its ≈ 2a/g
// nearest neighbours: the sets are intertwined. Points of different clusters have orthogonal
// in-cluster parts, so any two of them are ≥ √2 apart.
// The knob sets the gap geometrically between a far-apart and an intertwined value:
//   g(ι) = g_far^(1−ι) · g_near^ι,   g_far = 2a + √2,  g_near = a / 10,
//   ι = 0: the bands are disjoint and neighbouring sets are √2 apart — as far as other clusters
//          (the far-apart variant: the augmentation sets alone do not tie a cluster together);
//   ι = 1: a curve interleaves with its ≈ 20 neighbours on each side (closely intertwined).
// The whole configuration is finally rotated by the random frame, so no coordinate is special.
// Note: a cluster spans m·g along v_j (at ι = 0 that is ≈ 1.6·m), so inputs are not on a common
// scale across ι; experiments may rescale them.
import { Generator, linalg, noGrad, rand, randn, scope, Tensor, tensor } from '../torch/index.js';

/** Half-length L of every augmentation curve along u_j. */
export const CLUSTER_CURVE_HALF_LENGTH = 0.25;
/** Amplitude a of every augmentation curve across (along v_j). */
export const CLUSTER_CURVE_AMPLITUDE = 0.1;

export interface ClusteredDataOptions {
  /** Number of clusters (≥ 2). */
  clusters: number;
  /** Points per cluster m (≥ 2). */
  pointsPerCluster: number;
  /** Ambient dimension, ≥ 3·clusters. */
  dim: number;
  /** 0 = augmentation sets far apart, 1 = closely intertwined (see the file header). */
  intertwine: number;
  /** Draws the random orthonormal frame (one randn [dim, dim] draw). */
  gen: Generator;
}

export interface ClusteredData {
  /** Anchor points [n, dim] float32, n = clusters · pointsPerCluster, cluster by cluster. */
  points: Tensor;
  /** Cluster of each point [n] int64. */
  labels: Tensor;
  /** The gap g between neighbouring curves of a cluster (along v_j). */
  gap: number;
  /** A lower bound on the distance between the augmentation sets of two different points: min(g_min, √2). */
  minSetDistance: number;
  /** One augmentation of each listed point [len, dim] float32: γ_i(t) with t ~ U[−1, 1] from gen. */
  augment(indices: Tensor | readonly number[], gen: Generator): Tensor;
  /** γ_i(t) for given curve parameters t ∈ [−1, 1] (one per index) [len, dim] float32. */
  curvePoint(indices: Tensor | readonly number[], t: Tensor | readonly number[]): Tensor;
}

/** The gap g(ι) between neighbouring augmentation curves of a cluster. */
export function clusterGap(intertwine: number): number {
  const a = CLUSTER_CURVE_AMPLITUDE;
  const far = 2 * a + Math.SQRT2;
  const near = a / 10;
  return far ** (1 - intertwine) * near ** intertwine;
}

/**
 * Clustered data with per-point augmentation curves (Paper D).
 *
 * @example
 * const data = clusteredData({ clusters: 4, pointsPerCluster: 64, dim: 16, intertwine: 1, gen });
 * const idx = randperm(data.labels.size(0), g).narrow(0, 0, 128);
 * const [a, b] = [data.augment(idx, g), data.augment(idx, g)];   // positive pairs
 */
export function clusteredData(options: ClusteredDataOptions): ClusteredData {
  checkOptions(options);
  const { clusters, pointsPerCluster, dim, intertwine, gen } = options;
  const gap = clusterGap(intertwine);
  const layout = clusterLayout(randomFrame(dim, clusters, gen), dim, clusters, pointsPerCluster, gap);
  const labels = tensor(Array.from(layout.cluster), [layout.n], 'int64');
  const points = embed(
    layout,
    Array.from({ length: layout.n }, (_, p) => p),
    new Float64Array(layout.n),
  );
  return {
    points,
    labels,
    gap,
    minSetDistance: setDistanceBound(gap),
    augment: (indices, g) => augmentPoints(layout, indices, g),
    curvePoint: (indices, t) => curvePoints(layout, indices, t),
  };
}

/** Where the points and their curves lie: the frame and, per point, its cluster j and offset o_i. */
interface ClusterLayout {
  /** Number of points, clusters · pointsPerCluster. */
  n: number;
  dim: number;
  /** Frame rows q_0..q_{3·clusters−1} [3·clusters, dim], row-major: c_j, u_j, v_j at rows 3j, 3j+1, 3j+2. */
  frame: Float64Array;
  /** Cluster of each point [n]. */
  cluster: Int32Array;
  /** Offset o_i of each point along its cluster's v_j [n]. */
  offset: Float64Array;
}

/** Returns nothing: throws a TypeError or RangeError naming the first option out of range. */
function checkOptions(options: ClusteredDataOptions): void {
  const fn = 'clusteredData()';
  const { clusters, pointsPerCluster: m, dim, intertwine, gen } = options;
  if (!(gen instanceof Generator)) throw new TypeError(`${fn}: options.gen must be a Generator`);
  if (!Number.isInteger(clusters) || clusters < 2)
    throw new RangeError(`${fn}: clusters must be an integer >= 2, got ${String(clusters)}`);
  if (!Number.isInteger(m) || m < 2)
    throw new RangeError(`${fn}: pointsPerCluster must be an integer >= 2, got ${String(m)}`);
  if (!Number.isInteger(dim) || dim < 3 * clusters)
    throw new RangeError(`${fn}: dim must be an integer >= 3·clusters = ${3 * clusters}, got ${String(dim)}`);
  if (typeof intertwine !== 'number' || !(intertwine >= 0 && intertwine <= 1))
    throw new RangeError(`${fn}: intertwine must be a number in [0, 1], got ${String(intertwine)}`);
}

/** min(g_min, √2): no two augmentation sets are closer (see the file header). */
function setDistanceBound(gap: number): number {
  const L = CLUSTER_CURVE_HALF_LENGTH;
  const a = CLUSTER_CURVE_AMPLITUDE;
  return Math.min(gap / Math.sqrt(1 + ((a * Math.PI) / L) ** 2), Math.SQRT2);
}

/**
 * The frame rows q_0..q_{3·clusters−1} [3·clusters, dim] (columns of Q of a Gaussian matrix, one randn
 * [dim, dim] draw), row-major in plain float64 so the data's methods hold no tensor a caller's scope
 * could free.
 */
function randomFrame(dim: number, clusters: number, gen: Generator): Float64Array {
  return noGrad(() =>
    scope(() =>
      linalg
        .qr(randn([dim, dim], gen, 'float64'))
        .Q.narrow(1, 0, 3 * clusters)
        .T.contiguous()
        .toFloat64Array(),
    ),
  );
}

/** The layout of `clusters` clusters of m points on the frame, neighbouring curves `gap` apart. */
function clusterLayout(frame: Float64Array, dim: number, clusters: number, m: number, gap: number): ClusterLayout {
  const n = clusters * m;
  const cluster = Int32Array.from({ length: n }, (_, p) => Math.floor(p / m));
  const offset = Float64Array.from({ length: n }, (_, p) => ((p % m) - (m - 1) / 2) * gap);
  return { n, dim, frame, cluster, offset };
}

/** The indices as plain numbers; a RangeError (from `who`) unless each is an integer in [0, n − 1]. */
function indexArray(who: string, indices: Tensor | readonly number[], n: number): number[] {
  const idx = indices instanceof Tensor ? noGrad(() => indices.toArray()) : Array.from(indices);
  for (const i of idx)
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new RangeError(`${who}: indices must be integers in [0, ${n - 1}], got ${i}`);
  return idx;
}

/** γ_i(t) per listed point i and its t [len, dim] float32: 1 on c_j, L·t on u_j, o_i + a·sin(πt) on v_j. */
function embed(layout: ClusterLayout, idx: number[], t: ArrayLike<number>): Tensor {
  const { dim, frame, cluster, offset } = layout;
  const L = CLUSTER_CURVE_HALF_LENGTH;
  const a = CLUSTER_CURVE_AMPLITUDE;
  const out = new Float32Array(idx.length * dim);
  idx.forEach((p, r) => {
    const row = 3 * cluster[p]!;
    const tr = t[r]!;
    const cu = L * tr;
    const cv = offset[p]! + a * Math.sin(Math.PI * tr);
    for (let e = 0; e < dim; e++)
      out[r * dim + e] = frame[row * dim + e]! + cu * frame[(row + 1) * dim + e]! + cv * frame[(row + 2) * dim + e]!;
  });
  return tensor(out, [idx.length, dim], 'float32');
}

/** One augmentation of each listed point [len, dim] float32: γ_i(t) with t ~ U[−1, 1] from gen. */
function augmentPoints(layout: ClusterLayout, indices: Tensor | readonly number[], gen: Generator): Tensor {
  const idx = indexArray('augment()', indices, layout.n);
  if (!(gen instanceof Generator)) throw new TypeError('augment(): gen must be a Generator');
  const t = scope(() => rand([idx.length], gen, 'float64').mul(2).sub(1).toFloat64Array());
  return embed(layout, idx, t);
}

/** γ_i(t) at the given curve parameters [len, dim] float32, one t ∈ [−1, 1] per index. */
function curvePoints(
  layout: ClusterLayout,
  indices: Tensor | readonly number[],
  t: Tensor | readonly number[],
): Tensor {
  const idx = indexArray('curvePoint()', indices, layout.n);
  const tt = t instanceof Tensor ? noGrad(() => t.toArray()) : Array.from(t);
  if (tt.length !== idx.length)
    throw new RangeError(`curvePoint(): need one t per index, got ${tt.length} for ${idx.length}`);
  for (const v of tt) if (!(v >= -1 && v <= 1)) throw new RangeError(`curvePoint(): t must lie in [−1, 1], got ${v}`);
  return embed(layout, idx, tt);
}
