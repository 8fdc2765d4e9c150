import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, scope, tensor } from '../../src/torch/index.js';
import {
  meanResultantLength,
  RestrictedVonMisesFisher,
  sampleUniformSphere,
  twoPointFlipProbability,
} from '../../src/latent/index.js';
import { assertWithinSE, estimate, maxNormError, sameBits } from './stats.js';

test('restricted vMF keeps u bit for bit and stays on the sphere (float32 and float64)', () => {
  const gen = new Generator(21);
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [k, m] of [
      [3, 1],
      [10, 1],
      [10, 2],
      [10, 8],
    ] as const) {
      scope(() => {
        const z = sampleUniformSphere(5000, k, gen, dtype);
        const zt = new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: m }).sample(z, gen);
        assert.deepEqual(zt.shape, [5000, k]);
        assert.equal(zt.dtype, dtype);
        assert.ok(sameBits(zt.narrow(1, 0, m), z.narrow(1, 0, m)), `${dtype} k=${k} m=${m}: u changed`);
        assert.ok(!sameBits(zt.narrow(1, m, k - m), z.narrow(1, m, k - m)), 'v was not resampled');
        assert.ok(maxNormError(zt) < (dtype === 'float32' ? 1e-6 : 1e-12), `${dtype} k=${k} m=${m}: off the sphere`);
        // |ṽ| = r = |v|: the sub-sphere's radius is preserved.
        const rErr = zt
          .narrow(1, m, k - m)
          .to('float64')
          .norm(2, 1)
          .sub(
            z
              .narrow(1, m, k - m)
              .to('float64')
              .norm(2, 1),
          )
          .abs()
          .max()
          .item();
        assert.ok(rErr < (dtype === 'float32' ? 1e-6 : 1e-12));
      });
    }
  }
});

test('restricted vMF: the v-part is vMF on its sub-sphere, E[ṽ·v̂] = A_l(κ) within 5 SE', () => {
  const gen = new Generator(22);
  for (const [k, m] of [
    [3, 1],
    [10, 2],
  ] as const) {
    for (const kappa of [3.33, 30]) {
      scope(() => {
        const n = 20000;
        const z = sampleUniformSphere(n, k, gen, 'float64');
        const zt = new RestrictedVonMisesFisher({ kappa, fixedDims: m }).sample(z, gen);
        const v = z.narrow(1, m, k - m);
        const vt = zt.narrow(1, m, k - m);
        const r2 = v.square().sum(1);
        const cos = vt.mul(v).sum(1).div(r2); // (r·ṽ)·(r·v̂) / r² = ṽ·v̂
        assertWithinSE(estimate(cos), meanResultantLength(k - m, kappa), `k=${k} m=${m} κ=${kappa}`);
      });
    }
  }
});

test('restricted vMF: an anchor with v = 0 (K(z) = {z}) is its own positive, without NaN', () => {
  scope(() => {
    const z = tensor(
      [
        [1, 0, 0],
        [0, 0, 1],
        [-0.6, 0.8, 0],
      ],
      undefined,
      'float64',
    );
    const zt = new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 1 }).sample(z, new Generator(0));
    assert.equal(zt.select(0, 0).sub(z.select(0, 0)).abs().max().item(), 0); // (the v-part may be −0)
    assert.equal(zt.isfinite().all().item(), 1);
    assert.ok(maxNormError(zt) < 1e-12);
    const z4 = tensor([[0.6, 0.8, 0, 0]], undefined, 'float32');
    assert.equal(
      new RestrictedVonMisesFisher({ kappa: 1, fixedDims: 2 }).sample(z4, new Generator(0)).sub(z4).abs().max().item(),
      0,
    );
  });
});

test('restricted vMF: fixedDims out of range is a RangeError naming the allowed values', () => {
  scope(() => {
    const gen = new Generator(0);
    const z3 = sampleUniformSphere(4, 3, gen);
    const z10 = sampleUniformSphere(4, 10, gen);
    const c = new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 4 });
    assert.equal(c.name, 'restricted-vmf');
    assert.throws(() => c.sample(z3, gen), {
      name: 'RangeError',
      message:
        'sampleRestrictedVonMisesFisher(): fixedDims must be an integer in 1..k; allowed values for k = 3: 1..3; got 4',
    });
    assert.throws(
      () => new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 11 }).sample(z10, gen),
      /allowed values for k = 10: 1\.\.10; got 11/,
    );
    assert.throws(() => new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 0 }), {
      name: 'RangeError',
      message: 'RestrictedVonMisesFisher: fixedDims must be an integer >= 1, got 0',
    });
    assert.throws(
      () => new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 1.5 }),
      /fixedDims must be an integer >= 1, got 1.5/,
    );
    assert.throws(
      () => new RestrictedVonMisesFisher({ kappa: -2, fixedDims: 1 }),
      /kappa must be a finite number >= 0, got -2/,
    );
  });
});

test('restricted vMF: the same seed gives the same samples', () => {
  scope(() => {
    const z = sampleUniformSphere(50, 10, new Generator(3));
    const c = new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 2 });
    assert.ok(sameBits(c.sample(z, new Generator(5)), c.sample(z, new Generator(5))));
  });
});

test('restricted vMF with one varying coordinate: the two-point law, P(flip) = 1/(1 + e^{2κ}) within 5 SE', () => {
  // vMF(μ, κ) on S^0 = {−1, +1} has masses ∝ e^{κ μ·x} (Paper A, Alg. 13 with l = 1).
  assert.equal(twoPointFlipProbability(0), 0.5);
  assert.ok(Math.abs(twoPointFlipProbability(1) - Math.exp(-1) / (Math.exp(1) + Math.exp(-1))) < 1e-15);
  assert.equal(twoPointFlipProbability(1000), 0);
  const gen = new Generator(23);
  for (const [k, kappa] of [
    [3, 0.5],
    [10, 1],
    [10, 3.3333333333333335],
  ] as const) {
    scope(() => {
      const n = 40000;
      const z = sampleUniformSphere(n, k, gen, 'float64');
      const zt = new RestrictedVonMisesFisher({ kappa, fixedDims: k - 1 }).sample(z, gen);
      assert.ok(sameBits(zt.narrow(1, 0, k - 1), z.narrow(1, 0, k - 1)), 'u changed');
      const v = z.select(1, k - 1);
      const vt = zt.select(1, k - 1);
      assert.equal(vt.abs().sub(v.abs()).abs().max().item(), 0, 'ṽ is not ±v');
      const flipped = vt.mul(v).lt(0).to('float64');
      assertWithinSE(estimate(flipped), twoPointFlipProbability(kappa), `k=${k} κ=${kappa}`);
    });
  }
});

test('restricted vMF with every coordinate fixed: the positive is the anchor, bit for bit', () => {
  scope(() => {
    const gen = new Generator(24);
    const z = sampleUniformSphere(100, 10, gen, 'float32');
    const zt = new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 10 }).sample(z, gen);
    assert.ok(sameBits(zt, z));
  });
});
