// Paper B's losses: the (c1, c2, φ, ψ) family reduces to InfoNCE and NT-Xent; SigLIP, spectral
// contrastive and VRNS against naive loops written from the formulas, known values, view symmetry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, eye, ones, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';
import { ntXent } from '../../src/losses/nt-xent.js';
import { similarityFamily } from '../../src/losses/similarity-family.js';
import { siglip } from '../../src/losses/siglip.js';
import { spectralContrastive } from '../../src/losses/spectral.js';
import { vrns, withVRNS } from '../../src/losses/vrns.js';

const rows = (t: Tensor): number[][] => {
  const [n, d] = t.shape as [number, number];
  const a = t.toArray();
  return Array.from({ length: n }, (_, i) => a.slice(i * d, (i + 1) * d));
};
const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const unit = (shape: number[], gen: Generator): Tensor => F.normalize(randn(shape, gen, 'float64'), -1);
const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) < tol, `${what}: ${a} vs ${b}`);
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Paper B's family straight from the formula, one direction: anchors U, positives V. */
function naiveFamilyDir(
  U: number[][],
  V: number[][],
  c1: number,
  c2: number,
  phi: (x: number) => number,
  psi: (x: number) => number,
): number[] {
  return U.map((u, i) => {
    let cross = 0;
    let within = 0;
    for (let j = 0; j < U.length; j++) {
      if (j === i) continue;
      cross += phi(dot(V[j]!, u) - dot(V[i]!, u));
      within += phi(dot(U[j]!, u) - dot(V[i]!, u));
    }
    return psi(c1 * cross + c2 * within);
  });
}
const naiveFamily = (
  U: number[][],
  V: number[][],
  c1: number,
  c2: number,
  phi: (x: number) => number,
  psi: (x: number) => number,
): number[] => [...naiveFamilyDir(U, V, c1, c2, phi, psi), ...naiveFamilyDir(V, U, c1, c2, phi, psi)];

/** Symmetric InfoNCE with in-batch cross-view negatives: −log(e^{u_i·v_i/t} / Σ_j e^{u_i·v_j/t}), both directions. */
function naiveCrossInfoNCE(U: number[][], V: number[][], t: number): number[] {
  const dir = (A: number[][], B: number[][]): number[] =>
    A.map((a, i) => -Math.log(Math.exp(dot(a, B[i]!) / t) / B.reduce((s, b) => s + Math.exp(dot(a, b) / t), 0)));
  return [...dir(U, V), ...dir(V, U)];
}

test('family (1, 0), exp/log1p = symmetric InfoNCE with cross-view negatives; (1, 1) = ntXent (float64, 1e-6)', () => {
  scope(() => {
    const gen = new Generator(3);
    for (const t of [0.1, 0.5, 1]) {
      const [U, V] = [unit([7, 5], gen), unit([7, 5], gen)];
      const info = similarityFamily({ c1: 1, c2: 0, t })({ anchors: U, positives: V });
      const expected = naiveCrossInfoNCE(rows(U), rows(V), t);
      info.perAnchor.toArray().forEach((x, i) => close(x, expected[i]!, 1e-6, `InfoNCE t=${t} anchor ${i}`));
      close(info.loss.item(), mean(expected), 1e-6, 'InfoNCE mean');
      close(
        info.parts['alignment']!.item() + info.parts['uniformity']!.item(),
        info.loss.item(),
        1e-10,
        'parts add up',
      );
      const simclr = similarityFamily({ c1: 1, c2: 1, t })({ anchors: U, positives: V });
      const ref = ntXent({ tau: t })({ anchors: U, positives: V });
      const a = simclr.perAnchor.toArray();
      ref.perAnchor.toArray().forEach((x, i) => close(a[i]!, x, 1e-6, `NT-Xent t=${t} anchor ${i}`));
      close(simclr.loss.item(), ref.loss.item(), 1e-6, 'NT-Xent mean');
    }
  });
});

test('family equals the naive loop for exp/log1p, exp/identity and custom φ/ψ, and is symmetric in the views', () => {
  scope(() => {
    const gen = new Generator(4);
    const [U, V] = [unit([6, 4], gen), unit([6, 4], gen)];
    const t = 0.3;
    const cases: {
      c1: number;
      c2: number;
      phi: 'exp' | ((x: Tensor) => Tensor);
      psi: 'log1p' | 'identity' | ((x: Tensor) => Tensor);
      nphi: (x: number) => number;
      npsi: (x: number) => number;
    }[] = [
      { c1: 0.5, c2: 2, phi: 'exp', psi: 'log1p', nphi: (x) => Math.exp(x / t), npsi: Math.log1p },
      { c1: 1, c2: 1, phi: 'exp', psi: 'identity', nphi: (x) => Math.exp(x / t), npsi: (x) => x },
      { c1: 0, c2: 1, phi: 'exp', psi: (x) => x.sqrt(), nphi: (x) => Math.exp(x / t), npsi: Math.sqrt },
      { c1: 1, c2: 0.5, phi: (x) => x.add(2).square(), psi: 'log1p', nphi: (x) => (x + 2) ** 2, npsi: Math.log1p },
      { c1: 1, c2: 1, phi: (x) => x.mul(3).sigmoid(), psi: 'identity', nphi: (x) => sigmoid(3 * x), npsi: (x) => x },
    ];
    for (const [k, c] of cases.entries()) {
      const loss = similarityFamily({ c1: c.c1, c2: c.c2, phi: c.phi, psi: c.psi, t });
      const out = loss({ anchors: U, positives: V });
      const expected = naiveFamily(rows(U), rows(V), c.c1, c.c2, c.nphi, c.npsi);
      out.perAnchor.toArray().forEach((x, i) => close(x, expected[i]!, 1e-10, `case ${k} anchor ${i}`));
      close(loss({ anchors: V, positives: U }).loss.item(), out.loss.item(), 1e-12, `case ${k} symmetry`);
    }
    // Known value: all embeddings equal → every difference is 0, ℓ = log(1 + (c1 + c2)(n − 1)).
    const same = F.normalize(ones([5, 3], 'float64'), 1);
    close(
      similarityFamily({ c1: 1, c2: 1, t: 0.2 })({ anchors: same, positives: same }).loss.item(),
      Math.log(9),
      1e-12,
      'equal embeddings',
    );
    close(
      similarityFamily({ c1: 1, c2: 0, t: 0.2 })({ anchors: same, positives: same }).loss.item(),
      Math.log(5),
      1e-12,
      'equal embeddings (1,0)',
    );
  });
});

test('family is stable for a tiny temperature (logsumexp form) and checks its arguments', () => {
  scope(() => {
    const gen = new Generator(5);
    const [U, V] = [unit([6, 4], gen), unit([6, 4], gen)];
    const v = similarityFamily({ c1: 1, c2: 1, t: 1e-4 })({ anchors: U, positives: V }).loss.item();
    assert.ok(Number.isFinite(v) && v > 0, `loss ${v}`);
  });
  assert.throws(
    () => similarityFamily({ c1: 1, c2: 0, t: 0 }),
    /similarityFamily: temperature tau must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => similarityFamily({ c1: 1, c2: 0 }),
    /similarityFamily: temperature tau must be a finite number > 0, got undefined/,
  );
  assert.throws(() => similarityFamily({ c1: 0, c2: 0, t: 1 }), /similarityFamily: c1 and c2 are both 0/);
  assert.throws(
    () => similarityFamily({ c1: -1, c2: 1, t: 1 }),
    /similarityFamily: c1 must be a finite number >= 0, got -1/,
  );
  assert.throws(
    () => similarityFamily({ c1: 1, c2: NaN, t: 1 }),
    /similarityFamily: c2 must be a finite number >= 0, got NaN/,
  );
  scope(() => {
    const x = tensor([[1, 0]], undefined, 'float64');
    assert.throws(() => similarityFamily({ c1: 1, c2: 1, t: 1 })({ anchors: x, positives: x }), /at least 2 instances/);
  });
});

/** SigLIP from the formula: (1/n) Σ_i [ −log σ(t s_ii + b) + Σ_{j≠i} −log σ(−(t s_ij + b)) + c2/2 Σ_{j≠i} within ]. */
function naiveSigLIP(U: number[][], V: number[][], t: number, b: number, c2: number): number[] {
  const nls = (x: number): number => -Math.log(sigmoid(x));
  return U.map((u, i) => {
    let l = nls(t * dot(u, V[i]!) + b);
    for (let j = 0; j < U.length; j++) {
      if (j === i) continue;
      l += nls(-(t * dot(u, V[j]!) + b));
      l += (c2 / 2) * (nls(-(t * dot(u, U[j]!) + b)) + nls(-(t * dot(V[i]!, V[j]!) + b)));
    }
    return l;
  });
}

test('siglip equals the naive loop, is symmetric, and has the known value on orthonormal pairs', () => {
  scope(() => {
    const gen = new Generator(6);
    const [U, V] = [unit([6, 4], gen), unit([6, 4], gen)];
    for (const [t, b, c2] of [
      [10, -10, 0],
      [1, 0.5, 0],
      [5, -2, 1],
    ] as [number, number, number][]) {
      const loss = siglip({ t, b, c2 });
      const out = loss({ anchors: U, positives: V });
      const expected = naiveSigLIP(rows(U), rows(V), t, b, c2);
      out.perAnchor
        .toArray()
        .forEach((x, i) => close(x, expected[i]!, 1e-10, `siglip t=${t} b=${b} c2=${c2} anchor ${i}`));
      close(loss({ anchors: V, positives: U }).loss.item(), out.loss.item(), 1e-12, 'siglip symmetry');
    }
    // u = v = orthonormal rows, t = 1, b = 0: per anchor −log σ(1) + (n − 1)·log 2.
    const e = eye(5, 'float64');
    close(
      siglip({ t: 1, b: 0 })({ anchors: e, positives: e }).loss.item(),
      Math.log1p(Math.exp(-1)) + 4 * Math.LN2,
      1e-12,
      'siglip known value',
    );
    // Extreme logits stay finite (stable −log σ).
    const big = siglip({ t: 1e4, b: 0 })({ anchors: U, positives: V }).loss.item();
    assert.ok(Number.isFinite(big));
  });
  assert.throws(() => siglip({ t: 0, b: 0 }), /siglip: logit scale t must be a finite number > 0, got 0/);
  assert.throws(() => siglip({ t: 1, b: Infinity }), /siglip: bias b must be a finite number, got Infinity/);
  assert.throws(() => siglip({ t: 1, b: 0, c2: -1 }), /siglip: c2 must be a finite number >= 0, got -1/);
});

test('spectralContrastive equals the naive loop, is symmetric, and has known values', () => {
  scope(() => {
    const gen = new Generator(7);
    // Not necessarily unit-norm (HaoChen et al. do not normalise).
    const [U, V] = [randn([6, 4], gen, 'float64'), randn([6, 4], gen, 'float64')];
    const loss = spectralContrastive();
    const out = loss({ anchors: U, positives: V });
    const [Ur, Vr] = [rows(U), rows(V)];
    const expected = Ur.map(
      (u, i) => -2 * dot(u, Vr[i]!) + Vr.reduce((s, v, j) => (j === i ? s : s + dot(u, v) ** 2), 0) / 5,
    );
    out.perAnchor.toArray().forEach((x, i) => close(x, expected[i]!, 1e-10, `spectral anchor ${i}`));
    close(out.parts['alignment']!.item() + out.parts['uniformity']!.item(), out.loss.item(), 1e-12, 'parts add up');
    close(loss({ anchors: V, positives: U }).loss.item(), out.loss.item(), 1e-12, 'spectral symmetry');
    const e = eye(4, 'float64');
    close(loss({ anchors: e, positives: e }).loss.item(), -2, 1e-12, 'orthonormal → −2');
    const same = F.normalize(ones([4, 3], 'float64'), 1);
    close(loss({ anchors: same, positives: same }).loss.item(), -1, 1e-12, 'identical → −1');
  });
});

test('vrns equals the naive loop (λ, δ = −1/(k−1), power), withVRNS adds it, and its gradient pulls negatives toward δ', () => {
  scope(() => {
    const gen = new Generator(8);
    const [U, V] = [unit([6, 4], gen), unit([6, 4], gen)];
    for (const [lambda, k, p] of [
      [30, 50_000, 2],
      [2, 6, 2],
      [1, 10, 3],
    ] as [number, number, number][]) {
      const out = vrns({ lambda, datasetSize: k, power: p })({ anchors: U, positives: V });
      const delta = -1 / (k - 1);
      const [Ur, Vr] = [rows(U), rows(V)];
      const raw = Ur.map((u, i) => Vr.reduce((s, v, j) => (j === i ? s : s + Math.abs(dot(u, v) - delta) ** p), 0) / 5);
      out.perAnchor.toArray().forEach((x, i) => close(x, lambda * raw[i]!, 1e-10, `vrns anchor ${i}`));
      close(out.parts['vrns']!.item(), mean(raw), 1e-12, 'unweighted');
      close(out.loss.item(), lambda * mean(raw), 1e-10, 'weighted');
      close(out.parts['delta']!.item(), delta, 1e-15, 'delta');
    }
    // Known value: u = v orthonormal (all negatives 0), power 2: (0 − δ)² = 1/(k−1)².
    const e = eye(5, 'float64');
    close(
      vrns({ lambda: 1, datasetSize: 11 })({ anchors: e, positives: e }).loss.item(),
      0.01,
      1e-15,
      'vrns known value',
    );
    const base = similarityFamily({ c1: 1, c2: 1, t: 0.5 });
    const both = withVRNS(base, { lambda: 3, datasetSize: 6 })({ anchors: U, positives: V });
    close(
      both.loss.item(),
      base({ anchors: U, positives: V }).loss.item() +
        3 * vrns({ lambda: 1, datasetSize: 6 })({ anchors: U, positives: V }).loss.item(),
      1e-12,
      'withVRNS',
    );
  });
  // Gradient: a gradient step on the base loss alone vs. with VRNS (λ > 0); the VRNS part of the
  // gradient is exactly the descent direction of Σ (s_ij − δ)², so the step with VRNS lowers it more.
  scope(() => {
    const gen = new Generator(9);
    const n = 6;
    const U0 = randn([n, 8], gen, 'float64');
    const V0 = randn([n, 8], gen, 'float64');
    const base = similarityFamily({ c1: 1, c2: 1, t: 0.5 });
    const dev = (U: Tensor, V: Tensor): number =>
      vrns({ lambda: 1, datasetSize: n })({ anchors: F.normalize(U, 1), positives: F.normalize(V, 1) }).loss.item();
    const step = (lambda: number): [Tensor, Tensor, number[]] => {
      const U = U0.clone().requiresGrad_();
      const V = V0.clone().requiresGrad_();
      const batch = { anchors: F.normalize(U, 1), positives: F.normalize(V, 1) };
      const loss = lambda > 0 ? withVRNS(base, { lambda, datasetSize: n })(batch).loss : base(batch).loss;
      loss.backward();
      const g = U.grad!.toArray();
      return [U0.sub(U.grad!.mul(0.05)), V0.sub(V.grad!.mul(0.05)), g];
    };
    const [Ub, Vb, gb] = step(0);
    const [Uv, Vv, gv] = step(10);
    assert.ok(
      gb.some((x, i) => Math.abs(x - gv[i]!) > 1e-6),
      'VRNS changes the gradient',
    );
    const d0 = dev(U0, V0);
    const db = dev(Ub, Vb);
    const dv = dev(Uv, Vv);
    assert.ok(dv < db && dv < d0, `mean (s_neg − δ)²: start ${d0}, base step ${db}, with VRNS ${dv}`);
  });
  assert.throws(() => vrns({ lambda: -1 }), /vrns: lambda must be a finite number >= 0, got -1/);
  assert.throws(() => vrns({ datasetSize: 1 }), /vrns: datasetSize must be an integer >= 2, got 1/);
  assert.throws(() => vrns({ power: 0 }), /vrns: power must be a finite number > 0, got 0/);
});
