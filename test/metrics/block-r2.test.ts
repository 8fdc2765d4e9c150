// Block identifiability scores (src/metrics/block-r2.ts): R² = 1 for a representation that is an
// invertible map of the content block (linear readout for a linear map, kernel ridge for a
// nonlinear one), ≈ 0 for the style block it ignores and for independent noise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, linalg, randn, type Tensor } from '../../src/torch/index.js';
import { blockR2, fitKernelRidge, KRR_GAMMAS, r2Score } from '../../src/metrics/index.js';

const N = 2000;

/** z = (c, s) with c [N, 3], s [N, 2] i.i.d. N(0, 1). */
function latents(gen: Generator): Tensor {
  return randn([N, 5], gen, 'float64');
}

/**
 * An invertible nonlinear map of the content block: m = c + ½ sin c elementwise (strictly increasing,
 * m' ≥ ½), then a random rotation Q — smooth, so 1000 points suffice for the kernel readout.
 */
function nonlinearOfContent(z: Tensor, gen: Generator): Tensor {
  const c = z.narrow(1, 0, 3);
  const q = linalg.qr(randn([3, 3], gen, 'float64')).Q;
  return c.add(c.sin().mul(0.5)).matmul(q);
}

/**
 * "≈ 0" for a readout fitted on 1000 rows and scored on 1000 fresh ones: a useless predictor scores
 * about −(d + 1)/n on average, with fluctuations of a few 1e-3; 0.05 leaves room for both.
 */
const NEAR_ZERO = 0.05;

test('blockR2 = 1 for an invertible linear map of the content block (linear and kernel readouts); style ≈ 0', () => {
  const gen = new Generator(31);
  const z = latents(gen);
  const rep = z
    .narrow(1, 0, 3)
    .matmul(randn([3, 4], gen, 'float64'))
    .add(1.5);
  const r = blockR2(z, rep, { content: 3, maxFit: 800 });
  assert.ok(r.content > 1 - 1e-9, `linear content ${r.content}`);
  assert.ok(r.contentNonlinear! > 0.99, `kernel content ${r.contentNonlinear}`);
  assert.ok(Math.abs(r.style) < NEAR_ZERO, `linear style ${r.style}`);
  assert.ok(Math.abs(r.styleNonlinear!) < NEAR_ZERO, `kernel style ${r.styleNonlinear}`);
});

test('blockR2: the kernel readout recovers an invertible nonlinear map of the content block (≥ 0.995), where the linear one stays below it', () => {
  const gen = new Generator(32);
  const z = latents(gen);
  const rep = nonlinearOfContent(z, gen);
  const r = blockR2(z, rep, { content: 3, maxFit: 1000 });
  assert.ok(r.contentNonlinear! > 0.995, `kernel content ${r.contentNonlinear}`);
  assert.ok(r.content < r.contentNonlinear!, `linear ${r.content} below kernel ${r.contentNonlinear}`);
  assert.ok(Math.abs(r.styleNonlinear!) < NEAR_ZERO, `kernel style ${r.styleNonlinear}`);
});

test('blockR2 ≈ 0 on independent noise (every block, both readouts), even unstandardised', () => {
  const gen = new Generator(33);
  const z = latents(gen);
  const noise = randn([N, 4], gen, 'float64').mul(3);
  for (const standardize of [true, false]) {
    const r = blockR2(z, noise, { content: 3, maxFit: 800, standardize });
    for (const [k, v] of Object.entries(r))
      assert.ok(Math.abs(v) < NEAR_ZERO, `${k} = ${v} (standardize ${standardize})`);
  }
});

test('blockR2 checks its arguments', () => {
  const gen = new Generator(34);
  const z = randn([20, 3], gen);
  assert.throws(() => blockR2(z, z, { content: 3 }), /content must be an integer in 1\.\.k−1 \(1\.\.2\)/);
  assert.throws(() => blockR2(z, z, { content: 1, maxFit: 2 }), /maxFit must be an integer ≥ 6/);
});

test('fitKernelRidge picks its grid by 3-fold CV and fits a smooth function out of sample', () => {
  const gen = new Generator(35);
  const x = randn([600, 2], gen, 'float64');
  const y = x
    .narrow(1, 0, 1)
    .sin()
    .add(x.narrow(1, 1, 1).square().mul(0.3));
  const fit = fitKernelRidge(x, y);
  try {
    assert.ok(KRR_GAMMAS.includes(fit.gamma));
    assert.ok(fit.cvScore > 0.95, `cv ${fit.cvScore}`);
    const xt = randn([400, 2], gen, 'float64');
    const yt = xt
      .narrow(1, 0, 1)
      .sin()
      .add(xt.narrow(1, 1, 1).square().mul(0.3));
    assert.ok(r2Score(yt, fit.predict(xt)) > 0.95);
  } finally {
    fit.dispose();
  }
});
