import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hungarian, type Assignment } from '../../src/metrics/hungarian.js';

/** A small seeded PRNG (mulberry32) for plain-number test matrices. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const matrix = (n: number, m: number, draw: () => number): number[][] =>
  Array.from({ length: n }, () => Array.from({ length: m }, draw));

/** Best total over every injective map from the smaller side to the larger one (exhaustive). */
function bruteForce(cost: number[][], maximize = false): number {
  const n = cost.length;
  const m = cost[0]?.length ?? 0;
  const at = (r: number, c: number): number => (n <= m ? cost[r]![c]! : cost[c]![r]!);
  const [small, large] = n <= m ? [n, m] : [m, n];
  let best = maximize ? -Infinity : Infinity;
  const used = new Array<boolean>(large).fill(false);
  const go = (r: number, acc: number): void => {
    if (r === small) {
      best = maximize ? Math.max(best, acc) : Math.min(best, acc);
      return;
    }
    for (let c = 0; c < large; c++) {
      if (used[c]) continue;
      used[c] = true;
      go(r + 1, acc + at(r, c));
      used[c] = false;
    }
  };
  go(0, 0);
  return best;
}

/** The assignment is a valid matching of min(n, m) pairs whose cost is `total`. */
function assertValid(cost: number[][], a: Assignment): void {
  const n = cost.length;
  const m = cost[0]?.length ?? 0;
  assert.equal(a.rowToCol.length, n);
  assert.equal(a.colToRow.length, m);
  assert.equal(a.pairs.length, Math.min(n, m));
  const cols = new Set<number>();
  let total = 0;
  for (const [r, c] of a.pairs) {
    assert.equal(a.rowToCol[r], c);
    assert.equal(a.colToRow[c], r);
    assert.ok(!cols.has(c), `column ${c} matched twice`);
    cols.add(c);
    total += cost[r]![c]!;
  }
  assert.equal(a.rowToCol.filter((c) => c >= 0).length, Math.min(n, m));
  assert.equal(a.colToRow.filter((r) => r >= 0).length, Math.min(n, m));
  assert.ok(Math.abs(total - a.total) < 1e-12);
}

test('hungarian matches brute force on 30 random 4×4, 3×5 and 5×3 cost matrices', () => {
  const draw = prng(1);
  for (const [n, m] of [
    [4, 4],
    [3, 5],
    [5, 3],
  ] as const) {
    for (let trial = 0; trial < 30; trial++) {
      const cost = matrix(n, m, () => draw() * 20 - 5); // negative costs too
      const a = hungarian(cost);
      assertValid(cost, a);
      const best = bruteForce(cost);
      assert.ok(Math.abs(a.total - best) < 1e-9, `${n}×${m} trial ${trial}: ${a.total} vs brute force ${best}`);
    }
  }
});

test('hungarian matches brute force with many ties (small integer costs) and when maximising', () => {
  const draw = prng(2);
  for (const [n, m] of [
    [4, 4],
    [3, 5],
    [5, 3],
    [6, 6],
    [2, 7],
  ] as const) {
    for (let trial = 0; trial < 30; trial++) {
      const cost = matrix(n, m, () => Math.floor(draw() * 4));
      const min = hungarian(cost);
      assertValid(cost, min);
      assert.equal(min.total, bruteForce(cost));
      const max = hungarian(cost, { maximize: true });
      assertValid(cost, max);
      assert.equal(max.total, bruteForce(cost, true));
    }
  }
});

test('hungarian matches brute force on random 7×7 matrices', () => {
  const draw = prng(3);
  for (let trial = 0; trial < 5; trial++) {
    const cost = matrix(7, 7, draw);
    const a = hungarian(cost);
    assertValid(cost, a);
    assert.ok(Math.abs(a.total - bruteForce(cost)) < 1e-12);
  }
});

test('hungarian on known and degenerate cases', () => {
  assert.deepEqual(
    hungarian([
      [4, 1, 3],
      [2, 1, 5],
    ]),
    {
      rowToCol: [1, 0],
      colToRow: [1, 0, -1],
      pairs: [
        [0, 1],
        [1, 0],
      ],
      total: 3,
    },
  );
  assert.deepEqual(
    hungarian(
      [
        [0.9, 0.1],
        [0.2, 0.8],
      ],
      { maximize: true },
    ).rowToCol,
    [0, 1],
  );
  assert.deepEqual(hungarian([]), { rowToCol: [], colToRow: [], pairs: [], total: 0 });
  assert.deepEqual(hungarian([[7]]).pairs, [[0, 0]]);
  // One column: the cheapest row gets it, the others stay unmatched.
  const col = hungarian([[3], [1], [2]]);
  assert.deepEqual(col.rowToCol, [-1, 0, -1]);
  assert.equal(col.total, 1);
  // A 50×50 identity-cost problem (diagonal free, everything else costly) is solved exactly.
  const big = Array.from({ length: 50 }, (_, i) =>
    Array.from({ length: 50 }, (_, j) => (i === j ? 0 : 1 + ((i * 7 + j) % 5))),
  );
  assert.equal(hungarian(big).total, 0);
});

test('hungarian rejects ragged and non-finite cost matrices with clear messages', () => {
  assert.throws(() => hungarian([[1, 2], [3]]), {
    name: 'RangeError',
    message: 'hungarian(): cost must be rectangular; row 0 has 2 entries, row 1 has 1',
  });
  assert.throws(() => hungarian([[1, NaN]]), {
    name: 'RangeError',
    message: 'hungarian(): cost[0][1] must be a finite number, got NaN',
  });
  assert.throws(() => hungarian([[1], [Infinity]]), /cost\[1\]\[0\] must be a finite number, got Infinity/);
});
