import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, scope, type Tensor } from '../../src/torch/index.js';
import { infoNCE } from '../../src/losses/index.js';
import { linearProbe } from '../../src/metrics/linear-probe.js';
import {
  HYPERCUBE_DEFAULT_D,
  HYPERCUBE_DEFAULT_K,
  hypercubePermutation,
  hypercubeTask,
  perfectRepresentation,
  spuriousRepresentation,
  type HypercubeTask,
} from '../../src/data/hypercube.js';

const maxAbsDiff = (a: Tensor, b: Tensor): number => scope(() => a.sub(b).abs().max().item());

test('hypercube: inputs on {±1}^D, label = 1[w·x_{1..k} > 0] with w ∈ {±1}^k, balanced classes', () => {
  scope(() => {
    const task = hypercubeTask({ gen: new Generator(0) });
    assert.equal(task.D, HYPERCUBE_DEFAULT_D);
    assert.equal(task.k, HYPERCUBE_DEFAULT_K);
    assert.deepEqual([task.D, task.k], [32, 5]);
    assert.equal(task.w.length, 5);
    task.w.forEach((v) => assert.ok(v === 1 || v === -1));
    const { x, y } = task.sample(4000, new Generator(1));
    assert.deepEqual(x.shape, [4000, 32]);
    assert.equal(y.dtype, 'int64');
    const xs = x.toArray();
    const ys = y.toArray();
    xs.forEach((v) => assert.ok(v === 1 || v === -1));
    for (let i = 0; i < 4000; i++) {
      const s = task.w.reduce((acc, w, j) => acc + w * xs[i * 32 + j]!, 0);
      assert.equal(ys[i], s > 0 ? 1 : 0);
    }
    const frac = ys.reduce((a, b) => a + b, 0) / 4000;
    assert.ok(Math.abs(frac - 0.5) < 0.03, `class balance ${frac}`);
    // Determinism: same seeds → same task and sample.
    const again = hypercubeTask({ gen: new Generator(0) });
    assert.deepEqual(again.w, task.w);
    assert.deepEqual(again.sample(4000, new Generator(1)).x.toArray(), xs);
    assert.throws(() => hypercubeTask({ D: 10, k: 4, gen: new Generator(0) }), /odd/);
    assert.throws(() => hypercubeTask({ D: 5, k: 5, gen: new Generator(0) }), /k must be/);
  });
});

test('hypercube augmentation keeps x_{1..k} and every sign, scales the rest by factors in (0, 1]', () => {
  scope(() => {
    const task = hypercubeTask({ D: 12, k: 3, gen: new Generator(2) });
    const { x } = task.sample(500, new Generator(3));
    const g = new Generator(4);
    const a = task.augment(x, g);
    const b = task.augment(x, g);
    assert.deepEqual(a.shape, [500, 12]);
    assert.equal(maxAbsDiff(a.narrow(1, 0, 3), x.narrow(1, 0, 3)), 0);
    // Signs are kept: sign(x') = x, so the augmentation sets of distinct inputs are disjoint.
    assert.equal(maxAbsDiff(a.sign(), x), 0);
    const scales = a
      .narrow(1, 3, 9)
      .div(x.narrow(1, 3, 9))
      .toArray();
    scales.forEach((s) => assert.ok(s > 0 && s <= 1, `scale ${s}`));
    const mean = scales.reduce((p, q) => p + q, 0) / scales.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02, `mean scale ${mean}`);
    assert.ok(maxAbsDiff(a, b) > 0.1, 'two augmentations differ');
    assert.equal(maxAbsDiff(task.augment(x, new Generator(4)), a), 0, 'deterministic given the seed');
    // The label of an augmentation is the label of its input.
    assert.equal(maxAbsDiff(task.label(a), task.label(x)), 0);
  });
});

test('perfect and spurious representations: unit norm, constant on augmentation sets, injective, f̃ = f*∘π', () => {
  scope(() => {
    const task = hypercubeTask({ D: 10, k: 3, gen: new Generator(5) });
    const { x } = task.sample(300, new Generator(6));
    const xa = task.augment(x, new Generator(7));
    for (const f of [(t: Tensor) => task.perfectRepresentation(t), (t: Tensor) => task.spuriousRepresentation(t)]) {
      const z = f(x);
      assert.ok(maxAbsDiff(z.norm(2, 1), z.norm(2, 1).mul(0).add(1)) < 1e-6);
      assert.equal(maxAbsDiff(f(xa), z), 0, 'constant on augmentation sets');
      // Injective: cosine 1 exactly when the inputs coincide.
      const same = z.matmul(z.T).gt(1 - 1e-6);
      const equalInputs = x.unsqueeze(1).sub(x.unsqueeze(0)).abs().sum(2).eq(0);
      assert.equal(same.ne(equalInputs).any().item(), 0);
    }
    // π is an involution that commutes with the augmentation, and f̃ = f*∘π.
    assert.equal(maxAbsDiff(task.permute(task.permute(x)), x), 0);
    assert.equal(maxAbsDiff(task.permute(xa).sign(), task.permute(x)), 0);
    assert.equal(maxAbsDiff(task.spuriousRepresentation(x), perfectRepresentation(task.permute(x))), 0);
    assert.equal(maxAbsDiff(spuriousRepresentation(x, 3), task.spuriousRepresentation(x)), 0);
    assert.equal(maxAbsDiff(hypercubePermutation(x, 3), task.permute(x)), 0);
  });
});

/** Per-anchor InfoNCE (τ = 0.5, M shared negatives) of a representation on one fresh batch. */
function batchLoss(
  task: HypercubeTask,
  f: (x: Tensor) => Tensor,
  B: number,
  M: number,
  g: Generator,
  permute = false,
): number[] {
  return scope(() => {
    const prep = (t: Tensor): Tensor => (permute ? task.permute(t) : t);
    const x = task.sample(B, g).x;
    const neg = task.sample(M, g).x;
    const out = infoNCE({ tau: 0.5 })({
      anchors: f(prep(task.augment(x, g))),
      positives: f(prep(task.augment(x, g))),
      negatives: f(prep(task.augment(neg, g))),
    });
    return out.perAnchor.toArray();
  });
}

test('perfect and spurious representations have equal InfoNCE loss: exactly under π, and in expectation', () => {
  const task = hypercubeTask({ D: 12, k: 3, gen: new Generator(8) });
  const perfect = (t: Tensor): Tensor => task.perfectRepresentation(t);
  const spurious = (t: Tensor): Tensor => task.spuriousRepresentation(t);
  // Sample by sample: loss(f̃; batch) = loss(f*; π(batch)) on the same draws.
  const a = batchLoss(task, spurious, 64, 64, new Generator(9));
  const b = batchLoss(task, perfect, 64, 64, new Generator(9), true);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-5));
  // In expectation: independent Monte Carlo estimates agree within 4 standard errors.
  const stats = (gen: Generator, f: (x: Tensor) => Tensor): { mean: number; se: number } => {
    const per: number[] = [];
    for (let r = 0; r < 60; r++) per.push(batchLoss(task, f, 64, 64, gen).reduce((p, q) => p + q, 0) / 64);
    const mean = per.reduce((p, q) => p + q, 0) / per.length;
    const v = per.reduce((p, q) => p + (q - mean) ** 2, 0) / (per.length - 1);
    return { mean, se: Math.sqrt(v / per.length) };
  };
  const p = stats(new Generator(10), perfect);
  const s = stats(new Generator(11), spurious);
  const tol = 4 * Math.hypot(p.se, s.se);
  assert.ok(Math.abs(p.mean - s.mean) < tol, `perfect ${p.mean} ± ${p.se}, spurious ${s.mean} ± ${s.se}`);
  assert.ok(tol < 0.05 * p.mean, `the Monte Carlo error is small: ${tol} vs loss ${p.mean}`);
});

test('a linear probe is at 100 % on the perfect representation and ≈ 50 % on the spurious one', () => {
  scope(() => {
    const task = hypercubeTask({ gen: new Generator(12) });
    const g = new Generator(13);
    const tr = task.sample(3000, g);
    const te = task.sample(3000, g);
    const probe = (f: (x: Tensor) => Tensor): number =>
      linearProbe(f(task.augment(tr.x, g)), tr.y, f(task.augment(te.x, g)), te.y, { epochs: 300, lr: 0.05 })
        .testAccuracy;
    const perfect = probe((t) => task.perfectRepresentation(t));
    const spurious = probe((t) => task.spuriousRepresentation(t));
    assert.equal(perfect, 1);
    assert.ok(Math.abs(spurious - 0.5) < 0.05, `spurious probe accuracy ${spurious}`);
  });
});
