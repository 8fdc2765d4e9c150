// The diversity diagnostic on cl-ica's spaces and on content/style latents: every perturbation has
// full support on its space (holds), the content/style augmentation never moves its content block
// (violated, exactly along the content axes, locally too: off the sphere the local test sees all
// k directions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator } from '../../src/torch/index.js';
import {
  ContentStyleConditional,
  ContentStyleMarginal,
  diversityDiagnostic,
  NoiseMarginal,
  Perturbation,
  UniformBox,
  UniformSphere,
  type LatentSpace,
  type Marginal,
  type NoiseLaw,
} from '../../src/latent/index.js';

const axes = (k: number, count: number): number[][] =>
  Array.from({ length: count }, (_, j) => Array.from({ length: k }, (_, i) => (i === j ? 1 : 0)));

const LAWS: NoiseLaw[] = [
  { kind: 'normal', scale: 0.1 },
  { kind: 'laplace', scale: 0.1 },
  { kind: 'generalized-normal', scale: 0.1, beta: 3 },
];

test('diversity holds for normal, Laplace and generalised-normal positives on the sphere, the box and R^k', () => {
  const gen = new Generator(21);
  const k = 4;
  const cases: [LatentSpace, Marginal][] = [
    [{ kind: 'sphere', dim: k }, new UniformSphere(k)],
    [{ kind: 'box', dim: k, low: 0, high: 1 }, new UniformBox(k, 0, 1)],
    [{ kind: 'real', dim: k }, new NoiseMarginal({ kind: 'real', dim: k }, { kind: 'laplace', scale: 1 })],
  ];
  for (const [space, marginal] of cases)
    for (const law of LAWS) {
      const r = diversityDiagnostic(marginal, new Perturbation(space, law), gen, { samples: 2048, localAnchors: 8 });
      const what = `${space.kind} ${law.kind}`;
      assert.equal(r.holds, true, what);
      assert.deepEqual(r.unperturbed, [], what);
      assert.equal(r.localDeficit, 0, what);
      assert.equal(r.localSpectrum.length, space.kind === 'sphere' ? k - 1 : k, what);
      assert.ok(r.spectrum[k - 1]! > 0.1 * r.spectrum[0]!, `${what}: ${r.spectrum}`);
    }
});

test('diversity is violated by the content/style augmentation: exactly the content axes never move', () => {
  const gen = new Generator(22);
  for (const [k, content, p] of [
    [6, 3, 1],
    [6, 2, 0.5],
    [10, 5, 0.75],
  ] as const) {
    const marginal = new ContentStyleMarginal({ dim: k, content, dependence: true, styleOnContent: true }, gen);
    const cond = new ContentStyleConditional({ dim: k, content, changeProb: p }, gen);
    const r = diversityDiagnostic(marginal, cond, gen, { samples: 2048, localAnchors: 8 });
    const what = `k=${k} n_c=${content} p=${p}`;
    assert.equal(r.holds, false, what);
    assert.deepEqual(r.unperturbed, axes(k, content), what);
    assert.deepEqual(r.axisSecondMoment.slice(0, content), new Array(content).fill(0), what);
    assert.equal(r.localDeficit, content, what);
    assert.equal(r.localSpectrum.length, k, what);
  }
});
