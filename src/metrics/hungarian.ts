// The Hungarian algorithm (Kuhn 1955, Munkres 1957) for the linear assignment problem, in the
// O(n²m) shortest-augmenting-path form with dual potentials (Jonker–Volgenant style; n ≤ m):
// each row in turn is matched by a Dijkstra-like search over reduced costs a[i][j] − u[i] − v[j],
// which stay non-negative, and the potentials are updated so that the matching stays optimal.
// Rectangular problems are solved on the side with fewer rows (transposing when needed), so
// min(n, m) pairs are matched. Plain numbers in and out; used by the MCC metric (mcc.ts).

/** The optimal assignment of a rectangular cost matrix [n][m]. */
export interface Assignment {
  /** rowToCol[i]: the column matched to row i, or −1 when row i is unmatched (only if n > m). */
  readonly rowToCol: number[];
  /** colToRow[j]: the row matched to column j, or −1 when column j is unmatched (only if m > n). */
  readonly colToRow: number[];
  /** The matched pairs [row, col], by increasing row; min(n, m) of them. */
  readonly pairs: [number, number][];
  /** Sum of the original costs over the matched pairs (minimal, or maximal with `maximize`). */
  readonly total: number;
}

export interface HungarianOptions {
  /** Maximise the total instead of minimising it (default false). */
  maximize?: boolean;
}

/**
 * Solves the linear assignment problem: matches min(n, m) rows of `cost` [n][m] to distinct
 * columns so that the sum of the matched costs is minimal (or maximal with `maximize`).
 * Costs must be finite numbers; rows must all have the same length. O(min(n,m)²·max(n,m)).
 *
 * @example
 * const { pairs, total } = hungarian([[4, 1, 3], [2, 1, 5]]);
 * // pairs = [[0, 1], [1, 0]], total = 3
 * hungarian([[0.9, 0.1], [0.2, 0.8]], { maximize: true }).rowToCol; // [0, 1]
 */
export function hungarian(cost: readonly (readonly number[])[], options: HungarianOptions = {}): Assignment {
  if (!Array.isArray(cost)) throw new TypeError('hungarian(): cost must be an array of rows');
  const n = cost.length;
  const m = n === 0 ? 0 : (cost[0]?.length ?? 0);
  for (let i = 0; i < n; i++) {
    const row = cost[i];
    if (!Array.isArray(row) || row.length !== m)
      throw new RangeError(
        `hungarian(): cost must be rectangular; row 0 has ${m} entries, row ${i} has ${Array.isArray(row) ? row.length : 'none'}`,
      );
    for (let j = 0; j < m; j++) {
      const c = row[j];
      if (typeof c !== 'number' || !Number.isFinite(c))
        throw new RangeError(`hungarian(): cost[${i}][${j}] must be a finite number, got ${String(c)}`);
    }
  }
  const sign = options.maximize === true ? -1 : 1;
  const transposed = n > m;
  const rows = transposed ? m : n;
  const cols = transposed ? n : m;
  // a(i, j): the (signed) cost on the orientation with rows ≤ cols.
  const a = (i: number, j: number): number => sign * (transposed ? cost[j]![i]! : cost[i]![j]!);
  const matchOfCol = solveRowsLeCols(rows, cols, a);

  const rowToCol = new Array<number>(n).fill(-1);
  const colToRow = new Array<number>(m).fill(-1);
  for (let j = 0; j < cols; j++) {
    const i = matchOfCol[j]!;
    if (i < 0) continue;
    const [r, c] = transposed ? [j, i] : [i, j];
    rowToCol[r] = c;
    colToRow[c] = r;
  }
  const pairs: [number, number][] = [];
  let total = 0;
  rowToCol.forEach((c, r) => {
    if (c >= 0) {
      pairs.push([r, c]);
      total += cost[r]![c]!;
    }
  });
  return { rowToCol, colToRow, pairs, total };
}

/**
 * Core solver for rows ≤ cols (minimisation). Returns, for each column, its matched row or −1.
 * Indices are shifted by one internally: column 0 is a virtual column holding the row being added.
 */
function solveRowsLeCols(rows: number, cols: number, a: (i: number, j: number) => number): number[] {
  const u = new Float64Array(rows + 1); // row potentials
  const v = new Float64Array(cols + 1); // column potentials
  const p = new Int32Array(cols + 1); // p[j]: row (1-based) matched to column j, 0 = free
  const way = new Int32Array(cols + 1); // way[j]: previous column on the shortest path to j
  const minv = new Float64Array(cols + 1);
  const used = new Uint8Array(cols + 1);
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    // Grow a shortest-path tree from row i until it reaches a free column.
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = -1;
      for (let j = 1; j <= cols; j++) {
        if (used[j] === 1) continue;
        const cur = a(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      // rows ≤ cols and all costs finite, so an unused column with a finite distance exists.
      if (j1 < 0) throw new Error('hungarian(): internal error, no augmenting path');
      for (let j = 0; j <= cols; j++) {
        if (used[j] === 1) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    // Augment along the path back to the virtual column 0.
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const matchOfCol = new Array<number>(cols).fill(-1);
  for (let j = 1; j <= cols; j++) if (p[j]! > 0) matchOfCol[j - 1] = p[j]! - 1;
  return matchOfCol;
}
