// Closed forms of Paper B ("On the Similarities of Embeddings in Contrastive Learning").
//   Thm 5.1: at the full-batch optimum every positive similarity is 1 and every negative −1/(n−1).
//   Thm 5.2: E[s_pos] ≤ 1 + E[s_neg] + 1/(n−1) (so s_pos = 1 needs E[s_neg] ≥ −1/(n−1)).
//   Thm 5.5: with a fixed partition of n instances into mini-batches of size m, at the optimum
//            Var[s_neg] ∈ [ (n−m)/((m−1)(n−1)²), n(n−m)/((m−1)(n−1)²) ]
//            (the lower end when embeddings of different batches are orthogonal, the upper end
//            when all batches' simplices span the same subspace).
//   Uniformity ≈ 2(E[s_neg] + Var[s_neg] − 1).

function checkCount(fn: string, name: string, x: number, min: number): void {
  if (!Number.isInteger(x) || x < min)
    throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${String(x)}`);
}

/** The optimal negative similarity −1/(n−1) of n instances (Thm 5.1). */
export function optimalNegativeSimilarity(n: number): number {
  checkCount('optimalNegativeSimilarity', 'n', n, 2);
  return -1 / (n - 1);
}

/** Thm 5.2's upper bound on the mean positive similarity: 1 + E[s_neg] + 1/(n−1). */
export function positiveSimilarityBound(negMean: number, n: number): number {
  checkCount('positiveSimilarityBound', 'n', n, 2);
  return 1 + negMean + 1 / (n - 1);
}

/** Thm 5.5's interval [lo, hi] for Var[s_neg] with n instances in fixed mini-batches of size m (m divides n, 2 ≤ m ≤ n). */
export function miniBatchVarianceBounds(n: number, m: number): [number, number] {
  checkCount('miniBatchVarianceBounds', 'n', n, 2);
  checkCount('miniBatchVarianceBounds', 'm', m, 2);
  if (m > n || n % m !== 0) throw new RangeError(`miniBatchVarianceBounds: m must divide n (n = ${n}, m = ${m})`);
  const denom = (m - 1) * (n - 1) ** 2;
  return [(n - m) / denom, (n * (n - m)) / denom];
}

/** Paper B's approximation of the uniformity metric from the negative similarities: 2(E[s_neg] + Var[s_neg] − 1). */
export function uniformityApprox(negMean: number, negVar: number): number {
  return 2 * (negMean + negVar - 1);
}
