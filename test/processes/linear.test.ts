import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, linalg, scope } from '../../src/torch/index.js';
import { LinearProcess } from '../../src/processes/index.js';
import { maxAbsDiff, rows, sphere } from './helpers.js';

test('linear: default S² → R⁷ with the reference structure: diagonal top block, Gaussian rows, rank 3', () => {
  scope(() => {
    const g = new LinearProcess(new Generator(0));
    assert.equal(g.name, 'linear');
    assert.deepEqual([g.inDim, g.outDim], [3, 7]);
    const W = g.weight;
    assert.deepEqual(W.shape, [7, 3]);
    assert.equal(W.dtype, 'float64');
    const w = rows(W);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        if (i === j) assert.ok(w[i]![j]! >= 0.5 && w[i]![j]! < 1.5, `diagonal entry ${w[i]![j]}`);
        else assert.equal(w[i]![j], 0);
      }
    // The lower 4×3 block is dense (Gaussian): no exact zeros.
    for (let i = 3; i < 7; i++) for (const v of w[i]!) assert.notEqual(v, 0);
    // Full column rank: three singular values, the smallest ≥ the smallest diagonal entry ≥ 0.5.
    const s = linalg.svd(W).S.toArray();
    assert.equal(s.length, 3);
    assert.ok(s[2]! >= 0.5 - 1e-12, `σ_min = ${s[2]}`);
    // Default bias: nn.Linear's U(−1/√3, 1/√3), as the reference leaves it.
    const b = g.bias.toArray();
    assert.equal(b.length, 7);
    for (const v of b) assert.ok(Math.abs(v) <= 1 / Math.sqrt(3));
    assert.ok(b.some((v) => v !== 0));
  });
});

test('linear: x = Wz + b computed by hand, in float32 and float64', () => {
  scope(() => {
    const gen = new Generator(1);
    const g = new LinearProcess(new Generator(2));
    const w = rows(g.weight);
    const b = g.bias.toArray();
    for (const [dtype, tol] of [
      ['float64', 1e-12],
      ['float32', 1e-5],
    ] as const) {
      const z = sphere(20, gen, dtype);
      const x = g.apply(z);
      assert.deepEqual(x.shape, [20, 7]);
      assert.equal(x.dtype, dtype);
      const zr = rows(z);
      rows(x).forEach((xi, n) =>
        xi.forEach((v, i) => {
          const expected = w[i]!.reduce((s, wij, j) => s + wij * zr[n]![j]!, b[i]!);
          assert.ok(Math.abs(v - expected) < tol, `${v} vs ${expected}`);
        }),
      );
      // The left inverse W⁺(x − b) recovers z.
      assert.ok(maxAbsDiff(g.inverse(x), z) < tol * 10);
    }
  });
});

test('linear: same seed → same parameters and outputs; different seed → different', () => {
  scope(() => {
    const z = sphere(10, new Generator(3), 'float64');
    const [a, b, c] = [
      new LinearProcess(new Generator(7)),
      new LinearProcess(new Generator(7)),
      new LinearProcess(new Generator(8)),
    ];
    assert.deepEqual(a.weight.toArray(), b.weight.toArray());
    assert.deepEqual(a.bias.toArray(), b.bias.toArray());
    assert.deepEqual(a.apply(z).toArray(), b.apply(z).toArray());
    assert.notDeepEqual(a.weight.toArray(), c.weight.toArray());
    assert.ok(maxAbsDiff(a.apply(z), c.apply(z)) > 1e-3);
  });
});

test('linear: options (dimensions, diagonal range, bias) and their checks', () => {
  scope(() => {
    const gen = new Generator(4);
    const g = new LinearProcess(gen, { inDim: 10, outDim: 70, bias: 'zero' });
    assert.deepEqual([g.inDim, g.outDim], [10, 70]);
    assert.deepEqual(g.bias.toArray(), new Array(70).fill(0));
    assert.equal(
      linalg
        .svd(g.weight)
        .S.toArray()
        .filter((s) => s > 1e-6).length,
      10,
    );
    // Square (outDim = inDim): W is the diagonal block alone. The reference range U(0, 1) is accepted.
    const sq = new LinearProcess(gen, { inDim: 3, outDim: 3, diagonalRange: [0, 1], bias: 'normal' });
    const w = rows(sq.weight);
    assert.ok(w.every((r, i) => r.every((v, j) => (i === j ? v >= 0 && v < 1 : v === 0))));
    assert.throws(() => new LinearProcess(gen, { inDim: 3, outDim: 2 }), {
      name: 'RangeError',
      message: 'linear: outDim must be ≥ inDim (3) for W to have full column rank, got 2',
    });
    assert.throws(() => new LinearProcess(gen, { outDim: 3, diagonalRange: [0, 0] }), {
      name: 'Error',
      message: /rank-deficient/,
    });
    assert.throws(() => new LinearProcess(gen, { inDim: 0 }), {
      message: 'linear: inDim must be an integer ≥ 1, got 0',
    });
    assert.throws(() => new LinearProcess(gen, { diagonalRange: [2, 1] }), {
      message: 'linear: diagonalRange must satisfy low ≤ high, got [2, 1]',
    });
    assert.throws(() => new LinearProcess(gen, { bias: 'ones' as never }), {
      message: "linear: bias must be one of 'uniform', 'normal', 'zero', got 'ones'",
    });
    assert.throws(() => new LinearProcess(gen).apply(sphere(3, gen, 'float32', 4)), {
      name: 'RangeError',
      message: 'linear: expects z of shape [n, 3] (inDim 3), got [3, 4]',
    });
    assert.throws(() => new LinearProcess(gen).inverse(sphere(2, gen)), {
      name: 'RangeError',
      message: 'linear: expects x of shape [n, 7] (outDim 7), got [2, 3]',
    });
  });
});

test('linear: frozen parameters; the gradient of Σx w.r.t. z is 1ᵀW for every row', () => {
  scope(() => {
    const g = new LinearProcess(new Generator(5));
    const z = sphere(4, new Generator(6), 'float64').requiresGrad_();
    g.apply(z).sum().backward();
    const colSums = rows(g.weight.T).map((r) => r.reduce((s, v) => s + v, 0));
    rows(z.grad!).forEach((r) => r.forEach((v, j) => assert.ok(Math.abs(v - colSums[j]!) < 1e-12)));
    assert.equal(g.weight.requiresGrad, false);
  });
});
