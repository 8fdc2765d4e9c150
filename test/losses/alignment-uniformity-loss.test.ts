import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cat, F, Generator, randn, scope, type Tensor } from '../../src/torch/index.js';
import { alignmentUniformityLoss } from '../../src/losses/alignment-uniformity-loss.js';

const rows = (t: Tensor): number[][] => {
  const [n, d] = t.shape as [number, number];
  const a = t.toArray();
  return Array.from({ length: n }, (_, i) => a.slice(i * d, (i + 1) * d));
};
const dist2 = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0);

/** Wang & Isola written as plain loops: [alignment, uniformity, loss]. */
function naive(A: number[][], P: number[][], alpha: number, t: number, weight: number): [number, number, number] {
  const B = A.length;
  const align = A.reduce((s, a, i) => s + dist2(a, P[i]!) ** (alpha / 2), 0) / B;
  const unif1 = (X: number[][]): number => {
    let s = 0;
    for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) if (i !== j) s += Math.exp(-t * dist2(X[i]!, X[j]!));
    return Math.log(s / (B * (B - 1)));
  };
  const unif = (unif1(A) + unif1(P)) / 2;
  return [align, unif, align + weight * unif];
}

test('alignmentUniformityLoss equals the naive loop (defaults and other α, t, weight)', () => {
  scope(() => {
    const gen = new Generator(12);
    const A = F.normalize(randn([7, 4], gen, 'float64'), 1);
    const P = F.normalize(A.add(randn([7, 4], gen, 'float64').mul(0.3)), 1);
    for (const [opts, alpha, t, weight] of [
      [{}, 2, 2, 1],
      [{ alpha: 1, t: 0.5, weight: 0.3 }, 1, 0.5, 0.3],
      [{ alpha: 3 }, 3, 2, 1],
    ] as const) {
      const out = alignmentUniformityLoss(opts)({ anchors: A, positives: P });
      const [al, un, loss] = naive(rows(A), rows(P), alpha, t, weight);
      assert.ok(
        Math.abs(out.parts['alignment']!.item() - al) < 1e-12,
        `alignment ${out.parts['alignment']!.item()} vs ${al}`,
      );
      assert.ok(
        Math.abs(out.parts['uniformity']!.item() - un) < 1e-12,
        `uniformity ${out.parts['uniformity']!.item()} vs ${un}`,
      );
      assert.ok(Math.abs(out.loss.item() - loss) < 1e-12);
      assert.deepEqual(out.perAnchor.shape, [7]);
      assert.ok(Math.abs(out.perAnchor.mean().item() - loss) < 1e-12);
    }
    // Perfectly aligned pairs have alignment 0.
    assert.equal(alignmentUniformityLoss()({ anchors: A, positives: A }).parts['alignment']!.item(), 0);
  });
});

test('alignmentUniformityLoss gradient equals finite differences of the naive loop (even with identical rows)', () => {
  scope(() => {
    const gen = new Generator(13);
    const A = F.normalize(randn([4, 3], gen, 'float64'), 1);
    const P = F.normalize(randn([4, 3], gen, 'float64'), 1);
    const Adup = cat([A.narrow(0, 0, 1), A.narrow(0, 0, 3)]); // rows 0 and 1 identical (distance 0)
    for (const X of [A, Adup]) {
      const x = X.clone().requiresGrad_();
      alignmentUniformityLoss({ weight: 0.7 })({ anchors: x, positives: P }).loss.backward();
      const g = x.grad!.toArray();
      const [x0, p0] = [rows(X), rows(P)];
      const h = 1e-6;
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 3; j++) {
          const up = x0.map((r) => [...r]);
          const dn = x0.map((r) => [...r]);
          up[i]![j]! += h;
          dn[i]![j]! -= h;
          const fd = (naive(up, p0, 2, 2, 0.7)[2] - naive(dn, p0, 2, 2, 0.7)[2]) / (2 * h);
          assert.ok(Math.abs(fd - g[i * 3 + j]!) < 1e-7, `grad[${i},${j}] ${g[i * 3 + j]} vs ${fd}`);
        }
    }
  });
});

test('alignmentUniformityLoss rejects bad options and batches with clear messages', () => {
  assert.throws(() => alignmentUniformityLoss({ alpha: 0 }), {
    name: 'RangeError',
    message: 'alignmentUniformityLoss: alpha must be a finite number > 0, got 0',
  });
  assert.throws(
    () => alignmentUniformityLoss({ t: -1 }),
    /alignmentUniformityLoss: t must be a finite number > 0, got -1/,
  );
  assert.throws(
    () => alignmentUniformityLoss({ weight: -0.5 }),
    /alignmentUniformityLoss: weight must be a finite number >= 0, got -0.5/,
  );
  scope(() => {
    const gen = new Generator(0);
    const x = randn([1, 3], gen, 'float64');
    assert.throws(() => alignmentUniformityLoss()({ anchors: x, positives: x }), /at least 2 instances/);
    assert.throws(
      () => alignmentUniformityLoss()({ anchors: randn([3, 2], gen), positives: randn([3, 4], gen) }),
      /must both be \[B, d\]/,
    );
  });
});
