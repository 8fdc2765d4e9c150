import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, ones, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';
import { infoNCE } from '../../src/losses/infonce.js';
import { ntXent } from '../../src/losses/nt-xent.js';

const rows = (t: Tensor): number[][] => {
  const [n, d] = t.shape as [number, number];
  const a = t.toArray();
  return Array.from({ length: n }, (_, i) => a.slice(i * d, (i + 1) * d));
};
const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** InfoNCE written as a plain loop straight from Paper A's per-anchor formula. */
function naiveInfoNCE(A: number[][], P: number[][], N: number[][] | number[][][], tau: number): number[] {
  return A.map((a, i) => {
    const negs = Array.isArray(N[0]![0]) ? (N as number[][][])[i]! : (N as number[][]);
    const sp = dot(a, P[i]!) / tau;
    const denom = Math.exp(sp) + negs.reduce((s, n) => s + Math.exp(dot(a, n) / tau), 0);
    return -Math.log(Math.exp(sp) / denom);
  });
}

function naiveNTXent(U: number[][], V: number[][], tau: number): number[] {
  const Z = [...U, ...V];
  const b = U.length;
  return Z.map((z, k) => {
    const partner = (k + b) % (2 * b);
    let denom = 0;
    for (let j = 0; j < Z.length; j++) if (j !== k) denom += Math.exp(dot(z, Z[j]!) / tau);
    return -Math.log(Math.exp(dot(z, Z[partner]!) / tau) / denom);
  });
}

const unit = (shape: number[], gen: Generator): Tensor => F.normalize(randn(shape, gen, 'float64'), -1);

test('infoNCE with shared negatives equals the naive per-anchor loop', () => {
  scope(() => {
    const gen = new Generator(0);
    const [A, P, N] = [unit([6, 4], gen), unit([6, 4], gen), unit([9, 4], gen)];
    const out = infoNCE({ tau: 0.3 })({ anchors: A, positives: P, negatives: N });
    const expected = naiveInfoNCE(rows(A), rows(P), rows(N), 0.3);
    out.perAnchor.toArray().forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-10, `${v} vs ${expected[i]}`));
    const mean = expected.reduce((s, x) => s + x, 0) / expected.length;
    assert.ok(Math.abs(out.loss.item() - mean) < 1e-10);
    // The parts add up to the loss: alignment (−E s⁺) + uniformity (E logsumexp).
    assert.ok(Math.abs(out.parts['alignment']!.item() + out.parts['uniformity']!.item() - mean) < 1e-10);
  });
});

test('infoNCE with per-anchor negatives [B, M, d] equals the naive loop', () => {
  scope(() => {
    const gen = new Generator(1);
    const [A, P, N] = [unit([5, 3], gen), unit([5, 3], gen), unit([5, 7, 3], gen)];
    const out = infoNCE({ tau: 0.5 })({ anchors: A, positives: P, negatives: N });
    const Nn = rows(N.reshape(35, 3));
    const perAnchorN = Array.from({ length: 5 }, (_, i) => Nn.slice(i * 7, (i + 1) * 7));
    const expected = naiveInfoNCE(rows(A), rows(P), perAnchorN, 0.5);
    out.perAnchor.toArray().forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-10));
  });
});

test('ntXent equals the naive loop, is symmetric in the two views, and has the known value', () => {
  scope(() => {
    const gen = new Generator(2);
    const [U, V] = [unit([5, 4], gen), unit([5, 4], gen)];
    const loss = ntXent({ tau: 0.2 });
    const out = loss({ anchors: U, positives: V });
    const expected = naiveNTXent(rows(U), rows(V), 0.2);
    out.perAnchor.toArray().forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-9, `${v} vs ${expected[i]}`));
    const swapped = loss({ anchors: V, positives: U });
    assert.ok(Math.abs(swapped.loss.item() - out.loss.item()) < 1e-12);
    // All embeddings equal: every row's 2B−1 logits are equal, so ℓ = log(2B − 1).
    const same = F.normalize(ones([4, 3], 'float64'), 1);
    assert.ok(Math.abs(loss({ anchors: same, positives: same }).loss.item() - Math.log(7)) < 1e-10);
  });
});

test('losses reject a non-positive temperature and malformed batches with clear messages', () => {
  assert.throws(() => infoNCE({ tau: 0 }), {
    name: 'RangeError',
    message: 'infoNCE: temperature tau must be a finite number > 0, got 0',
  });
  assert.throws(() => ntXent({ tau: -1 }), /ntXent: temperature tau must be a finite number > 0, got -1/);
  scope(() => {
    const x = tensor([[1, 0]]);
    assert.throws(() => infoNCE({ tau: 1 })({ anchors: x, positives: x }), /needs batch.negatives/);
    assert.throws(() => ntXent({ tau: 1 })({ anchors: x, positives: x }), /at least 2 instances/);
  });
});
