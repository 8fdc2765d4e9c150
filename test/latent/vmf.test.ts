import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eye, F, Generator, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';
import {
  meanResultantLength,
  sampleUniformSphere,
  sampleVonMisesFisher,
  VonMisesFisher,
} from '../../src/latent/index.js';
import { assertWithinSE, estimate, maxNormError, sameBits } from './stats.js';

const KAPPAS = [0.001, 1, 3.33, 30, 1e4];

/** Random unit mean directions, one per row (float64). */
const directions = (n: number, k: number, gen: Generator): Tensor => F.normalize(randn([n, k], gen, 'float64'), 1);
const rowDot = (a: Tensor, b: Tensor): Tensor => a.to('float64').mul(b.to('float64')).sum(1);

test('meanResultantLength: A_3(κ) = coth κ − 1/κ and A_1(κ) = tanh κ', () => {
  for (const kappa of [1e-3, 0.01, 0.5, 1, 3.33, 10, 30, 300, 1e4]) {
    // coth κ − 1/κ cancels for small κ; its series κ/3 − κ³/45 + 2κ⁵/945 is exact to 1e-18 there.
    const a3 = kappa <= 0.01 ? kappa / 3 - kappa ** 3 / 45 + (2 * kappa ** 5) / 945 : 1 / Math.tanh(kappa) - 1 / kappa;
    const got = meanResultantLength(3, kappa);
    assert.ok(Math.abs(got - a3) <= 1e-13 * a3, `k=3 κ=${kappa}: ${got} vs ${a3}`);
    assert.ok(Math.abs(meanResultantLength(1, kappa) - Math.tanh(kappa)) <= 1e-13, `k=1 κ=${kappa}`);
  }
});

test('meanResultantLength matches I_{k/2}(κ)/I_{k/2−1}(κ) from 40-digit references (mpmath)', () => {
  const reference: [number, number, number][] = [
    [2, 0.001, 0.00049999993750001042],
    [2, 1, 0.44638996589653451],
    [2, 3.33, 0.83170527588247117],
    [2, 30, 0.98318955536533609],
    [2, 1e4, 0.99994999874987498],
    [4, 0.001, 0.00024999998958333398],
    [4, 1, 0.24019372387008974],
    [4, 3.33, 0.60174839128112297],
    [4, 30, 0.95043120072108995],
    [4, 1e4, 0.99985000375037505],
    [10, 0.001, 9.9999999166666679e-5],
    [10, 1, 0.099178382399712559],
    [10, 3.33, 0.30636721164859631],
    [10, 30, 0.85901368829239464],
    [10, 1e4, 0.99955007875787308],
    [100, 0.001, 9.9999999990196078e-6],
    [100, 1, 0.0099990197963354615],
    [100, 3.33, 0.033263875000896878],
    [100, 30, 0.27731896464439103],
    [100, 1e4, 0.99506200487848212],
  ];
  for (const [k, kappa, expected] of reference) {
    const got = meanResultantLength(k, kappa);
    assert.ok(Math.abs(got - expected) <= 1e-13 * expected, `k=${k} κ=${kappa}: ${got} vs ${expected}`);
  }
});

test('meanResultantLength: Bessel recurrence A_{k+2} = 1/A_k − k/κ, limits κ/k and 1 − (k−1)/(2κ), monotone', () => {
  for (const k of [1, 2, 3, 5, 8, 20]) {
    for (const kappa of [0.5, 3.33, 30, 200]) {
      const lhs = meanResultantLength(k + 2, kappa);
      const rhs = 1 / meanResultantLength(k, kappa) - k / kappa;
      assert.ok(Math.abs(lhs - rhs) <= 1e-12, `k=${k} κ=${kappa}: ${lhs} vs ${rhs}`);
    }
    assert.equal(meanResultantLength(k, 0), 0);
    assert.ok(Math.abs(meanResultantLength(k, 1e-8) / (1e-8 / k) - 1) < 1e-12);
    assert.ok(Math.abs((1 - meanResultantLength(k, 1e7)) / ((k - 1) / 2e7) - 1) < 1e-5 || k === 1);
    assert.ok(Math.abs((1 - meanResultantLength(k, 1e12)) / ((k - 1) / 2e12) - 1) < 1e-3 || k === 1);
    let prev = 0;
    // (A_1 = tanh κ rounds to 1 in double precision beyond κ ≈ 19.)
    for (const kappa of k === 1 ? [0.01, 0.1, 1, 10] : [0.01, 0.1, 1, 10, 100, 1e3, 1e4]) {
      const a = meanResultantLength(k, kappa);
      assert.ok(a > prev && a < 1, `k=${k}: A not increasing in (0, 1) at κ=${kappa}`);
      prev = a;
    }
  }
  assert.throws(() => meanResultantLength(0, 1), {
    name: 'RangeError',
    message: 'meanResultantLength(): k must be an integer >= 1, got 0',
  });
  assert.throws(() => meanResultantLength(3, -1), {
    name: 'RangeError',
    message: 'meanResultantLength(): kappa must be a finite number >= 0, got -1',
  });
});

test('vMF: E[μ·z] = A_k(κ) and E[(μ·z)²] = 1 − (k−1)A_k(κ)/κ within 5 SE, per-row μ, k ∈ {3, 10}', () => {
  const gen = new Generator(11);
  for (const k of [3, 10]) {
    for (const kappa of KAPPAS) {
      scope(() => {
        const n = 20000;
        const mu = directions(n, k, gen);
        const z = sampleVonMisesFisher(mu, kappa, gen);
        assert.deepEqual(z.shape, [n, k]);
        assert.equal(z.dtype, 'float64');
        assert.ok(maxNormError(z) < 1e-12, `k=${k} κ=${kappa}: not on the sphere`);
        const w = rowDot(mu, z);
        const A = meanResultantLength(k, kappa);
        assertWithinSE(estimate(w), A, `k=${k} κ=${kappa} E[μ·z]`);
        assertWithinSE(estimate(w.square()), 1 - ((k - 1) * A) / kappa, `k=${k} κ=${kappa} E[(μ·z)²]`);
      });
    }
  }
});

test('vMF: the tangent part is isotropic around μ (E[z_j] = 0, E[z_j²] = (1 − E[W²])/(k−1) for j ≠ μ axis)', () => {
  const gen = new Generator(12);
  for (const [k, kappa] of [
    [3, 3.33],
    [10, 30],
  ] as const) {
    scope(() => {
      const n = 20000;
      const mu = eye(k, 'float64').narrow(0, 0, 1).expand(n, k); // every row μ = e_1
      const z = sampleVonMisesFisher(mu, kappa, gen);
      const A = meanResultantLength(k, kappa);
      const perp = (1 - (1 - ((k - 1) * A) / kappa)) / (k - 1);
      for (let j = 1; j < k; j++) {
        const zj = z.select(1, j);
        assertWithinSE(estimate(zj), 0, `k=${k} E[z_${j}]`);
        assertWithinSE(estimate(zj.square()), perp, `k=${k} E[z_${j}²]`);
      }
    });
  }
});

test('vMF concentrates at large κ: E[1 − μ·z] = 1 − A_k(κ) ≈ (k−1)/(2κ)', () => {
  const gen = new Generator(13);
  for (const k of [3, 10]) {
    for (const kappa of [1e3, 1e4]) {
      scope(() => {
        const n = 20000;
        const mu = directions(n, k, gen);
        const gap = estimate(rowDot(mu, sampleVonMisesFisher(mu, kappa, gen)).rsub(1));
        assertWithinSE(gap, 1 - meanResultantLength(k, kappa), `k=${k} κ=${kappa} E[1 − μ·z]`);
        // The asymptote differs from the exact value by (k−1)(k−3)/(8κ²) + O(κ⁻³).
        assertWithinSE(gap, (k - 1) / (2 * kappa), `k=${k} κ=${kappa} vs (k−1)/(2κ)`, 5, (k * k) / (8 * kappa * kappa));
      });
    }
  }
});

test('vMF: no NaN and unit norm at κ = 0, 1e-3 and 1e4 (float32 and float64, k ∈ {2, 3, 10}); k = 2 matches A_2', () => {
  const gen = new Generator(14);
  for (const dtype of ['float32', 'float64'] as const) {
    for (const k of [2, 3, 10]) {
      for (const kappa of [0, 1e-3, 1e4]) {
        scope(() => {
          const mu = sampleUniformSphere(4000, k, gen, dtype);
          const z = sampleVonMisesFisher(mu, kappa, gen);
          assert.equal(z.dtype, dtype);
          assert.equal(z.isfinite().all().item(), 1, `${dtype} k=${k} κ=${kappa}: non-finite samples`);
          assert.ok(
            maxNormError(z) < (dtype === 'float32' ? 1e-6 : 1e-12),
            `${dtype} k=${k} κ=${kappa}: off the sphere`,
          );
        });
      }
    }
  }
  scope(() => {
    const mu = directions(20000, 2, gen);
    assertWithinSE(
      estimate(rowDot(mu, sampleVonMisesFisher(mu, 3.33, gen))),
      meanResultantLength(2, 3.33),
      'k=2 κ=3.33 E[μ·z]',
    );
  });
});

test('vMF: the same seed gives the same samples; a different seed different ones', () => {
  scope(() => {
    const mu = directions(64, 5, new Generator(0)).to('float32');
    const a = sampleVonMisesFisher(mu, 3.33, new Generator(42));
    assert.ok(sameBits(a, sampleVonMisesFisher(mu, 3.33, new Generator(42))));
    assert.ok(!sameBits(a, sampleVonMisesFisher(mu, 3.33, new Generator(43))));
    assert.deepEqual(sampleVonMisesFisher(mu.narrow(0, 0, 0), 3.33, new Generator(0)).shape, [0, 5]);
  });
});

test('VonMisesFisher: a Conditional named vmf; argument checks with clear messages', () => {
  scope(() => {
    const c = new VonMisesFisher({ kappa: 1 / 0.3 });
    assert.equal(c.name, 'vmf');
    assert.equal(c.meanResultantLength(3), meanResultantLength(3, 1 / 0.3));
    const anchors = sampleUniformSphere(10, 3, new Generator(0));
    const pos = c.sample(anchors, new Generator(1));
    assert.deepEqual(pos.shape, [10, 3]);
    assert.equal(pos.dtype, 'float32');
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(() => new VonMisesFisher({ kappa: bad }), {
        name: 'RangeError',
        message: `VonMisesFisher: kappa must be a finite number >= 0, got ${bad}`,
      });
    assert.throws(() => c.sample(tensor([1, 0, 0]), new Generator(0)), {
      name: 'RangeError',
      message: 'VonMisesFisher.sample(): anchors must have shape [n, k], got [3]',
    });
    assert.throws(
      () => c.sample(tensor([[1], [1]]), new Generator(0)),
      /anchors must have k >= 2 columns, got \[2, 1\]/,
    );
    assert.throws(() => c.sample(tensor([[1, 0]], undefined, 'int64'), new Generator(0)), {
      name: 'TypeError',
      message: /must be float32 or float64, got int64/,
    });
    assert.throws(
      () =>
        c.sample(
          tensor([
            [1, 0],
            [0, 0],
          ]),
          new Generator(0),
        ),
      {
        name: 'RangeError',
        message: 'sampleVonMisesFisher(): every row of mu must be a finite nonzero (unit) direction',
      },
    );
    assert.throws(() => c.sample(tensor([[Number.NaN, 0]]), new Generator(0)), /finite nonzero/);
  });
});
