import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, cat, linalg, randn, scope, type Tensor } from '../../src/torch/index.js';
import { ape } from '../../src/metrics/ape.js';

const sphere = (n: number, k: number, gen: Generator): Tensor => F.normalize(randn([n, k], gen, 'float64'), 1);
const orthogonal = (k: number, gen: Generator): Tensor => linalg.qr(randn([k, k], gen, 'float64')).Q;
/** Paper A's h_λ(u, v) = (u, λv)/|(u, λv)| with u the first coordinate. */
const hLambda = (z: Tensor, lambda: number): Tensor =>
  F.normalize(cat([z.narrow(1, 0, 1), z.narrow(1, 1, z.size(1) - 1).mul(lambda)], 1), 1);

/** APE as a double loop over ordered pairs i ≠ j, straight from the definition. */
function naiveAPE(z: Tensor, h: Tensor): number {
  const [n, k] = z.shape as [number, number];
  const d = h.size(1);
  const Z = z.toArray();
  const H = h.toArray();
  const dot = (a: number[], w: number, i: number, j: number): number => {
    let s = 0;
    for (let c = 0; c < w; c++) s += a[i * w + c]! * a[j * w + c]!;
    return s;
  };
  let total = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (i !== j) total += Math.abs(dot(Z, k, i, j) - dot(H, d, i, j));
  return total / (n * (n - 1));
}

test('ape is 0 for an orthogonal map and for an isometric embedding into more dimensions', () => {
  scope(() => {
    const gen = new Generator(0);
    const z = sphere(3000, 3, gen);
    const res = ape(z, z.matmul(orthogonal(3, gen)));
    assert.ok(res.ape < 1e-12, `ape = ${res.ape}`);
    assert.equal(res.samples, 2000); // default maxSamples
    const A = linalg.qr(randn([6, 3], gen, 'float64')).Q.T; // [3, 6], orthonormal rows
    assert.ok(ape(z, z.matmul(A)).ape < 1e-12);
  });
});

test('ape is > 0 for h_λ with λ = 0.5 and equals the naive double loop', () => {
  scope(() => {
    const gen = new Generator(1);
    const z = sphere(2000, 3, gen);
    const h = hLambda(z, 0.5);
    const res = ape(z, h);
    assert.ok(res.ape > 0.05, `ape = ${res.ape}`);
    const small = z.narrow(0, 0, 60);
    assert.ok(Math.abs(ape(small, h.narrow(0, 0, 60)).ape - naiveAPE(small, h.narrow(0, 0, 60))) < 1e-14);
    // A scaled copy: ẑ = 2z gives |1 − 4| · mean |z_i·z_j|.
    const scaled = ape(small, small.mul(2)).ape;
    assert.ok(Math.abs(scaled - naiveAPE(small, small.mul(2))) < 1e-14);
    assert.ok(Math.abs(scaled - 3 * naiveAPE(small, small.mul(0))) < 1e-14);
  });
});

test("ape with pairs: 'all-halved' is Paper A's reference code: half the mean over all m² pairs, (m−1)/(2m) × the default for unit vectors", () => {
  scope(() => {
    const gen = new Generator(4);
    const z = sphere(60, 3, gen);
    const h = hLambda(z, 0.5);
    const m = 60;
    // The reference: |z zᵀ − ẑ ẑᵀ| averaged over every entry of the m × m matrix, then halved.
    const reference = z.matmul(z.T).sub(h.matmul(h.T)).abs().mean().item() / 2;
    const halved = ape(z, h, { pairs: 'all-halved' }).ape;
    assert.ok(Math.abs(halved - reference) < 1e-14, `${halved} vs ${reference}`);
    assert.ok(Math.abs(halved - ((m - 1) / (2 * m)) * naiveAPE(z, h)) < 1e-14);
    for (const chunkSize of [1, 7, 60])
      assert.ok(Math.abs(ape(z, h, { pairs: 'all-halved', chunkSize }).ape - halved) < 1e-14);
    assert.equal(ape(z, h, { pairs: 'distinct' }).ape, ape(z, h).ape);
    assert.throws(() => ape(z, h, { pairs: 'half' as 'distinct' }), {
      message: "ape(): pairs must be 'distinct' or 'all-halved', got half",
    });
  });
});

test('ape does not depend on the chunk size; maxSamples uses the first rows', () => {
  scope(() => {
    const gen = new Generator(2);
    const z = sphere(500, 4, gen);
    const h = hLambda(z, 0.7);
    const whole = ape(z, h, { chunkSize: 1000 }).ape;
    for (const chunkSize of [1, 7, 128, 499, 500]) assert.ok(Math.abs(ape(z, h, { chunkSize }).ape - whole) < 1e-14);
    const first = ape(z, h, { maxSamples: 100 });
    assert.equal(first.samples, 100);
    assert.equal(first.ape, ape(z.narrow(0, 0, 100), h.narrow(0, 0, 100), { maxSamples: Infinity }).ape);
    assert.equal(ape(z, h, { maxSamples: Infinity }).samples, 500);
  });
});

test('ape rejects malformed inputs and options with clear messages', () => {
  scope(() => {
    const gen = new Generator(3);
    const z = sphere(10, 3, gen);
    assert.throws(() => ape(z, sphere(8, 3, gen)), {
      name: 'RangeError',
      message: 'ape(): truth and recovered must have the same number of samples (rows), got 10 and 8',
    });
    assert.throws(() => ape(z, z, { maxSamples: 1 }), {
      message: 'ape(): maxSamples must be an integer >= 2 or Infinity, got 1',
    });
    assert.throws(() => ape(z, z, { maxSamples: 2.5 }), /maxSamples must be an integer >= 2 or Infinity, got 2.5/);
    assert.throws(() => ape(z, z, { chunkSize: 0 }), { message: 'ape(): chunkSize must be an integer >= 1, got 0' });
  });
});
