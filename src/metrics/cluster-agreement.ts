// Agreement between two partitions of the same n items (Paper D: does a learned representation
// keep the data's clusters?). Both scores are computed from the contingency table n_ij = #{t :
// a_t = i, b_t = j} with row sums a_i and column sums b_j, in float64, as sklearn.metrics does:
//
//   Adjusted Rand index (Hubert & Arabie 1985):
//     index = Σ_ij C(n_ij, 2),  expected = Σ_i C(a_i, 2) · Σ_j C(b_j, 2) / C(n, 2),
//     max = (Σ_i C(a_i, 2) + Σ_j C(b_j, 2)) / 2,   ARI = (index − expected) / (max − expected).
//     1 = identical partitions (up to renaming), ≈ 0 = chance, can be negative.
//   Normalised mutual information, arithmetic-mean normalisation (sklearn's default):
//     NMI = I(a; b) / ((H(a) + H(b)) / 2)   with natural logarithms (the base cancels).
//     1 = identical partitions, 0 = independent.
// Labels are arbitrary integers (only equality matters); they are re-indexed first.

/** Integer labels: a plain array, an Int32Array, or any array-like of integers. */
export type LabelArray = ArrayLike<number>;

/** @internal Re-indexes arbitrary integer labels to 0..m−1 (order of first appearance); returns them and m. */
export function compactLabels(fn: string, name: string, labels: LabelArray): { codes: Int32Array; count: number } {
  const codes = new Int32Array(labels.length);
  const seen = new Map<number, number>();
  for (let t = 0; t < labels.length; t++) {
    const v = labels[t]!;
    if (!Number.isInteger(v)) throw new RangeError(`${fn}: ${name} must hold integers, got ${String(v)} at index ${t}`);
    let c = seen.get(v);
    if (c === undefined) {
      c = seen.size;
      seen.set(v, c);
    }
    codes[t] = c;
  }
  return { codes, count: seen.size };
}

interface Contingency {
  n: number;
  /** Row-major [ra, rb] counts. */
  table: Float64Array;
  rowSums: Float64Array;
  colSums: Float64Array;
  ra: number;
  rb: number;
}

function contingency(fn: string, a: LabelArray, b: LabelArray): Contingency {
  if (a.length !== b.length)
    throw new RangeError(`${fn}: the two labelings must have the same length, got ${a.length} and ${b.length}`);
  if (a.length === 0) throw new RangeError(`${fn}: needs at least one labelled item`);
  const A = compactLabels(fn, 'a', a);
  const B = compactLabels(fn, 'b', b);
  const table = new Float64Array(A.count * B.count);
  const rowSums = new Float64Array(A.count);
  const colSums = new Float64Array(B.count);
  for (let t = 0; t < a.length; t++) {
    const i = A.codes[t]!;
    const j = B.codes[t]!;
    table[i * B.count + j]! += 1;
    rowSums[i]! += 1;
    colSums[j]! += 1;
  }
  return { n: a.length, table, rowSums, colSums, ra: A.count, rb: B.count };
}

const comb2 = (m: number): number => (m * (m - 1)) / 2;

/**
 * Adjusted Rand index between two labelings of the same items (sklearn's adjusted_rand_score).
 * Invariant to renaming labels; symmetric. Two labelings that each put every item in one cluster,
 * or each put every item in its own cluster, score 1 (sklearn's convention).
 *
 * @example
 * adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]);   // 4/7 ≈ 0.5714
 */
export function adjustedRandIndex(a: LabelArray, b: LabelArray): number {
  const c = contingency('adjustedRandIndex()', a, b);
  // sklearn's special cases: trivial partitions on both sides have no chance correction.
  if (c.ra === c.rb && (c.ra === 1 || c.ra === c.n)) return 1;
  let index = 0;
  for (const v of c.table) index += comb2(v);
  let sumA = 0;
  for (const v of c.rowSums) sumA += comb2(v);
  let sumB = 0;
  for (const v of c.colSums) sumB += comb2(v);
  const expected = (sumA * sumB) / comb2(c.n);
  const max = (sumA + sumB) / 2;
  if (max === expected) return 1; // only reachable for the trivial cases above; kept for safety.
  return (index - expected) / (max - expected);
}

function entropy(counts: Float64Array, n: number): number {
  let h = 0;
  for (const v of counts) if (v > 0) h -= (v / n) * Math.log(v / n);
  return h;
}

/**
 * Normalised mutual information I(a; b) / mean(H(a), H(b)) (sklearn's
 * normalized_mutual_info_score with average_method='arithmetic'). Invariant to renaming labels;
 * symmetric; in [0, 1]. If both labelings are a single cluster (H = 0 on both sides) it is 1, as
 * in sklearn; if only one is, it is 0.
 *
 * @example
 * normalizedMutualInfo([0, 0, 1, 1], [0, 0, 1, 2]);   // 0.8
 */
export function normalizedMutualInfo(a: LabelArray, b: LabelArray): number {
  const c = contingency('normalizedMutualInfo()', a, b);
  if (c.ra === 1 && c.rb === 1) return 1;
  if (c.ra === 1 || c.rb === 1) return 0;
  let mi = 0;
  for (let i = 0; i < c.ra; i++)
    for (let j = 0; j < c.rb; j++) {
      const nij = c.table[i * c.rb + j]!;
      if (nij > 0) mi += (nij / c.n) * Math.log((nij * c.n) / (c.rowSums[i]! * c.colSums[j]!));
    }
  const denom = (entropy(c.rowSums, c.n) + entropy(c.colSums, c.n)) / 2;
  // Clamp tiny negative rounding (sklearn clips MI at 0 too).
  return Math.min(1, Math.max(0, mi) / denom);
}
