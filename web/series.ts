// The numbers behind the curves: one run's metric as (x, y) points, TensorBoard's smoothing, and
// a group of runs (e.g. the seeds of one cell) as its mean with a min–max band.

export interface Points {
  x: number[];
  y: number[];
}

/** Columns of one run's metrics (step, seconds, loss, r2, …), null where a row lacks a value. */
export type Columns = Map<string, (number | null)[]>;

/** The rows of `columns` that have both `xKey` and `metric`, in file order, as points. */
export function pointsOf(columns: Columns, metric: string, xKey: string): Points {
  const xs = columns.get(xKey) ?? [];
  const ys = columns.get(metric) ?? [];
  const out: Points = { x: [], y: [] };
  for (let i = 0; i < ys.length; i++) {
    const x = xs[i];
    const y = ys[i];
    if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(y)) {
      out.x.push(x);
      out.y.push(y);
    }
  }
  return out;
}

/**
 * Exponential moving average with TensorBoard's debiasing (the first points are not pulled
 * towards 0): weight 0 leaves the curve as it is, 0.99 smooths it hard.
 *
 * @example
 * smooth([1, 3], 0.5) // → [1, 2.333…]
 */
export function smooth(y: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...y];
  let last = 0;
  let debias = 0;
  return y.map((v) => {
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    return last / debias;
  });
}

export interface Band {
  x: number[];
  mean: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
}

/** Mean, min and max over the members that have a value at each x (the union of their x). */
export function groupBand(members: readonly Points[]): Band {
  const xs = [...new Set(members.flatMap((m) => m.x))].sort((a, b) => a - b);
  const maps = members.map((m) => new Map(m.x.map((x, i) => [x, m.y[i]!])));
  const band: Band = { x: xs, mean: [], lo: [], hi: [] };
  for (const x of xs) {
    let sum = 0;
    let n = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const m of maps) {
      const v = m.get(x);
      if (v === undefined) continue;
      sum += v;
      n++;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    band.mean.push(n > 0 ? sum / n : null);
    band.lo.push(n > 0 ? lo : null);
    band.hi.push(n > 0 ? hi : null);
  }
  return band;
}

/** Values a log axis cannot show (≤ 0) become gaps. */
export function forLog(y: readonly (number | null)[]): (number | null)[] {
  return y.map((v) => (v !== null && v > 0 ? v : null));
}

/** Tableau's ten colours: distinct, and readable on white. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export const colorOf = (i: number): string => PALETTE[i % PALETTE.length]!;
