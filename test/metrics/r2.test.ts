import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, linalg, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';
import { fitAffine, r2 } from '../../src/metrics/r2.js';

const sphere = (n: number, k: number, gen: Generator): Tensor => F.normalize(randn([n, k], gen, 'float64'), 1);
/** A random orthogonal matrix: Q of the QR decomposition of a seeded Gaussian matrix. */
const orthogonal = (k: number, gen: Generator): Tensor => linalg.qr(randn([k, k], gen, 'float64')).Q;

/** R² written out by hand: normal equations for [ẑ, 1] solved by Gaussian elimination, then sklearn's formula. */
function naiveR2(Z: number[][], H: number[][]): number[] {
  const X = H.map((h) => [...h, 1]);
  const p = X[0]!.length;
  const k = Z[0]!.length;
  return Array.from({ length: k }, (_, j) => {
    // Augmented system (XᵀX | Xᵀz_j).
    const A = Array.from({ length: p }, (_, a) => [
      ...Array.from({ length: p }, (_, b) => X.reduce((s, x) => s + x[a]! * x[b]!, 0)),
      X.reduce((s, x, i) => s + x[a]! * Z[i]![j]!, 0),
    ]);
    for (let c = 0; c < p; c++) {
      let piv = c;
      for (let r = c + 1; r < p; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
      [A[c], A[piv]] = [A[piv]!, A[c]!];
      for (let r = 0; r < p; r++) {
        if (r === c) continue;
        const f = A[r]![c]! / A[c]![c]!;
        for (let q = c; q <= p; q++) A[r]![q] = A[r]![q]! - f * A[c]![q]!;
      }
    }
    const w = A.map((row, c) => row[p]! / row[c]!);
    const pred = X.map((x) => x.reduce((s, v, a) => s + v * w[a]!, 0));
    const mean = Z.reduce((s, z) => s + z[j]!, 0) / Z.length;
    const ssRes = Z.reduce((s, z, i) => s + (z[j]! - pred[i]!) ** 2, 0);
    const ssTot = Z.reduce((s, z) => s + (z[j]! - mean) ** 2, 0);
    return 1 - ssRes / ssTot;
  });
}

const rowsOf = (t: Tensor): number[][] => {
  const [n, d] = t.shape as [number, number];
  const a = t.toArray();
  return Array.from({ length: n }, (_, i) => a.slice(i * d, (i + 1) * d));
};

test('r2 is 1 for an orthogonal map ẑ = zA, and for an isometric embedding into more dimensions', () => {
  scope(() => {
    const gen = new Generator(0);
    const z = sphere(2000, 3, gen);
    const res = r2(z, z.matmul(orthogonal(3, gen)));
    assert.ok(Math.abs(res.r2 - 1) < 1e-9, `r2 = ${res.r2}`);
    res.perDim.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-9));
    assert.deepEqual([res.trainSize, res.testSize], [2000, 2000]);
    // A [3, 5] with orthonormal rows: ẑ lives in R⁵ and still determines z linearly.
    const A = linalg.qr(randn([5, 3], gen, 'float64')).Q.T;
    const wide = r2(z, z.matmul(A));
    assert.equal(wide.perDim.length, 3);
    assert.ok(Math.abs(wide.r2 - 1) < 1e-9);
  });
});

test('r2 is 1 for an affine map with an offset (any invertible linear part)', () => {
  scope(() => {
    const gen = new Generator(1);
    const z = sphere(1000, 4, gen);
    const B = randn([4, 4], gen, 'float64');
    const c = tensor([3, -2, 0.5, 10], [4], 'float64');
    const res = r2(z, z.matmul(B).add(c));
    assert.ok(Math.abs(res.r2 - 1) < 1e-9, `r2 = ${res.r2}`);
    // float32 inputs are scored in float64: still 1 to float32 precision.
    const res32 = r2(z.float(), z.matmul(B).add(c).float());
    assert.ok(Math.abs(res32.r2 - 1) < 1e-6, `r2 (float32 inputs) = ${res32.r2}`);
  });
});

test('r2 equals a naive normal-equations regression with sklearn r2_score (uniform average)', () => {
  scope(() => {
    const gen = new Generator(2);
    const z = randn([15, 3], gen, 'float64');
    const zHat = z.narrow(1, 0, 2).add(randn([15, 2], gen, 'float64').mul(0.7)); // partly informative
    const expected = naiveR2(rowsOf(z), rowsOf(zHat));
    const res = r2(z, zHat);
    res.perDim.forEach((v, j) => assert.ok(Math.abs(v - expected[j]!) < 1e-10, `dim ${j}: ${v} vs ${expected[j]}`));
    const mean = expected.reduce((s, x) => s + x, 0) / expected.length;
    assert.ok(Math.abs(res.r2 - mean) < 1e-10);
    // fitAffine recovers the map exactly on noiseless affine data.
    const W = randn([2, 3], gen, 'float64');
    const b = tensor([1, 2, 3], [3], 'float64');
    const fit = fitAffine(zHat, zHat.matmul(W).add(b));
    assert.ok(fit.weight.sub(W).abs().max().item() < 1e-10);
    assert.ok(fit.bias.sub(b).abs().max().item() < 1e-10);
  });
});

test('r2 is ≈ 0 for independent noise, in-sample and held out', () => {
  scope(() => {
    const gen = new Generator(3);
    const z = sphere(2000, 3, gen);
    const noise = randn([2000, 3], gen, 'float64');
    const inSample = r2(z, noise).r2;
    assert.ok(inSample >= 0 && inSample < 0.02, `in-sample r2 = ${inSample}`);
    const heldOut = r2(z, noise, { testFraction: 0.5, gen }).r2;
    assert.ok(Math.abs(heldOut) < 0.02, `held-out r2 = ${heldOut}`);
  });
});

test('r2 with a held-out split: sizes, determinism from the generator, exact maps stay at 1', () => {
  scope(() => {
    const gen = new Generator(4);
    const z = sphere(2000, 3, gen);
    const Q = orthogonal(3, gen);
    const exact = r2(z, z.matmul(Q), { testFraction: 0.25, gen: new Generator(9) });
    assert.deepEqual([exact.trainSize, exact.testSize], [1500, 500]);
    assert.ok(Math.abs(exact.r2 - 1) < 1e-9);
    const noisy = z.matmul(Q).add(randn([2000, 3], gen, 'float64').mul(0.05));
    const a = r2(z, noisy, { testFraction: 0.25, gen: new Generator(7) }).r2;
    const b = r2(z, noisy, { testFraction: 0.25, gen: new Generator(7) }).r2;
    const c = r2(z, noisy, { testFraction: 0.25, gen: new Generator(8) }).r2;
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.ok(a > 0.95 && a < 1, `held-out r2 with noise = ${a}`);
    // With n ≫ d the held-out and in-sample scores agree closely.
    assert.ok(Math.abs(a - r2(z, noisy).r2) < 0.01);
  });
});

test('r2 follows sklearn for a constant truth dimension (predicted exactly → 1)', () => {
  scope(() => {
    const z = tensor(
      [
        [1, 0],
        [1, 1],
        [1, 2],
        [1, 4],
      ],
      undefined,
      'float64',
    );
    const zHat = tensor([[0], [1], [2], [4]], undefined, 'float64');
    assert.deepEqual(r2(z, zHat).perDim, [1, 1]);
  });
});

test('r2 rejects malformed inputs with clear messages', () => {
  scope(() => {
    const gen = new Generator(5);
    const z = sphere(10, 3, gen);
    assert.throws(() => r2(z, sphere(12, 3, gen)), {
      name: 'RangeError',
      message: 'r2(): truth and recovered must have the same number of samples (rows), got 10 and 12',
    });
    assert.throws(() => r2(z, z.select(1, 0)), {
      message: 'r2(): recovered must be a 2-d tensor [n, dim], got shape [10]',
    });
    assert.throws(() => r2(z.narrow(0, 0, 1), z.narrow(0, 0, 1)), { message: 'r2(): needs at least 2 samples, got 1' });
    assert.throws(() => r2(z, z, { testFraction: 1, gen }), {
      message: 'r2(): split.testFraction must be a number in (0, 1), got 1',
    });
    assert.throws(
      () => r2(z, z, { testFraction: 0.05, gen }),
      /leaves 1 test and 9 train samples; needs at least 2 and 1/,
    );
    assert.throws(() => r2(z, z.mul(NaN)), { message: 'r2(): recovered contains non-finite values (NaN or ±Inf)' });
    assert.throws(() => fitAffine(z, sphere(9, 3, gen)), {
      message: 'fitAffine(): x and y must have the same number of samples (rows), got 10 and 9',
    });
  });
});

test('pooled R² weights dimensions by their variance (hand-computed: uniform 0.6, pooled 1 − 0.8/21)', () => {
  scope(() => {
    // ẑ = z₀ predicts z₀ exactly (SS_tot 20) and z₁ poorly: slope 0.1, residuals ∓0.2, ±0.6 → SS_res 0.8
    // of SS_tot 1, R²₁ = 0.2. Uniform: (1 + 0.2)/2 = 0.6; pooled: 1 − (0 + 0.8)/(20 + 1) = 0.96190….
    const z = tensor(
      [
        [0, 0],
        [2, 1],
        [4, 0],
        [6, 1],
      ],
      undefined,
      'float64',
    );
    const zHat = z.narrow(1, 0, 1);
    const uniform = r2(z, zHat);
    assert.ok(Math.abs(uniform.perDim[0]! - 1) < 1e-12 && Math.abs(uniform.perDim[1]! - 0.2) < 1e-12);
    assert.ok(Math.abs(uniform.r2 - 0.6) < 1e-12, `uniform r2 = ${uniform.r2}`);
    assert.deepEqual(r2(z, zHat, undefined, { average: 'uniform' }).r2, uniform.r2);
    const pooled = r2(z, zHat, undefined, { average: 'pooled' });
    assert.ok(Math.abs(pooled.r2 - (1 - 0.8 / 21)) < 1e-12, `pooled r2 = ${pooled.r2}`);
    // The per-dimension scores do not depend on how they are averaged.
    assert.deepEqual(pooled.perDim, uniform.perDim);
  });
});

test('R² without an intercept scores a shifted representation lower (hand-computed 1/7); centred data agree', () => {
  scope(() => {
    // z = (−1, 0, 1), ẑ = z + 2: the affine fit is exact; z ≈ ẑw has w = Σẑz/Σẑ² = 2/14, residuals
    // (−8, −2, 4)/7, SS_res = 12/7 of SS_tot 2 → R² = 1/7.
    const z = tensor([[-1], [0], [1]], undefined, 'float64');
    const zHat = z.add(2);
    assert.ok(Math.abs(r2(z, zHat).r2 - 1) < 1e-12);
    const noBias = r2(z, zHat, undefined, { intercept: false }).r2;
    assert.ok(Math.abs(noBias - 1 / 7) < 1e-12, `no-intercept r2 = ${noBias}`);
    // On centred, noisy data the best bias is ≈ 0: both fits agree closely, and never exceed the affine one.
    const gen = new Generator(11);
    const zs = sphere(2000, 3, gen);
    const noisy = zs.matmul(orthogonal(3, gen)).add(randn([2000, 3], gen, 'float64').mul(0.3));
    const affine = r2(zs, noisy).r2;
    const linear = r2(zs, noisy, undefined, { intercept: false }).r2;
    assert.ok(linear <= affine + 1e-12 && affine - linear < 0.01, `affine ${affine}, no intercept ${linear}`);
    // Shifted by a constant, the affine score is unchanged and the one without a bias collapses.
    assert.ok(Math.abs(r2(zs, noisy.add(5)).r2 - affine) < 1e-9);
    assert.ok(r2(zs, noisy.add(5), undefined, { intercept: false }).r2 < affine - 0.1);
  });
});

test('r2 options: held-out, pooled and without intercept combine; bad options are refused by name', () => {
  scope(() => {
    const gen = new Generator(12);
    const z = sphere(400, 3, gen);
    const zHat = z.add(randn([400, 3], gen, 'float64').mul(0.5));
    const both = r2(z, zHat, { testFraction: 0.5, gen: new Generator(3) }, { average: 'pooled', intercept: false });
    assert.deepEqual([both.trainSize, both.testSize], [200, 200]);
    assert.ok(both.r2 > 0 && both.r2 < 1, `r2 = ${both.r2}`);
    assert.throws(() => r2(z, zHat, undefined, { average: 'weighted' as never }), {
      message: "r2(): options.average must be 'uniform' or 'pooled', got weighted",
    });
    assert.throws(() => r2(z, zHat, undefined, { intercept: 'no' as never }), {
      message: 'r2(): options.intercept must be a boolean, got no',
    });
  });
});
