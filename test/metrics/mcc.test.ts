import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, cat, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';
import { mcc, pearsonMatrix } from '../../src/metrics/mcc.js';

const sphere = (n: number, k: number, gen: Generator): Tensor => F.normalize(randn([n, k], gen, 'float64'), 1);
const columns = (t: Tensor, idx: number[]): Tensor => t.indexSelect(1, tensor(idx, undefined, 'int64'));

test('mcc is 1 for a coordinate permutation with sign flips, and recovers the matching', () => {
  scope(() => {
    const gen = new Generator(0);
    const z = sphere(2000, 4, gen);
    const perm = [2, 0, 3, 1]; // ẑ_j = s_j · z_perm[j]
    const signs = tensor([-1, 1, -1, 1], [4], 'float64');
    const res = mcc(z, columns(z, perm).mul(signs));
    assert.ok(Math.abs(res.mcc - 1) < 1e-12, `mcc = ${res.mcc}`);
    // truth i is matched to the recovered j with perm[j] = i, with correlation s_j.
    assert.deepEqual(
      res.matching.map((p) => [p.truth, p.recovered, Math.round(p.correlation)]),
      [
        [0, 1, 1],
        [1, 3, 1],
        [2, 0, -1],
        [3, 2, -1],
      ],
    );
    assert.equal(res.correlations.length, 4);
    assert.equal(res.correlations[0]!.length, 4);
    // Per-dimension affine rescaling does not change Pearson correlations either.
    const scaled = columns(z, perm)
      .mul(tensor([3, -0.5, 2, 7], [4], 'float64'))
      .add(tensor([1, 2, 3, 4], [4], 'float64'));
    assert.ok(Math.abs(mcc(z, scaled).mcc - 1) < 1e-12);
  });
});

test('mcc on rectangular problems matches min(k, d) dimensions', () => {
  scope(() => {
    const gen = new Generator(1);
    const z = sphere(2000, 3, gen);
    // d > k: the three latents hidden among two noise columns.
    const wide = cat(
      [randn([2000, 1], gen, 'float64'), z.narrow(1, 2, 1).neg(), z.narrow(1, 0, 2), randn([2000, 1], gen, 'float64')],
      1,
    );
    const w = mcc(z, wide);
    assert.ok(Math.abs(w.mcc - 1) < 1e-12);
    assert.deepEqual(
      w.matching.map((p) => p.recovered),
      [2, 3, 1],
    );
    // d < k: only two latents recovered; both are matched perfectly.
    const narrow = mcc(z, columns(z, [2, 1]));
    assert.equal(narrow.matching.length, 2);
    assert.ok(Math.abs(narrow.mcc - 1) < 1e-12);
    assert.deepEqual(
      narrow.matching.map((p) => [p.truth, p.recovered]),
      [
        [1, 1],
        [2, 0],
      ],
    );
  });
});

test('mcc is small for independent noise', () => {
  scope(() => {
    const gen = new Generator(2);
    const z = sphere(2000, 3, gen);
    const res = mcc(z, randn([2000, 3], gen, 'float64'));
    assert.ok(res.mcc < 0.1, `mcc = ${res.mcc}`);
  });
});

test('pearsonMatrix equals the textbook formula; a constant column correlates 0', () => {
  scope(() => {
    const gen = new Generator(3);
    const z = randn([30, 2], gen, 'float64');
    const h = randn([30, 3], gen, 'float64').add(z.narrow(1, 0, 1));
    const Z = z.toArray();
    const H = h.toArray();
    const col = (a: number[], d: number, j: number): number[] => Array.from({ length: 30 }, (_, i) => a[i * d + j]!);
    const pearson = (x: number[], y: number[]): number => {
      const mx = x.reduce((s, v) => s + v, 0) / x.length;
      const my = y.reduce((s, v) => s + v, 0) / y.length;
      const sxy = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0);
      const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
      const syy = y.reduce((s, v) => s + (v - my) ** 2, 0);
      return sxy / Math.sqrt(sxx * syy);
    };
    const C = pearsonMatrix(z, h);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) assert.ok(Math.abs(C[i]![j]! - pearson(col(Z, 2, i), col(H, 3, j))) < 1e-12);
    const withConstant = cat([h, tensor(new Array<number>(30).fill(5), [30, 1], 'float64')], 1);
    const res = mcc(z, withConstant);
    assert.deepEqual(
      res.correlations.map((row) => row[3]),
      [0, 0],
    );
    assert.ok(Number.isFinite(res.mcc));
  });
});

test('mcc rejects malformed inputs with clear messages', () => {
  scope(() => {
    const gen = new Generator(4);
    const z = sphere(10, 3, gen);
    assert.throws(() => mcc(z, sphere(11, 3, gen)), {
      name: 'RangeError',
      message: 'mcc(): truth and recovered must have the same number of samples (rows), got 10 and 11',
    });
    assert.throws(() => mcc(z.reshape(2, 5, 3), z), {
      message: 'mcc(): truth must be a 2-d tensor [n, dim], got shape [2, 5, 3]',
    });
    assert.throws(() => mcc(z.mul(Infinity), z), { message: 'mcc(): truth contains non-finite values (NaN or ±Inf)' });
  });
});
