// k-means clustering (Lloyd 1982) with k-means++ seeding (Arthur & Vassilvitskii 2007), the
// clustering step of Paper D's cluster-preservation metrics (k-means on the learned embeddings,
// then ARI/NMI against the true clusters).
//
//   Seeding (one run): the first centre is a uniformly random point; each further centre is point
//   i with probability D(i)² / Σ_j D(j)², D(i) the distance from i to its nearest chosen centre
//   (the original single-candidate rule, not sklearn's greedy 2 + ln k candidates).
//   Lloyd: assign every point to its nearest centre, move each centre to the mean of its points;
//   stop when the squared centre shift Σ_c |c_new − c_old|² ≤ tol · mean_j Var(x_·j) (sklearn's
//   relative tolerance), when the assignment no longer changes, or after maxIter iterations.
//   An empty cluster is re-seeded at the point farthest from its current centre.
//   The best of nInit runs by inertia Σ_i |x_i − c_{label_i}|² is returned, labels and inertia
//   recomputed for its final centres.
// Computed in float64 in plain JavaScript; all randomness comes from the given Generator (one
// `rand([k])` draw per run), so a seed fixes the result.
import { Generator, noGrad, rand, scope, type Tensor } from '../torch/index.js';

export interface KMeansOptions {
  /** Source of all randomness (the seeding draws). */
  gen: Generator;
  /** Independent k-means++ runs; the one with the lowest inertia wins. Default 10. */
  nInit?: number;
  /** Lloyd iterations per run at most. Default 300. */
  maxIter?: number;
  /** Relative tolerance on the squared centre shift (× the mean feature variance). Default 1e-6. */
  tol?: number;
}

export interface KMeansResult {
  /** Cluster index in 0..k−1 of each of the n points. */
  labels: Int32Array;
  /** k centres of dimension d. */
  centers: number[][];
  /** Σ_i |x_i − c_{label_i}|² of the returned solution. */
  inertia: number;
  /** Lloyd iterations the winning run took. */
  iterations: number;
}

/** @internal The rows of a 2-d tensor as one row-major Float64Array, with n and d. */
export function rowMajor64(fn: string, x: Tensor): { data: Float64Array; n: number; d: number } {
  if (x.ndim !== 2) throw new RangeError(`${fn}: x must be a 2-d tensor [n, d], got shape [${x.shape.join(', ')}]`);
  const [n, d] = x.shape as [number, number];
  const data = noGrad(() => scope(() => x.to('float64').contiguous().data())) as Float64Array;
  for (let t = 0; t < data.length; t++)
    if (!Number.isFinite(data[t]!)) throw new RangeError(`${fn}: x contains non-finite values (NaN or ±Inf)`);
  return { data: Float64Array.from(data), n, d };
}

function sqDist(x: Float64Array, i: number, c: Float64Array, j: number, d: number): number {
  let s = 0;
  const xo = i * d;
  const co = j * d;
  for (let t = 0; t < d; t++) {
    const diff = x[xo + t]! - c[co + t]!;
    s += diff * diff;
  }
  return s;
}

/** Nearest-centre assignment; writes labels and per-point squared distances; returns the inertia. */
function assign(
  x: Float64Array,
  n: number,
  d: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  dist: Float64Array,
): number {
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      const s = sqDist(x, i, centers, j, d);
      if (s < best) {
        best = s;
        arg = j;
      }
    }
    labels[i] = arg;
    dist[i] = best;
    inertia += best;
  }
  return inertia;
}

/** k-means++ seeding from k uniform draws u ∈ [0, 1). */
function seed(x: Float64Array, n: number, d: number, k: number, u: Float64Array): Float64Array {
  const centers = new Float64Array(k * d);
  const first = Math.min(n - 1, Math.floor(u[0]! * n));
  centers.set(x.subarray(first * d, first * d + d), 0);
  const d2 = new Float64Array(n);
  for (let i = 0; i < n; i++) d2[i] = sqDist(x, i, centers, 0, d);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += d2[i]!;
    let pick = n - 1;
    if (total > 0) {
      const target = u[c]! * total;
      let acc = 0;
      for (let i = 0; i < n; i++) {
        acc += d2[i]!;
        if (acc > target && d2[i]! > 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = Math.min(n - 1, Math.floor(u[c]! * n)); // all points coincide with chosen centres
    }
    centers.set(x.subarray(pick * d, pick * d + d), c * d);
    for (let i = 0; i < n; i++) d2[i] = Math.min(d2[i]!, sqDist(x, i, centers, c, d));
  }
  return centers;
}

/**
 * One Lloyd run's working arrays: labels [n], squared distance of each point to its centre [n],
 * coordinate sums [k·d] and sizes [k] of the clusters.
 */
interface Partition {
  labels: Int32Array;
  dist: Float64Array;
  sums: Float64Array;
  counts: Float64Array;
}

/**
 * Lloyd's iterations (Lloyd 1982) from the seeded centres [k·d], which it updates in place; returns
 * them with the number of iterations taken (stopping rules in the header).
 */
function lloyd(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  centers: Float64Array,
  maxIter: number,
  tolAbs: number,
): { centers: Float64Array; iterations: number } {
  const p: Partition = {
    labels: new Int32Array(n).fill(-1),
    dist: new Float64Array(n),
    sums: new Float64Array(k * d),
    counts: new Float64Array(k),
  };
  const prev = new Int32Array(n);
  let iterations = 0;
  for (let it = 0; it < maxIter; it++) {
    prev.set(p.labels);
    assign(x, n, d, centers, k, p.labels, p.dist);
    iterations = it + 1;
    sumClusters(x, d, p);
    reseedEmpty(x, d, p);
    const shift = moveCenters(centers, d, p);
    // An unchanged assignment is a fixed point: the next step would move no centre.
    if (sameLabels(p.labels, prev) || shift <= tolAbs) break;
  }
  return { centers, iterations };
}

/** Fills p.sums [k·d] and p.counts [k] with the coordinate sums and sizes of the clusters of p.labels. */
function sumClusters(x: Float64Array, d: number, p: Partition): void {
  p.sums.fill(0);
  p.counts.fill(0);
  for (let i = 0; i < p.labels.length; i++) {
    const l = p.labels[i]!;
    p.counts[l]! += 1;
    for (let t = 0; t < d; t++) p.sums[l * d + t]! += x[i * d + t]!;
  }
}

/** Gives each empty cluster the point farthest from its centre (one point each); updates p in place. */
function reseedEmpty(x: Float64Array, d: number, p: Partition): void {
  for (let j = 0; j < p.counts.length; j++) {
    if (p.counts[j]! > 0) continue;
    const far = farthestMovable(p);
    if (far >= 0) moveToEmpty(x, d, p, far, j);
  }
}

/**
 * The point of largest p.dist (the first on ties) among clusters of more than one point, so that
 * moving it empties no other cluster; −1 if there is none.
 */
function farthestMovable(p: Partition): number {
  let far = -1;
  let farDist = -1;
  for (let i = 0; i < p.labels.length; i++)
    if (p.counts[p.labels[i]!]! > 1 && p.dist[i]! > farDist) {
      farDist = p.dist[i]!;
      far = i;
    }
  return far;
}

/** Moves point i out of its cluster into the empty cluster j, as its only point; updates p in place. */
function moveToEmpty(x: Float64Array, d: number, p: Partition, i: number, j: number): void {
  const from = p.labels[i]!;
  p.counts[from]! -= 1;
  for (let t = 0; t < d; t++) p.sums[from * d + t]! -= x[i * d + t]!;
  p.labels[i] = j;
  p.dist[i] = 0;
  p.counts[j] = 1;
  for (let t = 0; t < d; t++) p.sums[j * d + t] = x[i * d + t]!;
}

/** Moves each non-empty centre [k·d] to its cluster mean, in place; returns the squared shift Σ_c |c_new − c_old|². */
function moveCenters(centers: Float64Array, d: number, p: Partition): number {
  let shift = 0;
  for (let j = 0; j < p.counts.length; j++) {
    if (p.counts[j]! === 0) continue;
    for (let t = 0; t < d; t++) {
      const v = p.sums[j * d + t]! / p.counts[j]!;
      const diff = v - centers[j * d + t]!;
      shift += diff * diff;
      centers[j * d + t] = v;
    }
  }
  return shift;
}

/** Whether two labelings [n] are equal element by element. */
function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * k-means with k-means++ seeding, best of `nInit` runs by inertia.
 *
 * Shapes: x [n, d] (any float dtype; computed in float64), 1 ≤ k ≤ n.
 * @example
 * const { labels, inertia } = kmeans(embeddings, 10, { gen: new Generator(0) });
 * adjustedRandIndex(labels, trueLabels);
 */
export function kmeans(x: Tensor, k: number, options: KMeansOptions): KMeansResult {
  const fn = 'kmeans()';
  const { gen, nInit = 10, maxIter = 300, tol = 1e-6 } = options;
  if (!(gen instanceof Generator)) throw new TypeError(`${fn}: options.gen must be a Generator`);
  if (!Number.isInteger(nInit) || nInit < 1)
    throw new RangeError(`${fn}: nInit must be a positive integer, got ${String(nInit)}`);
  if (!Number.isInteger(maxIter) || maxIter < 1)
    throw new RangeError(`${fn}: maxIter must be a positive integer, got ${String(maxIter)}`);
  if (typeof tol !== 'number' || !(tol >= 0))
    throw new RangeError(`${fn}: tol must be a number >= 0, got ${String(tol)}`);
  const { data, n, d } = rowMajor64(fn, x);
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new RangeError(`${fn}: k must be an integer in [1, n = ${n}], got ${String(k)}`);
  if (d < 1) throw new RangeError(`${fn}: x must have at least one column`);
  // sklearn's tolerance: relative to the mean per-feature variance of the data.
  let meanVar = 0;
  for (let t = 0; t < d; t++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i * d + t]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * d + t]! - m) ** 2;
    meanVar += v / n;
  }
  const tolAbs = (tol * meanVar) / d;
  let best: { centers: Float64Array; iterations: number; inertia: number; labels: Int32Array } | undefined;
  for (let run = 0; run < nInit; run++) {
    const u = scope(() => Float64Array.from(rand([k], gen, 'float64').data() as Float64Array));
    const { centers, iterations } = lloyd(data, n, d, k, seed(data, n, d, k, u), maxIter, tolAbs);
    const labels = new Int32Array(n);
    const inertia = assign(data, n, d, centers, k, labels, new Float64Array(n));
    if (best === undefined || inertia < best.inertia) best = { centers, iterations, inertia, labels };
  }
  const b = best!;
  return {
    labels: b.labels,
    centers: Array.from({ length: k }, (_, j) => Array.from(b.centers.subarray(j * d, j * d + d))),
    inertia: b.inertia,
    iterations: b.iterations,
  };
}

/** Σ_i min_c |x_i − c|²: the inertia of the nearest-centre assignment to the given centres. */
export function kmeansInertia(x: Tensor, centers: readonly (readonly number[])[]): number {
  const { data, n, d } = rowMajor64('kmeansInertia()', x);
  const k = centers.length;
  if (k < 1) throw new RangeError('kmeansInertia(): needs at least one centre');
  const c = new Float64Array(k * d);
  centers.forEach((row, j) => {
    if (row.length !== d)
      throw new RangeError(`kmeansInertia(): centre ${j} has ${row.length} coordinates, x has ${d}`);
    c.set(row, j * d);
  });
  return assign(data, n, d, c, k, new Int32Array(n), new Float64Array(n));
}
