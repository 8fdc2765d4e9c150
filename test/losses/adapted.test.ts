import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, randn, scope, type Tensor } from '../../src/torch/index.js';
import {
  ConstrainedSupport,
  FullSphereSupport,
  RestrictedVonMisesFisher,
  sampleUniformSphere,
  VonMisesFisher,
} from '../../src/latent/index.js';
import { infoNCE } from '../../src/losses/infonce.js';
import { adaptedInfoNCE, constrainedNegativeCount, sampleAdaptedNegatives } from '../../src/losses/adapted-infonce.js';
import { augmentationProxy, sampleProxyNegatives } from '../../src/losses/augmentation-proxy.js';

const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
const rows = (t: Tensor): number[][] => {
  const d = t.shape[t.shape.length - 1]!;
  const a = t.toArray();
  return Array.from({ length: a.length / d }, (_, i) => a.slice(i * d, (i + 1) * d));
};
/** Per-anchor InfoNCE from Paper A's formula, negatives given per anchor. */
function naive(A: number[][], P: number[][], N: number[][][], tau: number): number[] {
  return A.map((a, i) => {
    const sp = dot(a, P[i]!) / tau;
    const denom = Math.exp(sp) + N[i]!.reduce((s, n) => s + Math.exp(dot(a, n) / tau), 0);
    return -Math.log(Math.exp(sp) / denom);
  });
}
const perAnchorRows = (N: Tensor): number[][][] => {
  const [B, M] = N.shape as [number, number, number];
  const r = rows(N);
  return Array.from({ length: B }, (_, i) => r.slice(i * M, (i + 1) * M));
};
const unit = (shape: number[], gen: Generator): Tensor => F.normalize(randn(shape, gen, 'float64'), -1);
const sameBits = (a: Tensor, b: Tensor): boolean => {
  const [x, y] = [a.contiguous().toArray(), b.contiguous().toArray()];
  return x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
};

test('constrainedNegativeCount: round(ρ·M), halves up, within 0..M', () => {
  assert.equal(constrainedNegativeCount(10, 0), 0);
  assert.equal(constrainedNegativeCount(10, 1), 10);
  assert.equal(constrainedNegativeCount(3, 0.5), 2);
  assert.equal(constrainedNegativeCount(4, 0.3), 1);
  assert.equal(constrainedNegativeCount(1, 0.49), 0);
});

test('sampleAdaptedNegatives ρ = 0: exactly the full-sphere negatives from the same stream; loss = infoNCE', () => {
  scope(() => {
    const z = sampleUniformSphere(7, 3, new Generator(5), 'float64');
    const support = new ConstrainedSupport({ fixedDims: 1 });
    const neg = sampleAdaptedNegatives(z, support, 9, 0, new Generator(11));
    const ref = new FullSphereSupport().sampleNegatives(z, 9, new Generator(11));
    assert.deepEqual(neg.shape, [7, 9, 3]);
    assert.ok(sameBits(neg, ref));
    // The loss on the same embeddings equals infoNCE with per-anchor negatives.
    const gen = new Generator(3);
    const [A, P] = [unit([7, 3], gen), unit([7, 3], gen)];
    const a = adaptedInfoNCE({ tau: 0.3, negativesPerAnchor: 9, rho: 0 })({ anchors: A, positives: P, negatives: neg });
    const b = infoNCE({ tau: 0.3 })({ anchors: A, positives: P, negatives: neg });
    assert.ok(sameBits(a.perAnchor, b.perAnchor));
    assert.equal(a.loss.item(), b.loss.item());
  });
});

test('sampleAdaptedNegatives ρ = 1: every negative lies in K(z) (u bit for bit, |v| = r); ρ = 0.5 mixes round(ρM) of them first', () => {
  scope(() => {
    const gen = new Generator(21);
    const [B, M, k, m] = [50, 8, 5, 2];
    const z = sampleUniformSphere(B, k, gen, 'float64');
    const support = new ConstrainedSupport({ fixedDims: m });
    const uz = z.narrow(1, 0, m).unsqueeze(1);
    const r = z.narrow(1, m, k - m).norm(2, 1, true); // [B, 1]
    const all = sampleAdaptedNegatives(z, support, M, 1, gen);
    assert.ok(sameBits(all.narrow(2, 0, m), uz.expand(B, M, m)), 'u must be kept bit for bit');
    assert.ok(
      all
        .narrow(2, m, k - m)
        .norm(2, 2)
        .sub(r)
        .abs()
        .max()
        .item() < 1e-12,
    );
    assert.ok(all.norm(2, 2).sub(1).abs().max().item() < 1e-12);
    const mixed = sampleAdaptedNegatives(z, support, 5, 0.5, gen); // 3 from K(z), 2 from the sphere
    assert.deepEqual(mixed.shape, [B, 5, k]);
    assert.ok(sameBits(mixed.narrow(1, 0, 3).narrow(2, 0, m), uz.expand(B, 3, m)));
    assert.ok(
      mixed.narrow(1, 3, 2).narrow(2, 0, m).sub(uz).abs().min().item() > 0,
      'full-sphere negatives do not keep u',
    );
    assert.ok(mixed.norm(2, 2).sub(1).abs().max().item() < 1e-12);
  });
});

test('adaptedInfoNCE equals the naive per-anchor loop, value and parts', () => {
  scope(() => {
    const gen = new Generator(4);
    const [A, P, N] = [unit([6, 4], gen), unit([6, 4], gen), unit([6, 5, 4], gen)];
    const out = adaptedInfoNCE({ tau: 0.4, negativesPerAnchor: 5, rho: 0.6 })({
      anchors: A,
      positives: P,
      negatives: N,
    });
    const expected = naive(rows(A), rows(P), perAnchorRows(N), 0.4);
    out.perAnchor.toArray().forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-12, `${v} vs ${expected[i]}`));
    const mean = expected.reduce((s, x) => s + x, 0) / expected.length;
    assert.ok(Math.abs(out.loss.item() - mean) < 1e-12);
    assert.ok(Math.abs(out.parts['alignment']!.item() + out.parts['uniformity']!.item() - mean) < 1e-12);
    // Closed form: positive and all M negatives equal to the anchor → ℓ = log(M + 1).
    const same = A.unsqueeze(1).expand(6, 5, 4).contiguous();
    const closed = adaptedInfoNCE({ tau: 0.4, negativesPerAnchor: 5, rho: 1 })({
      anchors: A,
      positives: A,
      negatives: same,
    });
    assert.ok(closed.perAnchor.sub(Math.log(6)).abs().max().item() < 1e-12);
  });
});

test('adaptedInfoNCE gradient equals finite differences of the naive loop', () => {
  scope(() => {
    const gen = new Generator(8);
    const [A, P, N] = [unit([3, 3], gen), unit([3, 3], gen), unit([3, 4, 3], gen)];
    A.requiresGrad_();
    adaptedInfoNCE({ tau: 0.5, negativesPerAnchor: 4, rho: 1 })({
      anchors: A,
      positives: P,
      negatives: N,
    }).loss.backward();
    const g = A.grad!.toArray();
    const [a0, p0, n0] = [rows(A.detach()), rows(P), perAnchorRows(N)];
    const f = (a: number[][]): number => naive(a, p0, n0, 0.5).reduce((s, x) => s + x, 0) / 3;
    const h = 1e-6;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const up = a0.map((r) => [...r]);
        const dn = a0.map((r) => [...r]);
        up[i]![j]! += h;
        dn[i]![j]! -= h;
        const fd = (f(up) - f(dn)) / (2 * h);
        assert.ok(Math.abs(fd - g[i * 3 + j]!) < 1e-7, `grad[${i},${j}] ${g[i * 3 + j]} vs ${fd}`);
      }
  });
});

test('adaptedInfoNCE and sampleAdaptedNegatives reject bad arguments with clear messages', () => {
  assert.throws(() => adaptedInfoNCE({ tau: 0, negativesPerAnchor: 4, rho: 0.5 }), {
    name: 'RangeError',
    message: 'adaptedInfoNCE: temperature tau must be a finite number > 0, got 0',
  });
  assert.throws(
    () => adaptedInfoNCE({ tau: -1, negativesPerAnchor: 4, rho: 0.5 }),
    /tau must be a finite number > 0, got -1/,
  );
  assert.throws(() => adaptedInfoNCE({ tau: 0.3, negativesPerAnchor: 0, rho: 0.5 }), {
    name: 'RangeError',
    message: 'adaptedInfoNCE: negativesPerAnchor M must be an integer >= 1, got 0',
  });
  assert.throws(
    () => adaptedInfoNCE({ tau: 0.3, negativesPerAnchor: 2.5, rho: 0.5 }),
    /M must be an integer >= 1, got 2.5/,
  );
  assert.throws(() => adaptedInfoNCE({ tau: 0.3, negativesPerAnchor: 4, rho: 1.5 }), {
    name: 'RangeError',
    message: 'adaptedInfoNCE: constraint ratio rho must be a number in [0, 1], got 1.5',
  });
  assert.throws(
    () => adaptedInfoNCE({ tau: 0.3, negativesPerAnchor: 4, rho: -0.1 }),
    /rho must be a number in \[0, 1\], got -0.1/,
  );
  assert.throws(
    () => adaptedInfoNCE({ tau: 0.3, negativesPerAnchor: 4, rho: NaN }),
    /rho must be a number in \[0, 1\], got NaN/,
  );
  scope(() => {
    const gen = new Generator(1);
    const z = sampleUniformSphere(2, 3, gen, 'float64');
    assert.throws(
      () => sampleAdaptedNegatives(z, new ConstrainedSupport({ fixedDims: 1 }), 4, 2, gen),
      /sampleAdaptedNegatives\(\): constraint ratio rho must be a number in \[0, 1\], got 2/,
    );
    assert.throws(
      () => sampleAdaptedNegatives(z, new ConstrainedSupport({ fixedDims: 1 }), 0, 0.5, gen),
      /sampleAdaptedNegatives\(\): negativesPerAnchor M must be an integer >= 1, got 0/,
    );
    const loss = adaptedInfoNCE({ tau: 0.3, negativesPerAnchor: 4, rho: 1 });
    assert.throws(() => loss({ anchors: z, positives: z }), /needs batch.negatives/);
    assert.throws(
      () => loss({ anchors: z, positives: z, negatives: unit([4, 3], gen) }),
      /negatives must be per-anchor \[B, M, d\] = \[2, 4, 3\], got \[4, 3\]/,
    );
    assert.throws(
      () => loss({ anchors: z, positives: z, negatives: unit([2, 5, 3], gen) }),
      /= \[2, 4, 3\], got \[2, 5, 3\]/,
    );
  });
});

test("sampleProxyNegatives: M further draws of the anchor's own conditional, [B, M, k]", () => {
  scope(() => {
    const gen = new Generator(40);
    const [B, M, k] = [30, 6, 4];
    const z = sampleUniformSphere(B, k, gen, 'float64');
    const restricted = new RestrictedVonMisesFisher({ kappa: 3, fixedDims: 1 });
    const neg = sampleProxyNegatives(z, restricted, M, new Generator(9));
    assert.deepEqual(neg.shape, [B, M, k]);
    // Exactly the conditional applied to each anchor repeated M times (anchor i at rows i·M..).
    assert.ok(sameBits(neg.reshape(B * M, k), restricted.sample(z.repeatInterleave(M, 0), new Generator(9))));
    // Restricted conditional: every proxy negative lies in K(z_i).
    assert.ok(sameBits(neg.narrow(2, 0, 1), z.narrow(1, 0, 1).unsqueeze(1).expand(B, M, 1)));
    // vMF: E[z·z_neg] = A_k(κ) (mean resultant length), within sampling error.
    const vmf = new VonMisesFisher({ kappa: 5 });
    const big = sampleUniformSphere(400, 3, gen, 'float64');
    const cos = sampleProxyNegatives(big, vmf, 10, gen).mul(big.unsqueeze(1)).sum(2).flatten().toArray();
    const mean = cos.reduce((s, x) => s + x, 0) / cos.length;
    const sd = Math.sqrt(cos.reduce((s, x) => s + (x - mean) ** 2, 0) / (cos.length - 1));
    assert.ok(
      Math.abs(mean - vmf.meanResultantLength(3)) < (5 * sd) / Math.sqrt(cos.length),
      `${mean} vs ${vmf.meanResultantLength(3)}`,
    );
  });
});

test('augmentationProxy equals the naive loop and checks its arguments', () => {
  scope(() => {
    const gen = new Generator(6);
    const [A, P, N] = [unit([5, 3], gen), unit([5, 3], gen), unit([5, 7, 3], gen)];
    const out = augmentationProxy({ tau: 0.3, negativesPerAnchor: 7 })({ anchors: A, positives: P, negatives: N });
    const expected = naive(rows(A), rows(P), perAnchorRows(N), 0.3);
    out.perAnchor.toArray().forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-12));
    assert.throws(
      () =>
        augmentationProxy({ tau: 0.3, negativesPerAnchor: 7 })({
          anchors: A,
          positives: P,
          negatives: N.narrow(1, 0, 6),
        }),
      /augmentationProxy: negatives must be per-anchor \[B, M, d\] = \[5, 7, 3\], got \[5, 6, 3\]/,
    );
  });
  assert.throws(
    () => augmentationProxy({ tau: 0, negativesPerAnchor: 3 }),
    /augmentationProxy: temperature tau must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => augmentationProxy({ tau: 1, negativesPerAnchor: 0 }),
    /augmentationProxy: negativesPerAnchor M must be an integer >= 1, got 0/,
  );
  scope(() => {
    const z = sampleUniformSphere(2, 3, new Generator(0), 'float64');
    assert.throws(
      () => sampleProxyNegatives(z, new VonMisesFisher({ kappa: 1 }), -1, new Generator(0)),
      /sampleProxyNegatives\(\): negativesPerAnchor M must be an integer >= 1, got -1/,
    );
  });
});
