// cl-ica's coordinate noise laws (src/latent/coordinate-noise.ts) against their closed-form CDFs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator } from '../../src/torch/index.js';
import { logGamma, noiseVariance, sampleNoise, type NoiseLaw } from '../../src/latent/index.js';
import {
  assertFollows,
  assertRejects,
  betaI,
  gammaP,
  generalizedNormalCdf,
  laplaceCdf,
  normalCdf,
  type Cdf,
} from './closed-forms.js';
import { assertWithinSE, estimate } from './stats.js';

test('closed-form helpers match known values (erf, Γ, incomplete gamma and beta)', () => {
  assert.ok(Math.abs(gammaP(0.5, 1) - 0.8427007929497149) < 1e-13, 'erf(1)');
  assert.ok(Math.abs(gammaP(3, 2) - (1 - 5 * Math.exp(-2))) < 1e-13, 'P(3, 2) = 1 − e^{−2}(1 + 2 + 2)');
  assert.ok(Math.abs(gammaP(3, 9) - (1 - Math.exp(-9) * (1 + 9 + 40.5))) < 1e-13, 'P(3, 9), continued fraction');
  assert.ok(Math.abs(betaI(0.3, 2, 3) - 0.3483) < 1e-13, 'I_0.3(2, 3) = Σ_{j≥2} C(4,j) 0.3^j 0.7^{4−j}');
  assert.ok(Math.abs(betaI(0.8, 0.5, 0.5) - (2 / Math.PI) * Math.asin(Math.sqrt(0.8))) < 1e-12, 'arcsine law');
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-13);
  assert.ok(Math.abs(logGamma(10) - Math.log(362880)) < 1e-12);
});

const LAWS: [NoiseLaw, Cdf, (s: number) => Cdf][] = [
  [{ kind: 'normal', scale: 0.7 }, normalCdf(0.7), (s) => normalCdf(s)],
  [{ kind: 'laplace', scale: 0.3 }, laplaceCdf(0.3), (s) => laplaceCdf(s)],
  [
    { kind: 'generalized-normal', scale: 1.5, beta: 3 },
    generalizedNormalCdf(1.5, 3),
    (s) => generalizedNormalCdf(s, 3),
  ],
  [
    { kind: 'generalized-normal', scale: 0.5, beta: 0.7 },
    generalizedNormalCdf(0.5, 0.7),
    (s) => generalizedNormalCdf(s, 0.7),
  ],
  // β = 2 is the normal law with σ = α/√2, β = 1 the Laplace law with b = α.
  [{ kind: 'generalized-normal', scale: 1, beta: 2 }, normalCdf(Math.SQRT1_2), (s) => normalCdf(s * Math.SQRT1_2)],
  [{ kind: 'generalized-normal', scale: 1, beta: 1 }, laplaceCdf(1), (s) => laplaceCdf(s)],
];

test('sampleNoise follows each law: KS against the CDF, E[x²] against its closed form, and rejects a 15 % wrong scale', () => {
  const gen = new Generator(1701);
  for (const [law, cdf, scaled] of LAWS) {
    const x = sampleNoise(law, [20_000], gen).toFloat64Array();
    const what = JSON.stringify(law);
    assertFollows(x, cdf, what);
    assertRejects(x, scaled(law.scale * 1.15), `${what} vs scale × 1.15`);
    assertWithinSE(estimate(x.map((v) => v * v)), noiseVariance(law), `${what} E[x²]`);
  }
});

test('sampleNoise is float64, shaped as asked and reproducible from the generator', () => {
  const law: NoiseLaw = { kind: 'laplace', scale: 1 };
  const a = sampleNoise(law, [3, 4], new Generator(5));
  const b = sampleNoise(law, [3, 4], new Generator(5));
  assert.deepEqual(a.shape, [3, 4]);
  assert.equal(a.dtype, 'float64');
  assert.deepEqual(a.toArray(), b.toArray());
});
