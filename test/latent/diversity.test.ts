import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, linalg, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';
import {
  diversityDiagnostic,
  RestrictedVonMisesFisher,
  UniformSphere,
  VonMisesFisher,
  type Conditional,
} from '../../src/latent/index.js';

const axes = (k: number, count: number): number[][] =>
  Array.from({ length: count }, (_, j) => Array.from({ length: k }, (_, i) => (i === j ? 1 : 0)));

test('diversity holds for vMF on S² and S⁹ (no unperturbed direction, full spectrum), κ from 3.33 to 1e4', () => {
  const gen = new Generator(41);
  for (const k of [3, 10]) {
    for (const kappa of [3.33, 1e4]) {
      const r = diversityDiagnostic(new UniformSphere(k), new VonMisesFisher({ kappa }), gen);
      assert.equal(r.holds, true, `k=${k} κ=${kappa}`);
      assert.deepEqual(r.unperturbed, []);
      assert.equal(r.spectrum.length, k);
      assert.equal(r.localDeficit, 0);
      assert.equal(r.localSpectrum.length, k - 1);
      // Isotropic conditional, uniform anchors: Σ ∝ I, so even the smallest eigenvalue is a large
      // fraction of the largest — nowhere near the 1e-8 threshold.
      assert.ok(r.spectrum[k - 1]! > 0.5 * r.spectrum[0]!, `k=${k} κ=${kappa}: ${r.spectrum}`);
      assert.ok(
        r.spectrum.every((x, i) => i === 0 || x <= r.spectrum[i - 1]!),
        'spectrum not descending',
      );
    }
  }
});

test('diversity is violated by the restricted conditional: exactly the first fixedDims axes never move', () => {
  const gen = new Generator(42);
  for (const [k, m] of [
    [3, 1],
    [10, 1],
    [10, 2],
    [10, 8],
  ] as const) {
    const r = diversityDiagnostic(
      new UniformSphere(k),
      new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: m }),
      gen,
    );
    assert.equal(r.holds, false, `k=${k} m=${m}`);
    assert.deepEqual(r.unperturbed, axes(k, m), `k=${k} m=${m}`);
    // The held coordinates' displacements are exactly zero, so is their second moment and the
    // kernel of Σ; the other k − m eigenvalues are far above the threshold.
    assert.deepEqual(r.axisSecondMoment.slice(0, m), new Array(m).fill(0));
    assert.equal(r.spectrum.filter((x) => x <= r.threshold).length, m);
    assert.ok(r.spectrum[k - m - 1]! > 0.1 * r.spectrum[0]!);
    // Locally K(z) is a curved (l−1)-sphere: its chords span l of the k−1 tangent directions.
    assert.equal(r.localDeficit, m - 1, `k=${k} m=${m} local deficit`);
  }
});

test('a never-moved direction off the axes is reported as an eigenvector of Σ', () => {
  scope(() => {
    const gen = new Generator(43);
    const k = 4;
    const { Q } = linalg.qr(randn([k, k], gen, 'float64'));
    const restricted = new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 1 });
    // The restricted conditional in a rotated frame y = zQ: it keeps z·q₁, q₁ = Q[:, 0].
    const rotated: Conditional = {
      name: 'rotated-restricted',
      sample: (z: Tensor, g: Generator): Tensor =>
        scope(() => restricted.sample(z.to('float64').matmul(Q), g).matmul(Q.T)),
    };
    const r = diversityDiagnostic(new UniformSphere(k, 'float64'), rotated, gen);
    assert.equal(r.holds, false);
    assert.equal(r.unperturbed.length, 1);
    const q1 = Q.select(1, 0).toArray();
    const cos = r.unperturbed[0]!.reduce((s, x, i) => s + x * q1[i]!, 0);
    assert.ok(Math.abs(Math.abs(cos) - 1) < 1e-9, `unperturbed direction ${r.unperturbed[0]} vs q1 ${q1}`);
  });
});

test('the local test catches frozen directions that depend on the anchor (which pooling averages away)', () => {
  // Positives move only along the meridian through z (towards the pole e₃): one tangent direction
  // of two at every anchor, but a different one at each, so the pooled Σ has full rank.
  const meridian: Conditional = {
    name: 'meridian',
    sample: (z: Tensor, g: Generator): Tensor =>
      scope(() => {
        const [n] = z.shape as [number, number];
        const theta = randn([n, 1], g, 'float64').mul(0.5);
        const zz = z.to('float64');
        // t(z) = (e₃ − z₃ z)/|e₃ − z₃ z|: the unit tangent at z pointing to the pole.
        const t = F.normalize(tensor([0, 0, 1], undefined, 'float64').sub(zz.mul(zz.narrow(1, 2, 1))), 1);
        return zz.mul(theta.cos()).add(t.mul(theta.sin()));
      }),
  };
  const r = diversityDiagnostic(new UniformSphere(3, 'float64'), meridian, new Generator(44));
  assert.deepEqual(r.unperturbed, []);
  assert.equal(r.localDeficit, 1);
  assert.equal(r.holds, false);
});

test('a conditional that never moves: every direction is unperturbed', () => {
  const identity: Conditional = { name: 'identity', sample: (z: Tensor): Tensor => z.clone() };
  const r = diversityDiagnostic(new UniformSphere(3), identity, new Generator(45), { samples: 256 });
  assert.equal(r.holds, false);
  assert.deepEqual(r.unperturbed, axes(3, 3));
  assert.deepEqual(r.spectrum, [0, 0, 0]);
  assert.equal(r.localDeficit, 2);
});

test('diversityDiagnostic: option checks and a wrong-shaped conditional are clear errors', () => {
  const m = new UniformSphere(3);
  const c = new VonMisesFisher({ kappa: 1 });
  const gen = new Generator(0);
  assert.throws(() => diversityDiagnostic(m, c, gen, { samples: 0 }), {
    name: 'RangeError',
    message: 'diversityDiagnostic(): samples must be an integer >= 1, got 0',
  });
  assert.throws(
    () => diversityDiagnostic(m, c, gen, { relativeThreshold: 1 }),
    /relativeThreshold must be a number in \[0, 1\), got 1/,
  );
  const bad: Conditional = { name: 'bad', sample: (z: Tensor): Tensor => z.narrow(1, 0, 2).clone() };
  assert.throws(
    () => diversityDiagnostic(m, bad, gen),
    /conditional 'bad' returned shape \[4096, 2\] for anchors \[4096, 3\]/,
  );
});
