import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, cat, eye, linalg, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';
import { orthogonality } from '../../src/metrics/orthogonality.js';

const sphere = (n: number, k: number, gen: Generator): Tensor => F.normalize(randn([n, k], gen, 'float64'), 1);
const orthogonal = (k: number, gen: Generator): Tensor => linalg.qr(randn([k, k], gen, 'float64')).Q;
const hLambda = (z: Tensor, lambda: number): Tensor =>
  F.normalize(cat([z.narrow(1, 0, 1), z.narrow(1, 1, z.size(1) - 1).mul(lambda)], 1), 1);
const maxAbsDiff = (a: number[][], b: Tensor): number => {
  const flat = b.toArray();
  return Math.max(...a.flat().map((v, i) => Math.abs(v - flat[i]!)));
};

test('an orthogonal map has unit singular values, zero Procrustes residual, and both fits recover Qᵀ', () => {
  scope(() => {
    const gen = new Generator(0);
    const z = sphere(2000, 3, gen);
    const Q = orthogonal(3, gen);
    const res = orthogonality(z, z.matmul(Q));
    assert.equal(res.singularValues.length, 3);
    res.singularValues.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-9, `σ = ${s}`));
    assert.ok(res.orthogonalityError < 1e-9);
    assert.ok(res.procrustesResidual < 1e-9, `residual = ${res.procrustesResidual}`);
    // z = ẑ·Qᵀ: the affine fit's linear part and the Procrustes map are both Qᵀ, the offset 0.
    assert.ok(maxAbsDiff(res.linearMap, Q.T.contiguous()) < 1e-9);
    assert.ok(maxAbsDiff(res.procrustesMap, Q.T.contiguous()) < 1e-9);
    res.offset.forEach((b) => assert.ok(Math.abs(b) < 1e-9));
  });
});

test('an isometric embedding into more dimensions (d > k) also scores as orthogonal', () => {
  scope(() => {
    const gen = new Generator(1);
    const z = sphere(1000, 3, gen);
    const A = linalg.qr(randn([5, 3], gen, 'float64')).Q.T; // [3, 5]
    const res = orthogonality(z, z.matmul(A));
    assert.equal(res.linearMap.length, 5);
    assert.equal(res.linearMap[0]!.length, 3);
    assert.ok(res.orthogonalityError < 1e-9);
    assert.ok(res.procrustesResidual < 1e-9);
    // The Procrustes map [5, 3] has orthonormal columns.
    const R = tensor(res.procrustesMap, undefined, 'float64');
    assert.ok(R.T.matmul(R).sub(eye(3, 'float64')).abs().max().item() < 1e-12);
  });
});

test('h_λ with λ = 0.5 is visibly not orthogonal', () => {
  scope(() => {
    const gen = new Generator(2);
    const z = sphere(2000, 3, gen);
    const res = orthogonality(z, hLambda(z, 0.5));
    assert.ok(
      res.orthogonalityError > 0.1,
      `orthogonalityError = ${res.orthogonalityError}, σ = ${res.singularValues}`,
    );
    assert.ok(res.procrustesResidual > 0.05, `residual = ${res.procrustesResidual}`);
  });
});

test('closed forms: a uniform scaling and a diagonal stretch', () => {
  scope(() => {
    const gen = new Generator(3);
    const z = sphere(1000, 3, gen);
    const Q = orthogonal(3, gen);
    // ẑ = 2zQ: z = ẑ·Qᵀ/2, so σ = ½ (error ½); the best orthogonal fit gives ẑR = 2z (residual 1).
    const scaled = orthogonality(z, z.matmul(Q).mul(2));
    scaled.singularValues.forEach((s) => assert.ok(Math.abs(s - 0.5) < 1e-9));
    assert.ok(Math.abs(scaled.orthogonalityError - 0.5) < 1e-9);
    assert.ok(Math.abs(scaled.procrustesResidual - 1) < 1e-9);
    // ẑ = z·diag(1, 2, 4): σ = (1, ½, ¼), descending.
    const stretched = orthogonality(z, z.mul(tensor([1, 2, 4], [3], 'float64')));
    [1, 0.5, 0.25].forEach((s, i) => assert.ok(Math.abs(stretched.singularValues[i]! - s) < 1e-9));
    assert.ok(Math.abs(stretched.orthogonalityError - 0.75) < 1e-9);
  });
});

test('orthogonality rejects malformed inputs with clear messages', () => {
  scope(() => {
    const gen = new Generator(4);
    const z = sphere(10, 3, gen);
    assert.throws(() => orthogonality(z, sphere(7, 3, gen)), {
      name: 'RangeError',
      message: 'orthogonality(): truth and recovered must have the same number of samples (rows), got 10 and 7',
    });
  });
});
