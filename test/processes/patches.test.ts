import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, scope, tensor } from '../../src/torch/index.js';
import { PatchesProcess, type PatchesVariant } from '../../src/processes/index.js';
import { dot, maxAbsDiff, rows, sphere } from './helpers.js';

const VARIANTS: PatchesVariant[] = ['reference', 'design'];

test('patches (reference): slices in |z3| as bucketize(|z3|, linspace(0, 1, K+1)) − 1, angle +π/max(1, K−k)', () => {
  scope(() => {
    const g = new PatchesProcess();
    assert.equal(g.name, 'patches');
    assert.deepEqual([g.slices, g.variant], [4, 'reference']);
    const h = tensor(
      [0, 1e-9, 0.25, 0.2500001, 0.5, 0.75, 0.7500001, 1, -0.25, -0.3, -1, 1.0000001],
      undefined,
      'float64',
    );
    const k = g.slice(h);
    assert.equal(k.dtype, 'int64');
    assert.deepEqual(k.toArray(), [-1, 0, 0, 1, 1, 2, 3, 3, 0, 1, 3, 4]);
    const expected = [5, 4, 4, 3, 3, 2, 1, 1, 4, 3, 1, 1].map((d) => Math.PI / d);
    g.angle(h)
      .toArray()
      .forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) < 1e-15, `angle ${i}: ${a} vs ${expected[i]}`));
  });
});

test('patches (design): slices floor((z3+1)·K/2) clamped to [0, K−1], angle −π/max(1, K−k)', () => {
  scope(() => {
    const g = new PatchesProcess({ variant: 'design' });
    const h = tensor([-1, -0.5000001, -0.5, -1e-9, 0, 0.4999999, 0.5, 0.999, 1], undefined, 'float64');
    assert.deepEqual(g.slice(h).toArray(), [0, 0, 1, 1, 2, 2, 3, 3, 3]);
    const expected = [4, 4, 3, 3, 2, 2, 1, 1, 1].map((d) => -Math.PI / d);
    g.angle(h)
      .toArray()
      .forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) < 1e-15));
    // K = 1: a single slice, every point rotated by −π.
    assert.deepEqual(new PatchesProcess({ variant: 'design', slices: 1 }).slice(h).toArray(), new Array(9).fill(0));
  });
});

test('patches: values by hand for one point (rotate, turn about y by π/2, rotate again)', () => {
  scope(() => {
    const z = tensor([[0.6, 0, 0.8]], undefined, 'float64');
    // reference: |0.8| ∈ (3/4, 1] → k=3, α=π → (−0.6, 0, 0.8); turn → (0.8, 0, 0.6);
    // |0.6| ∈ (1/2, 3/4] → k=2, α=π/2 → (0, 0.8, 0.6).
    const ref = new PatchesProcess().apply(z).toArray();
    [0, 0.8, 0.6].forEach((v, i) => assert.ok(Math.abs(ref[i]! - v) < 1e-12, `${ref}`));
    // design: floor(1.8·2)=3 → α=−π → (−0.6, 0, 0.8); turn → (0.8, 0, 0.6); floor(1.6·2)=3 → α=−π → (−0.8, 0, 0.6).
    const des = new PatchesProcess({ variant: 'design' }).apply(z).toArray();
    [-0.8, 0, 0.6].forEach((v, i) => assert.ok(Math.abs(des[i]! - v) < 1e-12, `${des}`));
  });
});

test('patches: outputs stay on S², inverse round trip, dtype preserved (both variants)', () => {
  scope(() => {
    const gen = new Generator(0);
    for (const variant of VARIANTS)
      for (const [dtype, tol] of [
        ['float32', 1e-5],
        ['float64', 1e-12],
      ] as const) {
        const g = new PatchesProcess({ variant });
        const z = sphere(2000, gen, dtype);
        const x = g.apply(z);
        assert.equal(x.dtype, dtype);
        assert.deepEqual(x.shape, [2000, 3]);
        assert.ok(x.norm(2, 1).sub(1).abs().max().item() < tol, `${variant} ${dtype}: off the sphere`);
        assert.ok(maxAbsDiff(g.inverse(x), z) < tol, `${variant} ${dtype}: inverse ∘ g ≠ id`);
        assert.ok(maxAbsDiff(g.apply(g.inverse(z)), z) < tol, `${variant} ${dtype}: g ∘ inverse ≠ id`);
        // Not the identity, and not one global rotation: some points move a lot.
        assert.ok(maxAbsDiff(x, z) > 0.5);
      }
  });
});

test('patches: a rigid rotation on each patch — dot products kept within a patch, broken across patches', () => {
  scope(() => {
    for (const variant of VARIANTS) {
      const g = new PatchesProcess({ variant });
      const z = sphere(300, new Generator(1), 'float64');
      const x = g.apply(z);
      // The patch of a point: its first slice (from z3) and its second slice (from x3 = height after the turn).
      const k1 = g.slice(z.select(1, 2)).toArray();
      const k2 = g.slice(x.select(1, 2)).toArray();
      const [zr, xr] = [rows(z), rows(x)];
      let same = 0;
      let maxSame = 0;
      let maxOther = 0;
      for (let i = 0; i < zr.length; i++)
        for (let j = i + 1; j < zr.length; j++) {
          const change = Math.abs(dot(zr[i]!, zr[j]!) - dot(xr[i]!, xr[j]!));
          if (k1[i] === k1[j] && k2[i] === k2[j]) {
            same++;
            maxSame = Math.max(maxSame, change);
          } else maxOther = Math.max(maxOther, change);
        }
      assert.ok(same > 100, `${variant}: only ${same} pairs share a patch`);
      assert.ok(maxSame < 1e-12, `${variant}: a patch is not moved rigidly (${maxSame})`);
      assert.ok(maxOther > 0.5, `${variant}: patches are not moved differently (${maxOther})`);
    }
  });
});

test('patches: gradient through apply is defined (rotations; slice choice carries no gradient)', () => {
  scope(() => {
    const g = new PatchesProcess();
    const z = sphere(50, new Generator(2), 'float64').requiresGrad_();
    const x = g.apply(z);
    x.select(1, 0).sum().backward();
    const grad = z.grad!;
    assert.deepEqual(grad.shape, [50, 3]);
    assert.equal(grad.isfinite().all().item(), 1);
    // Locally the map is a rotation, so each row's gradient of x1 is a unit vector (a row of the rotation).
    assert.ok(grad.norm(2, 1).sub(1).abs().max().item() < 1e-12);
  });
});

test('patches: defined on S² only, with clear errors', () => {
  assert.throws(() => new PatchesProcess({ dim: 2 }), {
    name: 'RangeError',
    message: 'patches: defined on S² only (inDim 3), got inDim 2',
  });
  assert.throws(() => new PatchesProcess({ slices: 0 }), {
    name: 'RangeError',
    message: 'patches: slices must be an integer ≥ 1, got 0',
  });
  assert.throws(() => new PatchesProcess({ variant: 'paper' as never }), {
    name: 'RangeError',
    message: "patches: variant must be 'reference' or 'design', got 'paper'",
  });
  scope(() => {
    assert.throws(() => new PatchesProcess().apply(sphere(4, new Generator(0), 'float32', 10)), {
      name: 'RangeError',
      message: 'patches: expects z of shape [n, 3] (defined on S² only: inDim 3), got [4, 10]',
    });
  });
});
