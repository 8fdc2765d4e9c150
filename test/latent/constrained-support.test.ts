import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eye, Generator, scope, tensor } from '../../src/torch/index.js';
import { ConstrainedSupport, FullSphereSupport, sampleUniformSphere } from '../../src/latent/index.js';
import { assertWithinSE, estimate, maxNormError, sameBits } from './stats.js';

test('constrained support: [n, M, k], u copied bit for bit, on the sphere, |ṽ| = r', () => {
  const gen = new Generator(31);
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [k, m] of [
      [3, 1],
      [10, 2],
    ] as const) {
      scope(() => {
        const [n, M] = [200, 16];
        const z = sampleUniformSphere(n, k, gen, dtype);
        const neg = new ConstrainedSupport({ fixedDims: m }).sampleNegatives(z, M, gen);
        assert.deepEqual(neg.shape, [n, M, k]);
        assert.equal(neg.dtype, dtype);
        assert.ok(
          sameBits(neg.narrow(2, 0, m), z.narrow(1, 0, m).unsqueeze(1).expand(n, M, m)),
          `${dtype} k=${k}: u changed`,
        );
        assert.ok(maxNormError(neg) < (dtype === 'float32' ? 1e-6 : 1e-12));
        const r = z
          .narrow(1, m, k - m)
          .to('float64')
          .norm(2, 1, true);
        const rErr = neg
          .narrow(2, m, k - m)
          .to('float64')
          .norm(2, 2)
          .sub(r)
          .abs()
          .max()
          .item();
        assert.ok(rErr < (dtype === 'float32' ? 1e-6 : 1e-12));
      });
    }
  }
});

test('constrained support: ṽ/r is uniform on S^{l−1}: mean 0, second moment I/l, unrelated to the anchor', () => {
  const gen = new Generator(32);
  for (const [k, m] of [
    [3, 1],
    [10, 2],
  ] as const) {
    scope(() => {
      const [n, M, l] = [2000, 10, k - m];
      const z = sampleUniformSphere(n, k, gen, 'float64');
      const neg = new ConstrainedSupport({ fixedDims: m }).sampleNegatives(z, M, gen);
      const v = z.narrow(1, m, l);
      const r = v.norm(2, 1, true);
      const w = neg
        .narrow(2, m, l)
        .div(r.unsqueeze(1))
        .reshape(n * M, l); // points of S^{l−1}
      for (let j = 0; j < l; j++) {
        assertWithinSE(estimate(w.select(1, j)), 0, `k=${k} mean[${j}]`);
        assertWithinSE(estimate(w.select(1, j).square()), 1 / l, `k=${k} E[w_${j}²]`);
      }
      // A restricted-vMF positive would lean towards v̂; a uniform negative does not.
      const vhat = v
        .div(r)
        .unsqueeze(1)
        .expand(n, M, l)
        .reshape(n * M, l);
      assertWithinSE(estimate(w.mul(vhat).sum(1)), 0, `k=${k} E[w·v̂]`);
    });
  }
});

test('constrained support: fixedDims 0 is the whole sphere, k−1 the two points (u, ±r), k the anchor; r = 0 gives the anchor', () => {
  scope(() => {
    const gen = new Generator(33);
    const z = sampleUniformSphere(500, 3, gen, 'float64');
    const full = new ConstrainedSupport({ fixedDims: 0 }).sampleNegatives(z, 8, gen);
    assertWithinSE(estimate(full.mul(z.unsqueeze(1)).sum(2).flatten()), 0, 'fixedDims=0: E[z·z−]');
    const two = new ConstrainedSupport({ fixedDims: 2 }).sampleNegatives(z, 8, gen);
    const ratio = two.select(2, 2).div(z.select(1, 2).abs().unsqueeze(1)).abs().sub(1).abs().max().item();
    assert.ok(ratio < 1e-12, 'fixedDims=k−1: last coordinate is not ±r');
    const pole = tensor([[0, 1, 0]], undefined, 'float32');
    const negs = new ConstrainedSupport({ fixedDims: 2 }).sampleNegatives(pole, 4, gen);
    assert.equal(negs.sub(pole.unsqueeze(1)).abs().max().item(), 0); // (the v-part may be −0)
    const copies = new ConstrainedSupport({ fixedDims: 3 }).sampleNegatives(z, 5, gen);
    assert.deepEqual(copies.shape, [500, 5, 3]);
    assert.equal(copies.sub(z.unsqueeze(1)).abs().max().item(), 0);
  });
});

test('constrained support: argument checks name the allowed values', () => {
  scope(() => {
    const gen = new Generator(0);
    const z = sampleUniformSphere(4, 3, gen);
    assert.throws(() => new ConstrainedSupport({ fixedDims: 4 }).sampleNegatives(z, 2, gen), {
      name: 'RangeError',
      message:
        'sampleConstrainedSupport(): fixedDims must be an integer in 0..k; allowed values for k = 3: 0..3; got 4',
    });
    assert.throws(() => new ConstrainedSupport({ fixedDims: -1 }), {
      name: 'RangeError',
      message: 'ConstrainedSupport: fixedDims must be an integer >= 0, got -1',
    });
    assert.throws(
      () => new ConstrainedSupport({ fixedDims: 1 }).sampleNegatives(z, -1, gen),
      /perAnchor must be an integer >= 0, got -1/,
    );
    assert.deepEqual(new ConstrainedSupport({ fixedDims: 1 }).sampleNegatives(z, 0, gen).shape, [4, 0, 3]);
  });
});

test('full-sphere support: [n, M, k] uniform on S^{k−1} whatever the anchors', () => {
  scope(() => {
    const gen = new Generator(34);
    const s = new FullSphereSupport();
    const anchors = eye(10, 'float64').narrow(0, 0, 1).expand(500, 10); // every anchor e_1
    const neg = s.sampleNegatives(anchors, 20, gen);
    assert.deepEqual(neg.shape, [500, 20, 10]);
    assert.equal(neg.dtype, 'float64');
    assert.ok(maxNormError(neg) < 1e-12);
    const flat = neg.reshape(10000, 10);
    for (let j = 0; j < 10; j++) {
      assertWithinSE(estimate(flat.select(1, j)), 0, `mean[${j}]`);
      assertWithinSE(estimate(flat.select(1, j).square()), 0.1, `E[z_${j}²]`);
    }
    assert.equal(s.sampleNegatives(sampleUniformSphere(3, 4, gen), 2, gen).dtype, 'float32');
    assert.ok(
      sameBits(s.sampleNegatives(anchors, 3, new Generator(1)), s.sampleNegatives(anchors, 3, new Generator(1))),
    );
  });
});
