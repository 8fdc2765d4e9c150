// Paper B's theory on FREE embeddings: the parameters are the embedding vectors themselves,
// u = normalize(U), v = normalize(V), U, V [n, d] with d = n (data free-embeddings, encoder table
// in float64), trained by the one trainer with Adam from fixed seeds.
//   Thm 5.1: full-batch NT-Xent → s_pos = 1, every s_neg = −1/(n−1).
//   Thm 5.3: an independently additive loss with cross-view negatives only (SigLIP, steep logit
//            scale) separates negatives too much and leaves s_pos < 1; within-view negatives fix it.
//   Thm 5.5: fixed mini-batches of size m → Var[s_neg] inside [(n−m)/((m−1)(n−1)²), n(n−m)/((m−1)(n−1)²)].
//   VRNS lowers that variance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scope, tensor } from '../../src/torch/index.js';
import { expandRuns, resolveSpec, trainRun } from '../../src/experiments/index.js';
import { similarityStats } from '../../src/metrics/similarity-stats.js';
import { maxNegativeDeviation } from '../../src/metrics/similarity-range.js';
import {
  miniBatchVarianceBounds,
  optimalNegativeSimilarity,
  positiveSimilarityBound,
  uniformityApprox,
} from '../../src/theory/similarity-bounds.js';

const f = (x: number): string => x.toFixed(4);

interface FreeResult {
  stats: { posMean: number; negMean: number; negVar: number };
  /** max |u_i·v_j − target| over cross-view i ≠ j. */
  maxNegDeviation: (target: number) => number;
}

/**
 * Free embeddings (data free-embeddings, a float64 table encoder) trained by the one trainer with
 * `loss` (a loss config) and Adam; the full batch by default, or a fixed partition into blocks of
 * `miniBatch` visited in turn (`steps` then counts block updates).
 */
async function trainFree(
  loss: Record<string, unknown>,
  o: { n: number; steps: number; lr: number; seed: number; miniBatch?: number; vrns?: number },
): Promise<FreeResult> {
  const iterations = o.miniBatch === undefined ? o.steps : (o.steps * o.n) / o.miniBatch;
  const spec = resolveSpec({
    name: 'paper-b/free',
    data: { kind: 'free-embeddings', size: o.n, ...(o.miniBatch !== undefined ? { miniBatch: o.miniBatch } : {}) },
    encoder: { kind: 'table', dtype: 'float64' },
    loss,
    auxiliary: o.vrns === undefined ? [] : [{ kind: 'vrns', weight: o.vrns }],
    train: { iterations, batch: o.miniBatch ?? o.n, optimizer: { kind: 'adam', lr: o.lr } },
    eval: { every: iterations, metrics: ['similarity', 'similarity-range'] },
    seeds: [o.seed],
  });
  const result = await trainRun(expandRuns(spec)[0]!);
  const m = result!.metrics;
  return {
    stats: { posMean: m['posMean']!, negMean: m['negMean']!, negVar: m['negVar']! },
    maxNegDeviation: (target) =>
      maxNegativeDeviation({ posMin: m['posMin']!, negMin: m['negMin']!, negMax: m['negMax']! }, target),
  };
}

const family = (c1: number, c2: number, t: number) => ({ kind: 'similarity-family', c1, c2, t });

test('Thm 5.1: full-batch NT-Xent on free embeddings → s_pos → 1 and every s_neg → −1/(n−1)', async (t) => {
  const n = 8;
  const r = await trainFree(family(1, 1, 0.5), { n, steps: 600, lr: 0.05, seed: 1 });
  const target = optimalNegativeSimilarity(n);
  const dev = r.maxNegDeviation(target);
  t.diagnostic(
    `n=${n}: posMean ${f(r.stats.posMean)}, negMean ${f(r.stats.negMean)} (target ${f(target)}), negVar ${r.stats.negVar.toExponential(2)}, max |s_neg − target| ${dev.toExponential(2)}`,
  );
  assert.ok(r.stats.posMean > 0.99, `posMean ${r.stats.posMean}`);
  // float64 free embeddings reach the optimum to ~1e-13 in 600 steps (float32 would stop near 1e-7).
  assert.ok(dev < 1e-9, `max deviation ${dev}`);
});

test('Thm 5.3: SigLIP with cross-view negatives only leaves s_pos < 1; within-view negatives bring it back to ≈ 1', async (t) => {
  const n = 8;
  // t = 10, b = 0 satisfies the excessive-separation condition for SigLIP (Example 5.4) at n = 8.
  const opts = { n, steps: 600, lr: 0.05, seed: 2 };
  const cross = await trainFree({ kind: 'siglip', t: 10, b: 0 }, opts);
  const within = await trainFree({ kind: 'siglip', t: 10, b: 0, c2: 1 }, opts);
  t.diagnostic(
    `cross-view only: posMean ${f(cross.stats.posMean)}, negMean ${f(cross.stats.negMean)} (−1/(n−1) = ${f(-1 / (n - 1))}), Thm 5.2 bound ${f(positiveSimilarityBound(cross.stats.negMean, n))}`,
  );
  t.diagnostic(`with within-view: posMean ${f(within.stats.posMean)}, negMean ${f(within.stats.negMean)}`);
  assert.ok(cross.stats.posMean < 0.95, `cross-view only posMean ${cross.stats.posMean}`);
  assert.ok(cross.stats.negMean < -1 / (n - 1) - 0.01, `negatives separated beyond −1/(n−1): ${cross.stats.negMean}`);
  assert.ok(cross.stats.posMean <= positiveSimilarityBound(cross.stats.negMean, n) + 1e-6, 'Thm 5.2 bound');
  assert.ok(within.stats.posMean > 0.99, `with within-view posMean ${within.stats.posMean}`);
});

// The brief's version of Thm 5.3 on the InfoNCE-type family itself: (1, 0) with a steep φ. Thm 5.3
// is stated for independently additive losses (above), and Thm 5.1 says the InfoNCE-type family's
// optimum is s_pos = 1 for every t; what we measure after a fixed budget of 600 Adam steps at
// t = 0.05 is posMean ≈ 0.67 for (1, 0) and ≈ 0.87 for (1, 1) — both short of 1 (slow convergence
// at a small t), with (1, 0) further away. We assert only what holds: (1, 0) is clearly < 1 and
// within-view negatives raise s_pos at the same budget. Not an assertion of the optimum.
test('family (1, 0) with a steep φ (t = 0.05) ends with s_pos clearly < 1 after a fixed budget; (1, 1) ends higher', async (t) => {
  const n = 8;
  const cross = await trainFree(family(1, 0, 0.05), { n, steps: 600, lr: 0.05, seed: 3 });
  const both = await trainFree(family(1, 1, 0.05), { n, steps: 600, lr: 0.05, seed: 3 });
  t.diagnostic(
    `(1,0) t=0.05: posMean ${f(cross.stats.posMean)}, negMean ${f(cross.stats.negMean)}; (1,1): posMean ${f(both.stats.posMean)}, negMean ${f(both.stats.negMean)}`,
  );
  assert.ok(cross.stats.posMean < 0.9, `(1,0) posMean ${cross.stats.posMean}`);
  assert.ok(
    both.stats.posMean > cross.stats.posMean + 0.05,
    `(1,1) posMean ${both.stats.posMean} vs (1,0) ${cross.stats.posMean}`,
  );
});

test('Thm 5.5: fixed mini-batches of size m give Var[s_neg] inside the interval; VRNS lowers it', async (t) => {
  const n = 16;
  const loss = family(1, 1, 0.5);
  for (const m of [2, 4]) {
    // 100 updates of every block of the fixed partition (one block per step, 100·n/m steps; the
    // suite runs 300): the blocks share no embeddings and each converges within a few dozen updates.
    const opts = { n, steps: 100, lr: 0.05, seed: 10 + m, miniBatch: m };
    const plain = await trainFree(loss, opts);
    // VRNS with λ = 30; δ = −1/(n−1) from the data's n.
    const aux = await trainFree(loss, { ...opts, vrns: 30 });
    const [lo, hi] = miniBatchVarianceBounds(n, m);
    t.diagnostic(
      `m=${m}: Var[s_neg] ${f(plain.stats.negVar)} in [${f(lo)}, ${f(hi)}]? posMean ${f(plain.stats.posMean)}, negMean ${f(plain.stats.negMean)}; with VRNS: Var ${f(aux.stats.negVar)}, posMean ${f(aux.stats.posMean)}, negMean ${f(aux.stats.negMean)}`,
    );
    // Tolerance 0.002 for not being exactly at the optimum after 100 block updates (measured values sit well inside).
    assert.ok(
      plain.stats.negVar >= lo - 0.002 && plain.stats.negVar <= hi + 0.002,
      `m=${m}: Var ${plain.stats.negVar} outside [${lo}, ${hi}]`,
    );
    assert.ok(aux.stats.negVar < plain.stats.negVar, `m=${m}: VRNS Var ${aux.stats.negVar} vs ${plain.stats.negVar}`);
  }
});

test('closed forms: −1/(n−1), the Thm 5.5 interval (m = n gives [0, 0]), uniformity ≈ 2(E + Var − 1), argument checks', () => {
  assert.equal(optimalNegativeSimilarity(5), -0.25);
  const [lo, hi] = miniBatchVarianceBounds(16, 4);
  assert.ok(Math.abs(lo - 12 / (3 * 225)) < 1e-15 && Math.abs(hi - (16 * 12) / (3 * 225)) < 1e-15);
  assert.deepEqual(miniBatchVarianceBounds(8, 8), [0, 0]);
  // m = 2 lower end by construction: pairs (2k, 2k+1) antipodal, batches mutually orthogonal.
  scope(() => {
    const n = 8;
    const rows: number[][] = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n / 2 }, (_, k) => (k === Math.floor(i / 2) ? (i % 2 === 0 ? 1 : -1) : 0)),
    );
    const x = tensor(rows, undefined, 'float64');
    const s = similarityStats(x, x);
    assert.ok(Math.abs(s.negVar - miniBatchVarianceBounds(n, 2)[0]) < 1e-12, `constructed lower end ${s.negVar}`);
    assert.ok(Math.abs(s.negMean - optimalNegativeSimilarity(n)) < 1e-12);
  });
  assert.equal(positiveSimilarityBound(-1 / 7, 8), 1);
  assert.equal(uniformityApprox(-0.25, 0.25), -2);
  assert.throws(() => miniBatchVarianceBounds(16, 3), /miniBatchVarianceBounds: m must divide n \(n = 16, m = 3\)/);
  assert.throws(() => miniBatchVarianceBounds(16, 1), /miniBatchVarianceBounds: m must be an integer >= 2, got 1/);
  assert.throws(() => optimalNegativeSimilarity(1), /optimalNegativeSimilarity: n must be an integer >= 2, got 1/);
});
