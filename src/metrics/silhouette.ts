// Mean silhouette coefficient (Rousseeuw 1987), sklearn's silhouette_score with the Euclidean
// metric: for point i with cluster C(i),
//   a(i) = mean distance to the other points of C(i),
//   b(i) = min over other clusters C' of the mean distance to the points of C',
//   s(i) = (b(i) − a(i)) / max(a(i), b(i)),   and s(i) = 0 when C(i) = {i}.
// The score is the mean of s(i) over all points: ≈ 1 for compact, well-separated clusters, ≈ 0
// for labels unrelated to the geometry, negative for points nearer another cluster.
// Distances are computed in float64 with torch, in blocks of rows (memory O(block · n)), and
// summed per cluster by a matmul with the one-hot label matrix.
import { F, noGrad, scope, tensor, type Tensor } from '../torch/index.js';
import { compactLabels, type LabelArray } from './cluster-agreement.js';
import { checkFinite } from './types.js';

export interface SilhouetteOptions {
  /** Rows per distance block; default 1024. */
  blockSize?: number;
}

/**
 * The mean silhouette coefficient of `labels` on the points `x` (Euclidean distance).
 * Needs 2 ≤ number of distinct labels ≤ n − 1 (as sklearn).
 *
 * Shapes: x [n, d] (any float dtype; computed in float64); labels: n integers.
 * @example
 * silhouette(embeddings, kmeans(embeddings, 10, { gen }).labels);
 */
export function silhouette(x: Tensor, labels: LabelArray, options: SilhouetteOptions = {}): number {
  const fn = 'silhouette()';
  const { blockSize = 1024 } = options;
  if (x.ndim !== 2) throw new RangeError(`${fn}: x must be a 2-d tensor [n, d], got shape [${x.shape.join(', ')}]`);
  const n = x.size(0);
  if (labels.length !== n)
    throw new RangeError(`${fn}: labels must have one entry per row of x (${n}), got ${labels.length}`);
  if (!Number.isInteger(blockSize) || blockSize < 1)
    throw new RangeError(`${fn}: blockSize must be a positive integer, got ${String(blockSize)}`);
  checkFinite(fn, 'x', x);
  const { codes, count } = compactLabels(fn, 'labels', labels);
  if (count < 2 || count > n - 1)
    throw new RangeError(`${fn}: the number of distinct labels must be in [2, n − 1 = ${n - 1}], got ${count}`);
  const sizes = new Float64Array(count);
  for (const c of codes) sizes[c]! += 1;
  return noGrad(() =>
    scope(() => {
      const x64 = x.to('float64');
      if (x64.isfinite().all().item() !== 1) throw new RangeError(`${fn}: x contains non-finite values (NaN or ±Inf)`);
      const onehot = F.oneHot(tensor(Array.from(codes), [n], 'int64'), count).to('float64');
      let total = 0;
      for (let start = 0; start < n; start += blockSize) {
        const rows = Math.min(blockSize, n - start);
        // [rows, count]: Σ of distances from each row to the points of each cluster.
        const sums = scope(() =>
          F.cdist(x64.narrow(0, start, rows), x64)
            .clampMin(0)
            .matmul(onehot)
            .toFloat64Array(),
        );
        for (let r = 0; r < rows; r++) {
          const own = codes[start + r]!;
          if (sizes[own]! <= 1) continue; // s(i) = 0 for a singleton cluster
          const a = sums[r * count + own]! / (sizes[own]! - 1);
          let b = Infinity;
          for (let c = 0; c < count; c++) if (c !== own) b = Math.min(b, sums[r * count + c]! / sizes[c]!);
          const m = Math.max(a, b);
          total += m > 0 ? (b - a) / m : 0;
        }
      }
      return total / n;
    }),
  );
}
