// cl-ica's marginals and perturbations on the sphere, the box and R^k (src/latent/space.ts,
// uniform-box.ts, noise-marginal.ts, perturbation.ts), each against its closed form by KS tests:
//   R^k     the noise law itself;
//   box     the law truncated to [low, high] (what per-coordinate rejection samples);
//   sphere  the projected normal's law of t = μ·u, and for Laplace / generalised normal the law of
//           the ratio of two coordinates orthogonal to the centre (a projection keeps ratios).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { full, Generator, type Tensor } from '../../src/torch/index.js';
import {
  NoiseMarginal,
  Perturbation,
  rejectIntoBox,
  sampleUniformSphere,
  UniformBox,
  type LatentSpace,
  type NoiseLaw,
} from '../../src/latent/index.js';
import {
  assertFollows,
  assertRejects,
  betaI,
  generalizedNormalCdf,
  laplaceCdf,
  normalCdf,
  projectedNormalCosineCdf,
  shifted,
  truncatedCdf,
  type Cdf,
} from './closed-forms.js';
import { maxNormError } from './stats.js';

const col = (x: Tensor, j: number): Float64Array => x.narrow(1, j, 1).reshape(-1).to('float64').toFloat64Array();
const all = (x: Tensor): Float64Array => x.reshape(-1).to('float64').toFloat64Array();
const box = (dim: number, low: number, high: number): LatentSpace => ({ kind: 'box', dim, low, high });

const cdfOf = (law: NoiseLaw): Cdf =>
  law.kind === 'normal'
    ? normalCdf(law.scale)
    : law.kind === 'laplace'
      ? laplaceCdf(law.scale)
      : generalizedNormalCdf(law.scale, law.beta);

const LAWS: NoiseLaw[] = [
  { kind: 'normal', scale: 0.4 },
  { kind: 'laplace', scale: 0.3 },
  { kind: 'generalized-normal', scale: 0.5, beta: 3 },
];

test('UniformBox: every coordinate is U(low, high)', () => {
  const gen = new Generator(1);
  for (const [low, high] of [
    [0, 1],
    [-1, 2.5],
  ] as const) {
    const x = new UniformBox(4, low, high).sample(5000, gen);
    assert.deepEqual(x.shape, [5000, 4]);
    assert.equal(x.dtype, 'float32');
    for (let j = 0; j < 4; j++)
      assertFollows(
        col(x, j),
        (v) => Math.min(1, Math.max(0, (v - low) / (high - low))),
        `U(${low}, ${high}) coord ${j}`,
      );
  }
});

test('NoiseMarginal on R^k: i.i.d. coordinates of the law around 0', () => {
  const gen = new Generator(2);
  for (const law of LAWS) {
    const x = new NoiseMarginal({ kind: 'real', dim: 4 }, law).sample(5000, gen);
    assertFollows(all(x), cdfOf(law), `R^4 ${law.kind}`);
  }
});

test('NoiseMarginal on a box: each coordinate is the law truncated to [low, high] (cl-ica: centred at 0)', () => {
  const gen = new Generator(3);
  for (const law of LAWS)
    for (const [low, high] of [
      [0, 1],
      [-0.5, 1],
    ] as const) {
      const x = new NoiseMarginal(box(4, low, high), law).sample(5000, gen);
      const v = all(x);
      assert.ok(
        v.every((t) => t >= low && t <= high),
        'inside the box',
      );
      assertFollows(v, truncatedCdf(cdfOf(law), low, high), `[${low}, ${high}] ${law.kind}`);
      // Rejection, not reflection or clipping: the untruncated law is far off.
      assertRejects(v, cdfOf(law), `[${low}, ${high}] ${law.kind} vs the untruncated law`);
    }
});

test('NoiseMarginal on the sphere, normal: t = e_1·z follows the projected normal (k = 3, 5)', () => {
  const gen = new Generator(4);
  for (const [k, sigma] of [
    [3, 0.8],
    [5, 0.5],
  ] as const) {
    const z = new NoiseMarginal({ kind: 'sphere', dim: k }, { kind: 'normal', scale: sigma }).sample(10_000, gen);
    assert.ok(maxNormError(z) < 1e-6, 'unit rows');
    const cdf = projectedNormalCosineCdf(k, sigma);
    assertFollows(col(z, 0), cdf, `projected N(e_1, ${sigma}²) on S^${k - 1}`);
    assertRejects(col(z, 0), projectedNormalCosineCdf(k, sigma * 1.1), `σ × 1.1`);
  }
});

/** |a/b| of two coordinates orthogonal to the centre: for i.i.d. noise its law is known (below). */
const ratio = (z: Tensor, i: number, j: number): Float64Array => {
  const a = col(z, i);
  const b = col(z, j);
  return a.map((v, n) => Math.abs(v / b[n]!));
};

/**
 * CDF of |ε₁/ε₂| for i.i.d. noise: normal → (2/π) atan w (Cauchy); Laplace → w/(1 + w) (ratio of
 * exponentials); generalised normal → I_V(1/β, 1/β) with V = w^β/(1 + w^β), since |ε/α|^β is
 * Gamma(1/β) and G₁/(G₁ + G₂) is Beta(1/β, 1/β).
 */
function ratioCdf(law: NoiseLaw): Cdf {
  if (law.kind === 'normal') return (w) => (2 / Math.PI) * Math.atan(w);
  if (law.kind === 'laplace') return (w) => w / (1 + w);
  const { beta } = law;
  return (w) => betaI(w ** beta / (1 + w ** beta), 1 / beta, 1 / beta);
}

test('NoiseMarginal on the sphere: projection keeps the ratio of coordinates ⊥ e_1 (Cauchy, w/(1+w), incomplete beta)', () => {
  const gen = new Generator(5);
  for (const law of LAWS) {
    const z = new NoiseMarginal({ kind: 'sphere', dim: 4 }, law).sample(10_000, gen);
    assert.ok(maxNormError(z) < 1e-6);
    assertFollows(ratio(z, 1, 2), ratioCdf(law), `S^3 ${law.kind} ratio`);
  }
});

test('Perturbation on R^k: z~ − z follows the law (anchors anywhere)', () => {
  const gen = new Generator(6);
  for (const law of LAWS) {
    const anchors = new NoiseMarginal({ kind: 'real', dim: 4 }, { kind: 'normal', scale: 3 }).sample(5000, gen);
    const pos = new Perturbation({ kind: 'real', dim: 4 }, law).sample(anchors, gen);
    assertFollows(all(pos.to('float64').sub(anchors.to('float64'))), cdfOf(law), `R^4 ${law.kind} step`);
  }
});

test('Perturbation on a box: near a face, z~ is the law around z truncated to the box (rejection)', () => {
  const gen = new Generator(7);
  for (const law of LAWS)
    for (const z0 of [0.03, 0.5, 0.97]) {
      const anchors = full([5000, 4], z0, 'float64');
      const pos = new Perturbation(box(4, 0, 1), { ...law, scale: law.scale / 8 }).sample(anchors, gen);
      assert.equal(pos.dtype, 'float64');
      const expected = truncatedCdf(shifted(cdfOf({ ...law, scale: law.scale / 8 }), z0), 0, 1);
      assertFollows(all(pos), expected, `box ${law.kind} around ${z0}`);
      if (z0 !== 0.5) assertRejects(all(pos), shifted(cdfOf({ ...law, scale: law.scale / 8 }), z0), 'vs untruncated');
    }
});

test('Perturbation on the sphere: normal gives t = z·z~ of the projected normal whatever the anchor; ratios ⊥ e_1 for every law', () => {
  const gen = new Generator(8);
  const k = 3;
  const anchors = sampleUniformSphere(10_000, k, gen, 'float64');
  const pos = new Perturbation({ kind: 'sphere', dim: k }, { kind: 'normal', scale: 0.3 }).sample(anchors, gen);
  assert.ok(maxNormError(pos) < 1e-12, 'unit rows (float64)');
  assertFollows(
    all(pos.mul(anchors).sum(1)),
    projectedNormalCosineCdf(k, 0.3),
    'projected N(z, 0.3²) on S^2, t = z·z~',
  );
  for (const law of LAWS) {
    const e1 = full([10_000, 4], 0, 'float32');
    e1.narrow(1, 0, 1).fill_(1);
    const p = new Perturbation({ kind: 'sphere', dim: 4 }, law).sample(e1, gen);
    assertFollows(ratio(p, 2, 3), ratioCdf(law), `S^3 ${law.kind} step ratio`);
  }
});

test('rejectIntoBox refuses a law with (almost) no mass in the box, naming the bounds', () => {
  const gen = new Generator(9);
  assert.throws(
    () => rejectIntoBox((g) => full([1, 1], 100, 'float64').add(sampleNoiseOne(g)), 0, 1, gen),
    /still outside \[0, 1\] after 10000 rounds/,
  );
});

function sampleNoiseOne(g: Generator): Tensor {
  return new NoiseMarginal({ kind: 'real', dim: 1 }, { kind: 'normal', scale: 0.01 }).sample(1, g).to('float64');
}
