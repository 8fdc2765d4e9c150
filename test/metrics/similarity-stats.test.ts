// similarityStats on constructed embeddings: orthonormal rows, a regular simplex, a naive loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, eye, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';
import { similarityStats } from '../../src/metrics/similarity-stats.js';

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) < tol, `${what}: ${a} vs ${b}`);

/** A regular simplex of n unit vectors in R^n: e_i − 1/n, normalised; every pair has cosine −1/(n−1). */
function simplex(n: number): Tensor {
  return F.normalize(eye(n, 'float64').sub(1 / n), 1);
}

test('orthonormal rows: positives 1, negatives 0 with variance 0; within-view triples the count', () => {
  scope(() => {
    const e = eye(6, 'float64');
    const s = similarityStats(e, e);
    assert.deepEqual(s, { posMean: 1, posVar: 0, negMean: 0, negVar: 0, negCount: 30 });
    assert.equal(similarityStats(e, e, { withinView: true }).negCount, 90);
  });
});

test('regular simplex: every negative is −1/(n−1), cross-view and within-view', () => {
  scope(() => {
    for (const n of [3, 5, 8]) {
      const x = simplex(n);
      for (const withinView of [false, true]) {
        const s = similarityStats(x, x, { withinView });
        close(s.posMean, 1, 1e-12, 'posMean');
        close(s.negMean, -1 / (n - 1), 1e-12, `negMean n=${n}`);
        close(s.negVar, 0, 1e-12, 'negVar');
      }
    }
  });
});

test('similarityStats equals a naive loop on random (unnormalised) embeddings and rejects bad shapes', () => {
  scope(() => {
    const gen = new Generator(1);
    const [u, v] = [randn([5, 3], gen, 'float64'), randn([5, 3], gen, 'float64')];
    const U = [...Array(5).keys()].map((i) => u.select(0, i).toArray());
    const V = [...Array(5).keys()].map((i) => v.select(0, i).toArray());
    const cos = (a: number[], b: number[]): number =>
      a.reduce((s, x, k) => s + x * b[k]!, 0) / Math.hypot(...a) / Math.hypot(...b);
    const pos = U.map((a, i) => cos(a, V[i]!));
    const neg: number[] = [];
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) if (i !== j) neg.push(cos(U[i]!, V[j]!));
    const within: number[] = [...neg];
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) if (i !== j) within.push(cos(U[i]!, U[j]!), cos(V[i]!, V[j]!));
    const mv = (xs: number[]): [number, number] => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return [m, xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length];
    };
    const s = similarityStats(u, v);
    const w = similarityStats(u, v, { withinView: true });
    close(s.posMean, mv(pos)[0], 1e-12, 'posMean');
    close(s.posVar, mv(pos)[1], 1e-12, 'posVar');
    close(s.negMean, mv(neg)[0], 1e-12, 'negMean');
    close(s.negVar, mv(neg)[1], 1e-12, 'negVar');
    close(w.negMean, mv(within)[0], 1e-12, 'negMean within');
    close(w.negVar, mv(within)[1], 1e-12, 'negVar within');
    assert.equal(w.negCount, 60);
  });
  scope(() => {
    const x = tensor([[1, 0]], undefined, 'float64');
    assert.throws(() => similarityStats(x, x), /similarityStats: needs at least 2 instances/);
    assert.throws(() => similarityStats(eye(3), eye(4)), /similarityStats: both views must be \[n, d\] of equal shape/);
  });
});
