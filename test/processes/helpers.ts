// Shared helpers of the process tests (not a test file itself).
import { F, randn, type Generator, type Tensor } from '../../src/torch/index.js';

/** n points uniform on S² (or S^{dim−1}). */
export const sphere = (n: number, gen: Generator, dtype: 'float32' | 'float64' = 'float32', dim = 3): Tensor =>
  F.normalize(randn([n, dim], gen, dtype), 1);

/** A 2-d tensor as rows of plain numbers. */
export const rows = (t: Tensor): number[][] => {
  const [n, d] = t.shape as [number, number];
  const a = t.toArray();
  return Array.from({ length: n }, (_, i) => a.slice(i * d, (i + 1) * d));
};

/** max |a − b| over all elements. */
export const maxAbsDiff = (a: Tensor, b: Tensor): number => {
  const x = a.toArray();
  const y = b.toArray();
  if (x.length !== y.length) throw new Error(`maxAbsDiff: sizes ${x.length} and ${y.length} differ`);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
};

export const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** Gram matrix of the rows (all pairwise dot products). */
export const gram = (r: number[][]): number[][] => r.map((a) => r.map((b) => dot(a, b)));
