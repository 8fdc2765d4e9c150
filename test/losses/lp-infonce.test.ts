// cl-ica's Lp-distance InfoNCE (src/losses/lp-infonce.ts) against its definition, term by term.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, randn } from '../../src/torch/index.js';
import { lpInfoNCE } from '../../src/losses/lp-infonce.js';

/** ℓ_i = |a_i − p_i|_p^p/τ + log(e^{−|a_i − p_i|_p^p/τ} + Σ_j e^{−|a_i − n_j|_p^p/τ}), in plain numbers. */
function reference(a: number[][], pos: number[][], neg: number[][][], tau: number, p: number): number[] {
  const dist = (x: number[], y: number[]): number => x.reduce((s, v, j) => s + Math.abs(v - y[j]!) ** p, 0);
  return a.map((ai, i) => {
    const sp = -dist(ai, pos[i]!) / tau;
    const logits = [sp, ...neg[i]!.map((nj) => -dist(ai, nj) / tau)];
    const m = Math.max(...logits);
    return m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0)) - sp;
  });
}

const rows = (t: { toArray(): number[]; shape: readonly number[] }): number[][] => {
  const flat = t.toArray();
  const d = t.shape[t.shape.length - 1]!;
  return Array.from({ length: flat.length / d }, (_, i) => flat.slice(i * d, (i + 1) * d));
};

test('lpInfoNCE equals its definition for shared and per-anchor negatives, p = 2 (GEMM path), 1 and 3', () => {
  const gen = new Generator(51);
  const [B, M, d] = [6, 5, 4];
  const a = randn([B, d], gen, 'float64');
  const pos = randn([B, d], gen, 'float64');
  const shared = randn([M, d], gen, 'float64');
  const perAnchor = randn([B, M, d], gen, 'float64');
  for (const p of [2, 1, 3])
    for (const tau of [1, 0.5]) {
      const loss = lpInfoNCE({ tau, p });
      const sharedRows = rows(shared);
      const expectShared = reference(
        rows(a),
        rows(pos),
        Array.from({ length: B }, () => sharedRows),
        tau,
        p,
      );
      const gotShared = loss({ anchors: a, positives: pos, negatives: shared }).perAnchor.toArray();
      gotShared.forEach((v, i) => assert.ok(Math.abs(v - expectShared[i]!) < 1e-10, `shared p=${p} τ=${tau} row ${i}`));
      const pa = rows(perAnchor);
      const expectPer = reference(
        rows(a),
        rows(pos),
        Array.from({ length: B }, (_, i) => pa.slice(i * M, (i + 1) * M)),
        tau,
        p,
      );
      const gotPer = loss({ anchors: a, positives: pos, negatives: perAnchor }).perAnchor.toArray();
      gotPer.forEach((v, i) => assert.ok(Math.abs(v - expectPer[i]!) < 1e-10, `per-anchor p=${p} τ=${tau} row ${i}`));
    }
});

test('lpInfoNCE checks its settings and inputs', () => {
  assert.throws(() => lpInfoNCE({ tau: 0 }), /temperature tau must be a finite number > 0/);
  assert.throws(() => lpInfoNCE({ tau: 1, p: -1 }), /p must be a finite number > 0/);
  const x = randn([2, 3], new Generator(0));
  assert.throws(() => lpInfoNCE({ tau: 1 })({ anchors: x, positives: x }), /needs batch.negatives/);
});
