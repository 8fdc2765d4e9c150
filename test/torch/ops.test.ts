// Values, shapes and dtypes of the engine's non-differentiable and structural operators, the
// statistics of its random samplers (tolerances from the sampling standard error, 5σ), NaN
// propagation, dtype promotion, data out (item, toArray, data) and autograd controls.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  tensor,
  scalarTensor,
  zeros,
  ones,
  full,
  empty,
  zerosLike,
  onesLike,
  fullLike,
  arange,
  linspace,
  eye,
  cat,
  where,
  randn,
  rand,
  randint,
  randperm,
  normal,
  uniform,
  beta,
  bernoulli,
  multinomial,
  standardGamma,
  Generator,
  grad,
  noGrad,
  enableGrad,
  isGradEnabled,
  scope,
  liveTensors,
  F,
  Tensor,
} from '../../src/torch/index.js';

const i64 = (values: number[], shape?: number[]): Tensor => tensor(values, shape, 'int64');
const f64 = (values: number[], shape?: number[]): Tensor => tensor(values, shape, 'float64');
const bools = (values: number[], shape?: number[]): Tensor => tensor(values, shape, 'bool');

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.ok(
      Math.abs(a - e) <= tol || (Number.isNaN(a) && Number.isNaN(e)),
      `${what}[${i}]: ${a} vs ${e} (tol ${tol})`,
    );
  }
}

/** Asserts |estimate − expected| ≤ 5 standard errors. */
function within5Sigma(estimate: number, expected: number, standardError: number, what: string): void {
  const z = (estimate - expected) / standardError;
  assert.ok(
    Math.abs(z) <= 5,
    `${what}: estimate ${estimate}, expected ${expected}, standard error ${standardError} (z = ${z.toFixed(2)})`,
  );
}

/** Sample mean, variance (1/n), 4th central moment and size of a float array. */
function moments(x: ArrayLike<number>): { mean: number; variance: number; m4: number; n: number } {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = s / n;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    s2 += d * d;
    s4 += d * d * d * d;
  }
  return { mean, variance: s2 / n, m4: s4 / n, n };
}

/** Checks the mean and variance of samples against closed forms, with plug-in standard errors. */
function checkMeanVariance(x: ArrayLike<number>, mean: number, variance: number, what: string): void {
  const m = moments(x);
  within5Sigma(m.mean, mean, Math.sqrt(variance / m.n), `${what} mean`);
  // SE of the sample variance: sqrt((μ4 − σ⁴)/n), with the sample's own fourth moment.
  within5Sigma(m.variance, variance, Math.sqrt(Math.max(m.m4 - m.variance ** 2, 1e-300) / m.n), `${what} variance`);
}

// ---------------------------------------------------------------------------------------------

describe('creation', () => {
  test('zeros, ones, full, empty: shapes, dtypes, values', () => {
    scope(() => {
      assert.equal(zeros([2, 3]).dtype, 'float32');
      assert.deepEqual(zeros([2, 3]).shape, [2, 3]);
      assert.deepEqual(zeros([2], 'int64').data(), new BigInt64Array([0n, 0n]));
      assert.deepEqual(ones([2, 2], 'float64').data(), new Float64Array([1, 1, 1, 1]));
      assert.deepEqual(ones([3], 'bool').toArray(), [1, 1, 1]);
      assert.equal(ones([3], 'bool').dtype, 'bool');
      assert.deepEqual(full([2, 1], -2.5, 'float64').toArray(), [-2.5, -2.5]);
      assert.deepEqual(full([3], 7, 'int32').data(), new Int32Array([7, 7, 7]));
      assert.deepEqual(full([2], 2.5, 'int64').toArray(), [2, 2]);
      assert.deepEqual(empty([2, 0, 3]).shape, [2, 0, 3]);
      assert.equal(empty([2, 0]).numel, 0);
      assert.deepEqual(zeros([]).shape, []);
      assert.equal(zeros([]).numel, 1);
    });
  });

  test('zerosLike, onesLike, fullLike keep shape and dtype unless a dtype is given', () => {
    scope(() => {
      const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
      assert.deepEqual(zerosLike(x).shape, [2, 3]);
      assert.equal(zerosLike(x).dtype, 'float64');
      assert.equal(onesLike(x, 'int64').dtype, 'int64');
      assert.deepEqual(fullLike(x, 4).toArray(), [4, 4, 4, 4, 4, 4]);
      assert.equal(scalarTensor(2.5, 'float64').item(), 2.5);
      assert.deepEqual(scalarTensor(2.5).shape, []);
      assert.equal(scalarTensor(2.5).dtype, 'float32');
    });
  });

  test('arange: integer bounds give int64, a fractional bound or step gives float32, an explicit dtype wins', () => {
    scope(() => {
      assert.deepEqual(arange(4).toArray(), [0, 1, 2, 3]);
      assert.equal(arange(4).dtype, 'int64');
      assert.deepEqual(arange(2, 5).toArray(), [2, 3, 4]);
      assert.deepEqual(arange(5, 0, -2).toArray(), [5, 3, 1]);
      assert.deepEqual(arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
      assert.equal(arange(1, 2, 0.25).dtype, 'float32');
      assert.equal(arange(3, undefined, 1, 'float64').dtype, 'float64');
      assert.deepEqual(arange(0).shape, [0]);
    });
  });

  test('linspace and eye', () => {
    scope(() => {
      close(linspace(-1, 1, 5, 'float64').toFloat64Array(), [-1, -0.5, 0, 0.5, 1], 0);
      assert.equal(linspace(0, 1, 3).dtype, 'float32');
      assert.deepEqual(linspace(2, 3, 1).toArray(), [2]);
      assert.deepEqual(eye(3, 'int64').toArray(), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
      assert.equal(eye(2, 'float64').dtype, 'float64');
    });
  });

  test('randn, rand, randint: shapes, dtypes, ranges and reproducibility from a seed', () => {
    scope(() => {
      const a = randn([3, 4], new Generator(11));
      assert.deepEqual(a.shape, [3, 4]);
      assert.equal(a.dtype, 'float32');
      assert.deepEqual(a.toArray(), randn([3, 4], new Generator(11)).toArray());
      assert.equal(randn([2], new Generator(1), 'float64').dtype, 'float64');
      const u = rand([1000], new Generator(12), 'float64');
      assert.ok(u.min().item() >= 0 && u.max().item() < 1);
      const r = randint(-3, 4, [2000], new Generator(13));
      assert.equal(r.dtype, 'int64');
      assert.equal(r.min().item(), -3);
      assert.equal(r.max().item(), 3);
    });
  });

  test('tensor() from typed arrays keeps their dtype; conversions on request', () => {
    scope(() => {
      assert.equal(tensor(new Float32Array([1, 2])).dtype, 'float32');
      const d = tensor(new Float64Array([0.1, 1e-300, -2.5]));
      assert.equal(d.dtype, 'float64');
      assert.deepEqual(d.data(), new Float64Array([0.1, 1e-300, -2.5]));
      const big = tensor(new BigInt64Array([2n ** 62n, -(2n ** 62n) - 1n]));
      assert.equal(big.dtype, 'int64');
      assert.deepEqual(big.data(), new BigInt64Array([2n ** 62n, -(2n ** 62n) - 1n]));
      assert.equal(tensor(new Int32Array([1, -2])).dtype, 'int32');
      assert.deepEqual(tensor(new Int32Array([1, -2])).toArray(), [1, -2]);
      assert.equal(tensor(new Uint8Array([1, 255])).dtype, 'uint8');
      assert.deepEqual(tensor(new Uint8Array([1, 255])).toArray(), [1, 255]);
      assert.deepEqual(tensor(new Float64Array([0.1]), undefined, 'float32').data(), new Float32Array([0.1]));
      assert.deepEqual(tensor(new BigInt64Array([3n, -4n]), undefined, 'float64').toArray(), [3, -4]);
      assert.deepEqual(tensor(new Float64Array([1, 2, 3, 4, 5, 6]), [3, 2]).shape, [3, 2]);
      assert.deepEqual(tensor([[[1], [2]]], undefined, 'int64').shape, [1, 2, 1]);
      assert.deepEqual(tensor([true, false]).toArray(), [1, 0]);
      // The typed array is copied: changing it afterwards does not change the tensor.
      const src = new Float64Array([1, 2]);
      const t = tensor(src);
      src[0] = 99;
      assert.deepEqual(t.toArray(), [1, 2]);
    });
  });

  test('tensor() of a Uint8Array as bool stores 0/1 (any nonzero byte is true)', () => {
    scope(() => {
      const b = tensor(new Uint8Array([0, 2, 255]), undefined, 'bool');
      assert.equal(b.dtype, 'bool');
      assert.deepEqual(b.toArray(), [0, 1, 1]);
      assert.deepEqual(b.data(), new Uint8Array([0, 1, 1]));
    });
  });
});

describe('comparisons, logic, selection', () => {
  test('comparisons against tensors (broadcast) and scalars give bool', () => {
    scope(() => {
      const a = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const b = tensor([2, 2, 7]);
      assert.deepEqual(a.eq(b).toArray(), [0, 1, 0, 0, 0, 0]);
      assert.deepEqual(a.ne(2).toArray(), [1, 0, 1, 1, 1, 1]);
      assert.deepEqual(a.lt(b).toArray(), [1, 0, 1, 0, 0, 1]);
      assert.deepEqual(a.le(3).toArray(), [1, 1, 1, 0, 0, 0]);
      assert.deepEqual(a.gt(b).toArray(), [0, 0, 0, 1, 1, 0]);
      assert.deepEqual(a.ge(5).toArray(), [0, 0, 0, 0, 1, 1]);
      assert.equal(a.ge(5).dtype, 'bool');
      assert.equal(arange(3).eq(1).dtype, 'bool');
      assert.deepEqual(
        arange(3)
          .eq(tensor([0, 5, 2]))
          .toArray(),
        [1, 0, 1],
      );
    });
  });

  test('logical ops, all, any, isnan, isfinite', () => {
    scope(() => {
      const p = bools([1, 1, 0, 0]);
      const q = bools([1, 0, 1, 0]);
      assert.deepEqual(p.logicalAnd(q).toArray(), [1, 0, 0, 0]);
      assert.deepEqual(p.logicalOr(q).toArray(), [1, 1, 1, 0]);
      assert.deepEqual(p.logicalXor(q).toArray(), [0, 1, 1, 0]);
      assert.deepEqual(p.logicalNot().toArray(), [0, 0, 1, 1]);
      assert.equal(p.logicalAnd(q).dtype, 'bool');
      assert.deepEqual(
        tensor([2, 0])
          .logicalAnd(tensor([3, 3]))
          .toArray(),
        [1, 0],
      );
      assert.equal(p.all().item(), 0);
      assert.equal(p.any().item(), 1);
      assert.equal(ones([3], 'bool').all().item(), 1);
      assert.equal(zeros([3]).any().item(), 0);
      assert.deepEqual(tensor([NaN, 1, Infinity, -Infinity]).isnan().toArray(), [1, 0, 0, 0]);
      assert.deepEqual(tensor([NaN, 1, Infinity, -Infinity]).isfinite().toArray(), [0, 1, 0, 0]);
    });
  });

  test('where with tensors and scalars, broadcasting the condition', () => {
    scope(() => {
      const c = bools([1, 0, 1]);
      assert.deepEqual(where(c, tensor([1, 2, 3]), tensor([-1, -2, -3])).toArray(), [1, -2, 3]);
      assert.deepEqual(where(c, 1, 0).toArray(), [1, 0, 1]);
      assert.equal(where(c, 1, 0).dtype, 'int64');
      assert.deepEqual(where(c, 0.5, f64([7, 8, 9])).toArray(), [0.5, 8, 0.5]);
      assert.equal(where(c, 0.5, f64([7, 8, 9])).dtype, 'float64');
      assert.deepEqual(f64([1, 2, 3, 4, 5, 6], [2, 3]).where(c, 0).toArray(), [1, 0, 3, 4, 0, 6]);
    });
  });

  test('argmax and argmin: global, per dim, keepdim, first index on ties', () => {
    scope(() => {
      const a = tensor([
        [1, 9, 3],
        [7, 2, 8],
      ]);
      assert.equal(a.argmax().item(), 1);
      assert.equal(a.argmin().item(), 0);
      assert.deepEqual(a.argmax(1).toArray(), [1, 2]);
      assert.deepEqual(a.argmin(0).toArray(), [0, 1, 0]);
      assert.deepEqual(a.argmax(0, true).shape, [1, 3]);
      assert.equal(a.argmax(1).dtype, 'int64');
      assert.equal(tensor([1, 3, 3]).argmax().item(), 1);
      assert.equal(tensor([1, 0, 0]).argmin().item(), 1);
      const [v, i] = a.maxWithIndices(1);
      assert.deepEqual(v.toArray(), [9, 8]);
      assert.deepEqual(i.toArray(), [1, 2]);
      const [w, j] = a.minWithIndices(0, true);
      assert.deepEqual(w.toArray(), [1, 2, 3]);
      assert.deepEqual(j.toArray(), [0, 1, 0]);
      assert.deepEqual(w.shape, [1, 3]);
    });
  });

  test('sort, argsort, topk', () => {
    scope(() => {
      const a = tensor([
        [3, 1, 2],
        [0, 5, 4],
      ]);
      const [v, i] = a.sort();
      assert.deepEqual(v.toArray(), [1, 2, 3, 0, 4, 5]);
      assert.deepEqual(i.toArray(), [1, 2, 0, 0, 2, 1]);
      assert.equal(i.dtype, 'int64');
      const [vd, id] = a.sort(0, true);
      assert.deepEqual(vd.toArray(), [3, 5, 4, 0, 1, 2]);
      assert.deepEqual(id.toArray(), [0, 1, 1, 1, 0, 0]);
      assert.deepEqual(a.argsort(1, true).toArray(), [0, 2, 1, 1, 2, 0]);
      const [tv, ti] = a.topk(2);
      assert.deepEqual(tv.toArray(), [3, 2, 5, 4]);
      assert.deepEqual(ti.toArray(), [0, 2, 1, 2]);
      const [sv, si] = a.topk(1, 0, false);
      assert.deepEqual(sv.toArray(), [0, 1, 2]);
      assert.deepEqual(si.toArray(), [1, 0, 0]);
      // int64 sorts as integers
      assert.deepEqual(i64([10, -3, 7]).sort()[0].toArray(), [-3, 7, 10]);
    });
  });

  test('oneHot: int64, inferred and explicit class counts', () => {
    scope(() => {
      const h = F.oneHot(i64([2, 0, 1]));
      assert.equal(h.dtype, 'int64');
      assert.deepEqual(h.shape, [3, 3]);
      assert.deepEqual(h.toArray(), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
      assert.deepEqual(F.oneHot(i64([1, 0], [2, 1]), 4).shape, [2, 1, 4]);
    });
  });

  test('maskedSelect, maskedFill, index with a bool mask', () => {
    scope(() => {
      const a = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const m = bools([1, 0, 1, 0, 1, 0], [2, 3]);
      assert.deepEqual(a.maskedSelect(m).toArray(), [1, 3, 5]);
      assert.deepEqual(a.maskedSelect(m).shape, [3]);
      assert.deepEqual(a.maskedSelect(bools([0, 1, 1])).toArray(), [2, 3, 5, 6]);
      assert.deepEqual(a.maskedFill(m, -1).toArray(), [-1, 2, -1, 4, -1, 6]);
      assert.deepEqual(a.maskedFill(bools([1, 0, 0]), -Infinity).toArray(), [-Infinity, 2, 3, -Infinity, 5, 6]);
      assert.deepEqual(a.index([bools([0, 1])]).toArray(), [4, 5, 6]);
    });
  });

  test('advanced indexing: index tensors, pairs, and a whole leading dimension (undefined)', () => {
    scope(() => {
      const a = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      assert.deepEqual(a.index([i64([1, 1, 0])]).toArray(), [4, 5, 6, 4, 5, 6, 1, 2, 3]);
      assert.deepEqual(a.index([i64([0, 1]), i64([2, 0])]).toArray(), [3, 4]);
      // x[:, [2, 0]]
      assert.deepEqual(a.index([undefined, i64([2, 0])]).toArray(), [3, 1, 6, 4]);
    });
  });

  test('gather, scatter, scatterAdd, indexSelect, repeatInterleave values', () => {
    scope(() => {
      const a = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      assert.deepEqual(a.gather(1, i64([2, 2, 0, 1], [2, 2])).toArray(), [3, 3, 4, 5]);
      assert.deepEqual(
        zeros([2, 3])
          .scatter(1, i64([2, 0], [2, 1]), tensor([[7], [8]]))
          .toArray(),
        [0, 0, 7, 8, 0, 0],
      );
      assert.deepEqual(
        zeros([2, 3])
          .scatter(0, i64([1, 0, 1], [1, 3]), 9)
          .toArray(),
        [0, 9, 0, 9, 0, 9],
      );
      assert.deepEqual(
        zeros([3])
          .scatterAdd(0, i64([0, 0, 2]), tensor([1, 2, 3]))
          .toArray(),
        [3, 0, 3],
      );
      assert.deepEqual(a.indexSelect(0, i64([1, 1])).toArray(), [4, 5, 6, 4, 5, 6]);
      assert.deepEqual(
        tensor([1, 2])
          .repeatInterleave(i64([2, 3]))
          .toArray(),
        [1, 1, 2, 2, 2],
      );
    });
  });

  test('views share storage; reshape of a non-contiguous tensor copies', () => {
    scope(() => {
      const a = arange(6).reshape(2, 3);
      assert.ok(a.view(3, 2).sharesStorageWith(a));
      assert.ok(a.T.sharesStorageWith(a));
      assert.ok(a.select(0, 1).sharesStorageWith(a));
      assert.ok(!a.clone().sharesStorageWith(a));
      assert.deepEqual(a.T.reshape(6).toArray(), [0, 3, 1, 4, 2, 5]);
      assert.deepEqual(a.T.contiguous().toArray(), [0, 3, 1, 4, 2, 5]);
      assert.deepEqual(cat([a, a.neg()], 1).toArray(), [0, 1, 2, 0, -1, -2, 3, 4, 5, -3, -4, -5]);
    });
  });
});

describe('random samplers: statistics against closed forms (seeded, 5σ)', () => {
  const N = 200_000;

  test('normal(mean 2, std 3): mean and variance', () => {
    scope(() => {
      checkMeanVariance(normal(2, 3, [N], new Generator(101), 'float64').toFloat64Array(), 2, 9, 'normal');
    });
  });

  test('randn float32: mean 0, variance 1', () => {
    scope(() => {
      checkMeanVariance(randn([N], new Generator(102)).toFloat64Array(), 0, 1, 'randn');
    });
  });

  test('uniform(−1, 3): range, mean 1, variance 16/12', () => {
    scope(() => {
      const u = uniform(-1, 3, [N], new Generator(103), 'float64');
      assert.ok(u.min().item() >= -1);
      assert.ok(u.max().item() < 3);
      checkMeanVariance(u.toFloat64Array(), 1, 16 / 12, 'uniform');
    });
  });

  test('rand: mean 1/2, variance 1/12', () => {
    scope(() => {
      checkMeanVariance(rand([N], new Generator(104), 'float64').toFloat64Array(), 0.5, 1 / 12, 'rand');
    });
  });

  const betaCases: [number, number, 'float32' | 'float64'][] = [
    [2, 5, 'float64'],
    [0.5, 0.5, 'float64'],
    [4.5, 4.5, 'float32'],
    [1, 1, 'float32'],
  ];
  for (const [k, [a, b, dtype]] of betaCases.entries()) {
    test(`beta(${a}, ${b}) ${dtype}: mean a/(a+b), variance ab/((a+b)²(a+b+1)), support (0, 1)`, () => {
      scope(() => {
        const x = beta(a, b, [N], new Generator(120 + k), dtype);
        assert.equal(x.dtype, dtype);
        assert.ok(x.min().item() >= 0 && x.max().item() <= 1);
        checkMeanVariance(x.toFloat64Array(), a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1)), `beta(${a}, ${b})`);
      });
    });
  }

  test('beta with tensor parameters broadcasts and gives per-column means', () => {
    scope(() => {
      const a = f64([1, 2, 8]);
      const x = beta(a.expand(50_000, 3), 2, [], new Generator(106));
      assert.deepEqual(x.shape, [50_000, 3]);
      const cols = x.mean(0).toFloat64Array();
      [1, 2, 8].forEach((ai, j) => {
        const mean = ai / (ai + 2);
        const variance = (ai * 2) / ((ai + 2) ** 2 * (ai + 3));
        within5Sigma(cols[j]!, mean, Math.sqrt(variance / 50_000), `beta(${ai}, 2) column mean`);
      });
    });
  });

  test('beta(0.02, 0.02) float32: the variance of the U-shaped law (no mass piled at 1/2)', () => {
    scope(() => {
      const a = 0.02;
      const x = beta(a, a, [N], new Generator(107), 'float32').toFloat64Array();
      const atHalf = x.filter((v) => v === 0.5).length;
      checkMeanVariance(x, 0.5, (a * a) / ((2 * a) ** 2 * (2 * a + 1)), 'beta(0.02, 0.02)');
      assert.equal(atHalf, 0, `${atHalf} of ${N} samples are exactly 0.5`);
    });
  });

  test('standardGamma(α): mean α and variance α per element', () => {
    scope(() => {
      const alpha = f64([0.5, 2, 5]);
      const g = standardGamma(alpha.expand(60_000, 3).contiguous(), new Generator(108));
      assert.equal(g.dtype, 'float64');
      const data = g.toFloat64Array();
      [0.5, 2, 5].forEach((al, j) => {
        const col = data.filter((_, k) => k % 3 === j);
        checkMeanVariance(col, al, al, `gamma(${al})`);
      });
    });
  });

  test('bernoulli: scalar rate and per-element probabilities', () => {
    scope(() => {
      const x = bernoulli(0.3, [N], new Generator(109));
      assert.equal(x.dtype, 'float32');
      const values = new Set(x.toArray());
      assert.deepEqual([...values].sort(), [0, 1]);
      within5Sigma(x.mean().item(), 0.3, Math.sqrt((0.3 * 0.7) / N), 'bernoulli rate');
      const p = f64([0.05, 0.5, 0.9]);
      const y = bernoulli(p.expand(50_000, 3).contiguous(), [], new Generator(110));
      const rates = y.mean(0).toFloat64Array();
      [0.05, 0.5, 0.9].forEach((pj, j) =>
        within5Sigma(rates[j]!, pj, Math.sqrt((pj * (1 - pj)) / 50_000), `bernoulli(${pj})`),
      );
      assert.equal(bernoulli(0, [100], new Generator(111)).sum().item(), 0);
      assert.equal(bernoulli(1, [100], new Generator(111)).sum().item(), 100);
    });
  });

  test('multinomial with replacement: frequencies proportional to the (unnormalised) weights', () => {
    scope(() => {
      const w = [1, 2, 3, 4];
      const draws = multinomial(f64(w), N, true, new Generator(112));
      assert.equal(draws.dtype, 'int64');
      assert.deepEqual(draws.shape, [N]);
      const counts = F.oneHot(draws, 4).sum(0).toArray();
      w.forEach((wi, j) => {
        const p = wi / 10;
        within5Sigma(counts[j]!, N * p, Math.sqrt(N * p * (1 - p)), `multinomial class ${j}`);
      });
    });
  });

  test('multinomial without replacement: rows are distinct; first and second draws follow sequential sampling', () => {
    scope(() => {
      const p = [0.1, 0.2, 0.3, 0.4];
      const rows = 40_000;
      const draws = multinomial(f64(p).expand(rows, 4).contiguous(), 2, false, new Generator(113));
      assert.deepEqual(draws.shape, [rows, 2]);
      const d = draws.toArray();
      const first = [0, 0, 0, 0];
      const second = [0, 0, 0, 0];
      for (let r = 0; r < rows; r++) {
        assert.notEqual(d[2 * r], d[2 * r + 1]);
        first[d[2 * r]!]!++;
        second[d[2 * r + 1]!]!++;
      }
      p.forEach((pj, j) => {
        within5Sigma(first[j]!, rows * pj, Math.sqrt(rows * pj * (1 - pj)), `first draw ${j}`);
        // P(second = j) = Σ_{i≠j} p_i · p_j / (1 − p_i)
        const q = p.reduce((s, pi, i) => (i === j ? s : s + (pi * pj) / (1 - pi)), 0);
        within5Sigma(second[j]!, rows * q, Math.sqrt(rows * q * (1 - q)), `second draw ${j}`);
      });
      const all = multinomial(f64(p), 4, false, new Generator(114)).toArray();
      assert.deepEqual([...all].sort(), [0, 1, 2, 3]);
    });
  });

  test('randint: every value of [low, high) equally likely', () => {
    scope(() => {
      const counts = F.oneHot(randint(0, 7, [70_000], new Generator(115)), 7)
        .sum(0)
        .toArray();
      for (const [v, c] of counts.entries())
        within5Sigma(c, 10_000, Math.sqrt(70_000 * (1 / 7) * (6 / 7)), `randint value ${v}`);
    });
  });

  test('randperm is a permutation, reproducible from its seed and different across seeds', () => {
    scope(() => {
      const p = randperm(1000, new Generator(116));
      assert.equal(p.dtype, 'int64');
      assert.deepEqual(p.sort()[0].toArray(), arange(1000).toArray());
      assert.deepEqual(p.toArray(), randperm(1000, new Generator(116)).toArray());
      assert.notDeepEqual(p.toArray(), randperm(1000, new Generator(117)).toArray());
      // a uniform permutation leaves ~1 fixed point on average; far from the identity
      assert.ok(p.eq(arange(1000)).sum().item() < 10);
    });
  });

  test('samplers leave no tensors behind outside a scope', () => {
    const gen = new Generator(118);
    const p = f64([0.2, 0.8]);
    const calls: [string, () => Tensor][] = [
      ['randn', () => randn([4], gen)],
      ['normal', () => normal(0, 1, [4], gen)],
      ['uniform', () => uniform(0, 1, [4], gen)],
      ['beta', () => beta(2, 3, [4], gen)],
      ['bernoulli(tensor)', () => bernoulli(p, [], gen)],
      ['bernoulli(number)', () => bernoulli(0.5, [4], gen)],
      ['multinomial', () => multinomial(p, 3, true, gen)],
      ['randperm', () => randperm(4, gen)],
      ['F.dropout', () => F.dropout(p, 0.5, true, gen)],
    ];
    for (const [name, call] of calls) {
      const before = liveTensors();
      call().dispose();
      assert.equal(liveTensors(), before, `${name} leaked ${liveTensors() - before} tensor(s)`);
    }
    p.dispose();
  });
});

describe('NaN propagation', () => {
  test('elementwise, reductions, max/min, softmax and matmul propagate NaN', () => {
    scope(() => {
      const x = f64([1, NaN, 3]);
      assert.ok(Number.isNaN(x.add(1).toArray()[1]!));
      assert.ok(Number.isNaN(x.mul(0).toArray()[1]!));
      assert.ok(Number.isNaN(x.exp().toArray()[1]!));
      assert.ok(Number.isNaN(x.sum().item()));
      assert.ok(Number.isNaN(x.mean().item()));
      assert.ok(Number.isNaN(x.max().item()));
      assert.ok(Number.isNaN(x.min(0).item()));
      assert.ok(Number.isNaN(x.logsumexp(0).item()));
      assert.ok(Number.isNaN(x.relu().toArray()[1]!));
      assert.ok(Number.isNaN(x.clamp(0, 2).toArray()[1]!));
      assert.deepEqual(
        f64([NaN, 1])
          .maximum(f64([1, NaN]))
          .toArray()
          .map(Number.isNaN),
        [true, true],
      );
      assert.equal(x.argmax().item(), 1, 'NaN counts as the maximum');
      assert.deepEqual(f64([3, NaN, 1]).sort()[0].toArray().map(String), ['1', '3', 'NaN'], 'NaN sorts last');
      const sm = F.softmax(f64([1, NaN, 1, 2], [2, 2]), 1).toArray();
      assert.ok(Number.isNaN(sm[0]!) && Number.isNaN(sm[1]!));
      close(sm.slice(2), [1 / (1 + Math.E), Math.E / (1 + Math.E)], 1e-12, 'the other row');
      const mm = f64([1, NaN, 0, 1], [2, 2]).matmul(eye(2, 'float64')).toArray();
      assert.deepEqual(mm.map(Number.isNaN), [true, true, false, false], 'NaN·0 is NaN');
      assert.equal(f64([NaN, 1]).isnan().any().item(), 1);
    });
  });
});

describe('dtypes', () => {
  test('float64 stays float64 through arithmetic, reductions and nn functions', () => {
    scope(() => {
      const x = f64([1, 2, 3, 4], [2, 2]);
      for (const t of [
        x.add(1.5),
        x.mul(2),
        x.div(3),
        x.pow(2),
        x.exp(),
        x.sum(),
        x.mean(0),
        x.matmul(x),
        F.softmax(x, 1),
        x.norm(),
        x.var(),
        F.normalize(x),
      ]) {
        assert.equal(t.dtype, 'float64');
      }
      assert.equal(x.add(1.5).toArray()[0], 2.5);
      assert.equal(f64([0.1]).add(0.2).item(), 0.1 + 0.2, 'double arithmetic, not float');
    });
  });

  test('int64 arithmetic stays int64; true division and fractional scalars give float32', () => {
    scope(() => {
      const a = i64([1, 2, 3]);
      for (const t of [
        a.add(1),
        a.mul(a),
        a.sub(i64([1, 1, 1])),
        a.sum(),
        a.cumsum(0),
        a.max(),
        a.neg(),
        a.mul(2 ** 40),
      ]) {
        assert.equal(t.dtype, 'int64');
      }
      assert.deepEqual(a.mul(2 ** 40).data(), new BigInt64Array([2n ** 40n, 2n ** 41n, 3n * 2n ** 40n]));
      assert.equal(a.div(2).dtype, 'float32');
      assert.deepEqual(a.div(2).toArray(), [0.5, 1, 1.5]);
      assert.equal(a.add(2.5).dtype, 'float32');
      assert.equal(a.mul(0.5).dtype, 'float32');
      assert.equal(bools([1, 1, 0]).sum().dtype, 'int64');
      assert.equal(bools([1, 1, 0]).sum().item(), 2);
    });
  });

  test('promotion: float32 + float64 → float64, int32 + int64 → int64, a 0-d float64 does not promote float32', () => {
    scope(() => {
      assert.equal(zeros([2]).add(zeros([2], 'float64')).dtype, 'float64');
      assert.equal(zeros([2], 'int32').add(zeros([2], 'int64')).dtype, 'int64');
      assert.equal(zeros([2], 'int32').add(3).dtype, 'int32');
      assert.equal(zeros([2], 'uint8').add(1).dtype, 'uint8');
      assert.equal(zeros([2], 'int64').add(zeros([2])).dtype, 'float32');
      assert.equal(zeros([2]).add(scalarTensor(1, 'float64')).dtype, 'float32');
      assert.equal(zeros([2], 'bool').add(zeros([2], 'int32')).dtype, 'int32');
    });
  });

  test('conversions: to(), float(), double(), long(); int64 truncates toward zero', () => {
    scope(() => {
      const x = tensor([-1.7, -0.5, 0.5, 1.7]);
      assert.deepEqual(x.to('int64').toArray(), [-1, 0, 0, 1]);
      assert.deepEqual(x.long().toArray(), [-1, 0, 0, 1]);
      assert.equal(x.double().dtype, 'float64');
      assert.equal(x.double().float().dtype, 'float32');
      assert.deepEqual(x.gt(0).to('float32').toArray(), [0, 0, 1, 1]);
      assert.deepEqual(f64([0.1]).toFloat32Array(), new Float32Array([0.1]));
      assert.deepEqual(tensor([0.5]).toFloat64Array(), new Float64Array([0.5]));
    });
  });

  test('a JavaScript −0 reaches libtorch as −0.0 (sign of zero as in PyTorch)', () => {
    scope(() => {
      assert.ok(Object.is(full([1], -0, 'float64').item(), -0));
      assert.deepEqual(
        f64([1, -1])
          .mul(-0)
          .toArray()
          .map((v) => Object.is(v, -0)),
        [true, false],
      );
    });
  });
});

describe('data out', () => {
  test('item() of float64, float32, int64, bool and one-element tensors of any rank', () => {
    scope(() => {
      assert.equal(f64([0.1]).item(), 0.1);
      assert.equal(tensor([0.1]).item(), Math.fround(0.1));
      assert.equal(i64([-7]).item(), -7);
      assert.equal(bools([1]).item(), 1);
      assert.equal(bools([0]).item(), 0);
      assert.equal(f64([5], [1, 1, 1]).item(), 5);
      assert.equal(scalarTensor(3).item(), 3);
      assert.equal(tensor(new BigInt64Array([2n ** 53n])).item(), 2 ** 53);
    });
  });

  test('toArray() and data() are row-major, also for non-contiguous views', () => {
    scope(() => {
      const a = f64([1, 2, 3, 4, 5, 6], [2, 3]);
      assert.deepEqual(a.toArray(), [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(a.T.toArray(), [1, 4, 2, 5, 3, 6]);
      assert.deepEqual(a.slice(1, 0, undefined, 2).toArray(), [1, 3, 4, 6]);
      assert.ok(a.data() instanceof Float64Array);
      assert.ok(tensor([1]).data() instanceof Float32Array);
      assert.ok(i64([1]).data() instanceof BigInt64Array);
      assert.ok(tensor([1], undefined, 'int32').data() instanceof Int32Array);
      assert.ok(bools([1]).data() instanceof Uint8Array);
      assert.deepEqual(i64([-3, 4]).toArray(), [-3, 4]);
      assert.deepEqual(empty([0]).toArray(), []);
      assert.equal(String(a), 'Tensor(shape=[2, 3], dtype=float64)');
      assert.equal(a.size(-1), 3);
      assert.equal(a.ndim, 2);
      assert.equal(a.numel, 6);
    });
  });
});

describe('autograd controls', () => {
  test('grad with createGraph: the second derivative of x³ is 6x, the third is 6', () => {
    scope(() => {
      const x = f64([-1.5, 0.5, 2]).requiresGrad_();
      const [g1] = grad(x.pow(3).sum(), x, { createGraph: true });
      close(g1!.toFloat64Array(), [6.75, 0.75, 12], 1e-12, 'first');
      assert.equal(g1!.requiresGrad, true);
      const [g2] = grad(g1!.sum(), x, { createGraph: true });
      close(g2!.toFloat64Array(), [-9, 3, 12], 1e-12, 'second');
      const [g3] = grad(g2!.sum(), x);
      close(g3!.toFloat64Array(), [6, 6, 6], 1e-12, 'third');
      assert.equal(g3!.requiresGrad, false);
    });
  });

  test('backward with createGraph keeps the graph (retainGraph defaults to createGraph, as in PyTorch)', () => {
    scope(() => {
      const x = f64([0.5, -1]).requiresGrad_();
      x.exp().sum().backward(undefined, { createGraph: true });
      const g1 = x.grad!;
      close(g1.toFloat64Array(), [Math.exp(0.5), Math.exp(-1)], 1e-12, 'first');
      x.zeroGrad();
      g1.sum().backward();
      close(x.grad!.toFloat64Array(), [Math.exp(0.5), Math.exp(-1)], 1e-12, 'second');
      x.zeroGrad();
    });
  });

  test('gradients accumulate across backward calls until zeroGrad; grad() leaves .grad alone', () => {
    scope(() => {
      const x = f64([1, 2]).requiresGrad_();
      const y = x.mul(x).sum();
      y.backward(undefined, { retainGraph: true });
      y.backward();
      assert.deepEqual(x.grad!.toArray(), [4, 8]);
      const [g] = grad(x.mul(3).sum(), x);
      assert.deepEqual(g!.toArray(), [3, 3]);
      assert.deepEqual(x.grad!.toArray(), [4, 8]);
      x.zeroGrad();
      x.mul(f64([5, 6])).backward(f64([1, 2]));
      assert.deepEqual(x.grad!.toArray(), [5, 12]);
    });
  });

  test('grad(): several inputs, gradOutputs for non-scalar outputs, allowUnused', () => {
    scope(() => {
      const a = f64([1, 2]).requiresGrad_();
      const b = f64([3]).requiresGrad_();
      const c = f64([4]).requiresGrad_();
      const [ga, gb, gc] = grad([a.mul(b)], [a, b, c], { gradOutputs: [f64([1, 10])], allowUnused: true });
      assert.deepEqual(ga!.toArray(), [3, 30]);
      assert.deepEqual(gb!.toArray(), [21]);
      assert.equal(gc, undefined);
    });
  });

  test('noGrad: nothing records inside, the mode is restored after a throw, enableGrad nests', () => {
    scope(() => {
      const x = f64([1, 2]).requiresGrad_();
      assert.equal(isGradEnabled(), true);
      const y = noGrad(() => {
        assert.equal(isGradEnabled(), false);
        const inner = enableGrad(() => x.mul(2));
        assert.equal(inner.requiresGrad, true);
        return x.mul(2).add(1);
      });
      assert.equal(y.requiresGrad, false);
      assert.equal(y.isLeaf, true);
      assert.deepEqual(y.toArray(), [3, 5]);
      assert.throws(
        () =>
          noGrad(() => {
            throw new Error('inside');
          }),
        /inside/,
      );
      assert.equal(isGradEnabled(), true);
      // updates under noGrad do not touch the graph (the optimizer pattern)
      noGrad(() => x.sub_(f64([0.5, 0.5])));
      assert.deepEqual(x.toArray(), [0.5, 1.5]);
      assert.equal(x.isLeaf, true);
      assert.equal(x.mul(2).isLeaf, false);
    });
  });

  test('detach shares storage and cuts the graph', () => {
    scope(() => {
      const x = f64([1, 2]).requiresGrad_();
      const d = x.mul(2).detach();
      assert.equal(d.requiresGrad, false);
      const e = x.detach();
      assert.ok(e.sharesStorageWith(x));
      assert.equal(e.requiresGrad, false);
    });
  });
});
