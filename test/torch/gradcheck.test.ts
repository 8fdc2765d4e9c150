// Gradients of every differentiable operator clab exposes, checked in float64 against central
// finite differences (test/util/gradcheck.ts). Inputs come from explicit, seeded Generators and
// are kept away from the kinks of non-smooth ops (|x| for abs and relu, ties for max and sort,
// the clamp bounds), so each check is deterministic and far inside its tolerance (set
// CLAB_GRADCHECK_VERBOSE=1 to print each check's margin).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator,
  Tensor,
  F,
  linalg,
  scope,
  liveTensors,
  randn,
  rand,
  randperm,
  tensor,
  cat,
  stack,
  where,
  meshgrid,
  matmul,
  bmm,
  addmm,
  einsum,
  outer,
} from '../../src/torch/index.js';
import { gradcheck, gradcheckReport, gradgradcheck, type GradFn, type GradcheckOptions } from '../util/gradcheck.js';

// ---------------------------------------------------------------------------------------------
// Inputs

/** Standard normal float64 samples. */
const rn = (gen: Generator, ...shape: number[]): Tensor => randn(shape, gen, 'float64');
/** Uniform on [lo, hi), float64. */
const un = (gen: Generator, lo: number, hi: number, ...shape: number[]): Tensor =>
  rand(shape, gen, 'float64')
    .mul(hi - lo)
    .add(lo);
/** Normal samples pushed at least `margin` away from 0 (for abs, relu, sign-dependent ops). */
const away = (gen: Generator, margin: number, ...shape: number[]): Tensor => {
  const x = rn(gen, ...shape);
  return x.add(x.sign().mul(margin));
};
/** Distinct values (a shuffled grid of step 0.3 plus noise below 0.05: no ties for max, sort, pooling). */
const distinct = (gen: Generator, ...shape: number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return randperm(n, gen)
    .double()
    .mul(0.3)
    .sub(0.15 * n)
    .add(un(gen, -0.05, 0.05, n))
    .reshape(...shape);
};
/** Indices as int64. */
const idx = (values: number[], shape?: number[]): Tensor => tensor(values, shape, 'int64');
/** A well-conditioned square matrix: random plus a multiple of the identity. */
const wellConditioned = (gen: Generator, n: number, shift = 3): Tensor =>
  rn(gen, n, n).add(
    tensor(
      new Float64Array(n * n).map((_, i) => (i % (n + 1) === 0 ? shift : 0)),
      [n, n],
    ),
  );

/** A seed derived from a test's name (FNV-1a), so adding or reordering tests changes no other input. */
const seedOf = (name: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
};

/** Registers one gradient check: `make` builds the function and its inputs from a fresh generator. */
function check(
  name: string,
  make: (gen: Generator) => [GradFn, Tensor[]] | [GradFn, Tensor[], GradcheckOptions],
): void {
  const s = seedOf(name);
  test(name, () => {
    scope(() => {
      const [fn, inputs, options] = make(new Generator(s));
      const r = gradcheck(fn, inputs, options);
      if (process.env['CLAB_GRADCHECK_VERBOSE'])
        console.log(
          `${name}: worst ${r.worstRatio.toExponential(1)}× the tolerance, max |error| ${r.maxAbsError.toExponential(1)}, ${r.compared} entries`,
        );
    });
  });
}

// ---------------------------------------------------------------------------------------------

describe('the gradient checker itself', () => {
  test('a correct gradient passes with a wide margin', () => {
    scope(() => {
      const gen = new Generator(1);
      const r = gradcheckReport((x) => x.sin().mul(x.exp()), [rn(gen, 4, 3)]);
      assert.equal(r.ok, true);
      assert.equal(r.fullJacobian, true);
      assert.equal(r.compared, 12 * 12);
      assert.ok(r.worstRatio < 0.01, `worst ratio ${r.worstRatio}`);
    });
  });

  test('a detached factor (half the true gradient) is caught and located', () => {
    scope(() => {
      const x = rn(new Generator(2), 5);
      const r = gradcheckReport((a) => a.mul(a.detach()), [x]);
      assert.equal(r.ok, false);
      const w = r.worst!;
      assert.equal(w.input, 0);
      // analytic = x, numerical = 2x
      assert.ok(Math.abs(w.numerical - 2 * w.analytic) < 1e-6);
      assert.throws(() => gradcheck((a) => a.mul(a.detach()), [x]), {
        name: 'AssertionError',
        message: /^gradcheck failed: input 0, element \d, row \d of the Jacobian: analytic .* vs numerical /,
      });
    });
  });

  test('a gradient wrong by one part in 10⁴ is caught (value-preserving detached term)', () => {
    scope(() => {
      const x = rn(new Generator(3), 6);
      // value exactly x, analytic gradient 1 + 1e-4, true gradient 1
      const r = gradcheckReport((a) => a.mul(1 + 1e-4).sub(a.detach().mul(1e-4)), [x]);
      assert.equal(r.ok, false);
      assert.ok(r.worstRatio > 5);
    });
  });

  test('a wrong gradient of the second input only is attributed to that input', () => {
    scope(() => {
      const gen = new Generator(4);
      const r = gradcheckReport((a, b) => a.mul(b.detach()).add(b.sin()), [rn(gen, 3), rn(gen, 3)]);
      assert.equal(r.ok, false);
      assert.equal(r.worst!.input, 1);
    });
  });

  test('one wrong entry of a large Jacobian is caught through random projections', () => {
    scope(() => {
      const gen = new Generator(5);
      const x = rn(gen, 100);
      const mask = tensor(new Float64Array(100).map((_, i) => (i === 57 ? 1e-3 : 0)));
      const good = gradcheckReport((a) => a.sin(), [x]);
      assert.equal(good.fullJacobian, false);
      assert.equal(good.ok, true);
      const bad = gradcheckReport((a) => a.sin().add(a.sub(a.detach()).mul(mask)), [x]);
      assert.equal(bad.fullJacobian, false);
      assert.equal(bad.ok, false);
      assert.equal(bad.worst!.element, 57);
    });
  });

  test('an output cut from the graph entirely is caught; an unused input is fine', () => {
    scope(() => {
      const gen = new Generator(6);
      const x = rn(gen, 3);
      assert.equal(gradcheckReport((a) => a.detach().sin(), [x]).ok, false);
      assert.equal(gradcheckReport((a, _b) => a.sin(), [x, rn(gen, 2)]).ok, true);
    });
  });

  test('non-float64 inputs are rejected unless excluded, and the checker leaks no tensors', () => {
    scope(() => {
      const x = rn(new Generator(7), 3);
      assert.throws(() => gradcheck((a) => a.float().double(), [x.float()], { wrt: [0] }), {
        name: 'TypeError',
        message: 'gradcheck: input 0 has dtype float32; differentiated inputs must be float64',
      });
      const i = idx([2, 0]);
      const before = liveTensors();
      gradcheck((a, j) => a.indexSelect(0, j!), [x, i]);
      gradgradcheck((a) => a.tanh(), [x]);
      assert.equal(liveTensors(), before);
    });
  });

  test('gradgradcheck: second derivatives pass for smooth ops and a detached vjp is caught', () => {
    scope(() => {
      const x = rn(new Generator(8), 4);
      gradgradcheck((a) => a.pow(3), [x]);
      gradgradcheck((a) => a.tanh().mul(a.exp()), [x]);
      // vjp = v·x.detach(): its derivative in x is 0 analytically but v numerically
      assert.throws(() => gradgradcheck((a) => a.mul(a.detach()), [x]), { name: 'AssertionError' });
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('elementwise arithmetic with broadcasting', () => {
  check('add: tensor + tensor, broadcast [3,1,4] + [2,4], alpha 2', (g) => [
    (a, b) => a.add(b!, 2),
    [rn(g, 3, 1, 4), rn(g, 2, 4)],
  ]);
  check('add: scalar', (g) => [(a) => a.add(2.5), [rn(g, 2, 3)]]);
  check('sub: broadcast [2,3] − [3], alpha 0.5', (g) => [(a, b) => a.sub(b!, 0.5), [rn(g, 2, 3), rn(g, 3)]]);
  check('sub and rsub: scalar', (g) => [(a) => [a.sub(1.5), a.rsub(2)], [rn(g, 4)]]);
  check('mul: broadcast [4,1] · [1,3]', (g) => [(a, b) => a.mul(b!), [rn(g, 4, 1), rn(g, 1, 3)]]);
  check('mul: scalar (integer and fractional)', (g) => [(a) => [a.mul(3), a.mul(-0.25)], [rn(g, 5)]]);
  check('div: broadcast, denominator away from 0', (g) => [(a, b) => a.div(b!), [rn(g, 2, 3), away(g, 0.5, 3)]]);
  check('div: scalar', (g) => [(a) => a.div(3), [rn(g, 5)]]);
  check('pow: integer exponent', (g) => [(a) => a.pow(3), [rn(g, 5)]]);
  check('pow: fractional exponent on positive base', (g) => [(a) => a.pow(2.5), [un(g, 0.5, 2, 5)]]);
  check('pow: tensor exponent, broadcast', (g) => [(a, b) => a.pow(b!), [un(g, 0.5, 2, 2, 3), rn(g, 3)]]);
  check('neg', (g) => [(a) => a.neg(), [rn(g, 4)]]);
  check('square and reciprocal', (g) => [(a) => [a.square(), a.reciprocal()], [away(g, 0.5, 5)]]);
  check('minimum and maximum (no ties)', (g) => [(a, b) => [a.minimum(b!), a.maximum(b!)], [rn(g, 6), rn(g, 6)]]);
});

describe('elementwise functions', () => {
  check('exp and expm1', (g) => [(a) => [a.exp(), a.expm1()], [rn(g, 6)]]);
  check('log (positive)', (g) => [(a) => a.log(), [un(g, 0.2, 3, 6)]]);
  check('log1p (> −1)', (g) => [(a) => a.log1p(), [un(g, -0.5, 3, 6)]]);
  check('sqrt and rsqrt (positive)', (g) => [(a) => [a.sqrt(), a.rsqrt()], [un(g, 0.2, 3, 6)]]);
  check('abs (away from 0)', (g) => [(a) => a.abs(), [away(g, 0.1, 8)]]);
  check('sign, floor, ceil, round have zero gradient', (g) => [
    (a) => [a.sign(), a.floor(), a.ceil(), a.round()],
    [away(g, 0.1, 6)],
  ]);
  check('clamp (min and max), values away from the bounds', (g) => {
    const x = tensor(new Float64Array([-2.1, -0.7, -0.3, 0.2, 0.6, 1.9]));
    return [(a) => a.clamp(-0.5, 0.5), [x.add(un(g, -0.05, 0.05, 6))]];
  });
  check('clamp (min only), clampMin, clampMax', (g) => [
    (a) => [a.clamp(0.1), a.clamp(undefined, 0.1), a.clampMin(-0.2), a.clampMax(0.45)],
    [distinct(g, 8)],
  ]);
  check('tanh', (g) => [(a) => a.tanh(), [rn(g, 6)]]);
  check('sigmoid', (g) => [(a) => a.sigmoid(), [rn(g, 6)]]);
  check('relu (away from 0)', (g) => [(a) => a.relu(), [away(g, 0.1, 8)]]);
  check('leakyRelu: default slope and slope 0.2 (away from 0)', (g) => [
    (a) => [a.leakyRelu(), a.leakyRelu(0.2)],
    [away(g, 0.1, 8)],
  ]);
  check("gelu: exact ('none')", (g) => [(a) => a.gelu(), [rn(g, 8)]]);
  check("gelu: 'tanh' approximation", (g) => [(a) => a.gelu('tanh'), [rn(g, 8)]]);
  check('softplus: defaults', (g) => [(a) => a.softplus(), [rn(g, 8).mul(3)]]);
  check('softplus: beta 2, threshold 3 (both sides of the threshold, away from it)', (g) => {
    const x = tensor(new Float64Array([-3, -1, 0.3, 1.2, 2.2, 4]));
    return [(a) => a.softplus(2, 3), [x.add(un(g, -0.05, 0.05, 6))]];
  });
  check('sin and cos', (g) => [(a) => [a.sin(), a.cos()], [rn(g, 6).mul(2)]]);
  check('tan, asin, acos, atan', (g) => [(a) => [a.tan(), a.asin(), a.acos(), a.atan()], [un(g, -0.9, 0.9, 6)]]);
  check('atan2: broadcast, away from the origin and the branch cut', (g) => [
    (a, b) => a.atan2(b!),
    [away(g, 0.2, 2, 3), un(g, 0.3, 2, 3)],
  ]);
  check('atan2: negative x (second and third quadrants)', (g) => [
    (a, b) => a.atan2(b!),
    [away(g, 0.3, 5), un(g, -2, -0.3, 5)],
  ]);
  check('where: tensor branches with a broadcast condition', (g) => {
    const cond = tensor([true, false, true], [3], 'bool');
    return [(a, b) => a.where(cond, b!), [rn(g, 2, 3), rn(g, 2, 3)]];
  });
  check('where: scalar branch (method, and the function with a scalar first branch)', (g) => {
    const cond = tensor([true, false, false, true], [4], 'bool');
    return [(a) => [a.where(cond, 0.5), where(cond, 2, a), where(cond, a, a.exp())], [rn(g, 4)]];
  });
});

describe('reductions', () => {
  check('sum: all, over dims [0, 2] with keepdim, over −1', (g) => [
    (a) => [a.sum(), a.sum([0, 2], true), a.sum(-1)],
    [rn(g, 2, 3, 4)],
  ]);
  check('mean: all, over dim 1 with keepdim, over [0, 1]', (g) => [
    (a) => [a.mean(), a.mean(1, true), a.mean([0, 1])],
    [rn(g, 2, 3, 4)],
  ]);
  check('prod: all and over a dim', (g) => [(a) => [a.prod(), a.prod(1, true)], [away(g, 0.3, 2, 3)]]);
  check('max and min: all and over dims with keepdim (no ties)', (g) => [
    (a) => [a.max(), a.min(), a.max(1, true), a.min([0, 2])],
    [distinct(g, 2, 3, 4)],
  ]);
  check('maxWithIndices and minWithIndices: values', (g) => [
    (a) => [a.maxWithIndices(1)[0], a.minWithIndices(0, true)[0]],
    [distinct(g, 3, 4)],
  ]);
  check('logsumexp: over a dim, over dims with keepdim', (g) => [
    (a) => [a.logsumexp(1), a.logsumexp([0, 2], true)],
    [rn(g, 2, 3, 4)],
  ]);
  check('norm: p = 2 over all and over a dim with keepdim', (g) => [
    (a) => [a.norm(), a.norm(2, 1, true)],
    [rn(g, 3, 4)],
  ]);
  check('norm: p = 1 (away from 0), p = 3, p = ∞ (no ties)', (g) => [
    (a) => [a.norm(1, 1), a.norm(3, 0), a.norm(Infinity, 1)],
    [distinct(g, 3, 4)],
  ]);
  check('var: unbiased over all, biased over a dim with keepdim', (g) => [
    (a) => [a.var(), a.var(1, { unbiased: false, keepdim: true })],
    [rn(g, 3, 4)],
  ]);
  check('std: unbiased over a dim, biased over [0, 1]', (g) => [
    (a) => [a.std(0), a.std([0, 1], { unbiased: false })],
    [rn(g, 3, 4)],
  ]);
  check('cumsum: dims 1 and −1', (g) => [(a) => [a.cumsum(1), a.cumsum(-1)], [rn(g, 2, 3, 4)]]);
  check('sort values (both directions) and topk values', (g) => [
    (a) => [a.sort(1)[0], a.sort(0, true)[0], a.topk(2, 1)[0], a.topk(2, 1, false)[0]],
    [distinct(g, 3, 4)],
  ]);
});

describe('linear algebra', () => {
  check('matmul: matrix @ matrix', (g) => [(a, b) => a.matmul(b!), [rn(g, 3, 4), rn(g, 4, 2)]]);
  check('matmul: batched with broadcasting [2,3,4] @ [4,2], vector @ matrix', (g) => [
    (a, b, v) => [matmul(a, b!), v!.matmul(b!)],
    [rn(g, 2, 3, 4), rn(g, 4, 2), rn(g, 4)],
  ]);
  check('mm and dot', (g) => [(a, b, v, w) => [a.mm(b!), v!.dot(w!)], [rn(g, 3, 4), rn(g, 4, 2), rn(g, 5), rn(g, 5)]]);
  check('bmm', (g) => [(a, b) => bmm(a, b!), [rn(g, 2, 3, 4), rn(g, 2, 4, 2)]]);
  check('addmm: broadcast bias, beta 0.5, alpha 2', (g) => [
    (c, a, b) => addmm(c, a!, b!, 0.5, 2),
    [rn(g, 2), rn(g, 3, 4), rn(g, 4, 2)],
  ]);
  check("einsum: 'bij,bjk->bik' and 'ij,ij->i'", (g) => [
    (a, b, c) => [einsum('bij,bjk->bik', a, b!), einsum('ij,ij->i', c!, c!.exp())],
    [rn(g, 2, 2, 3), rn(g, 2, 3, 2), rn(g, 3, 2)],
  ]);
  check('outer', (g) => [(a, b) => [outer(a, b!), a.outer(b!.mul(2))], [rn(g, 3), rn(g, 4)]]);
  check('T and mT', (g) => [(a, b) => [a.T.matmul(a), b!.mT.matmul(b!)], [rn(g, 3, 2), rn(g, 2, 3, 2)]]);
  check('svd: sum of singular values (nuclear norm)', (g) => [(a) => linalg.svd(a).S.sum(), [rn(g, 4, 3)]]);
  check('svd: U·diag(S)·Vh reconstruction and the gauge-invariant U·diag(S²)·Vh', (g) => [
    (a) => {
      const { U, S, Vh } = linalg.svd(a);
      return [U.matmul(S.diag()).matmul(Vh), U.mul(S.square()).matmul(Vh)];
    },
    [rn(g, 4, 3)],
  ]);
  check('svd: wide matrix, singular values', (g) => [(a) => linalg.svd(a).S, [rn(g, 2, 4)]]);
  check('qr: Q and R (reduced)', (g) => [
    (a) => {
      const { Q, R } = linalg.qr(a);
      return [Q, R];
    },
    [rn(g, 4, 3)],
  ]);
  check('eigh: eigenvalues of the symmetrised input', (g) => [
    (a) => linalg.eigh(a.add(a.T).div(2)).eigenvalues,
    [rn(g, 4, 4)],
  ]);
  check('eigh: gauge-invariant V·diag(λ³)·Vᵀ', (g) => [
    (a) => {
      const { eigenvalues: l, eigenvectors: v } = linalg.eigh(a.add(a.T).div(2));
      return v.mul(l.pow(3)).matmul(v.T);
    },
    [rn(g, 3, 3)],
  ]);
  check('solve: A·X = B, with respect to A and B', (g) => [
    (a, b) => linalg.solve(a, b!),
    [wellConditioned(g, 3), rn(g, 3, 2)],
  ]);
  check('lstsq: solution of a tall full-rank system, with respect to A and B', (g) => [
    (a, b) => linalg.lstsq(a, b!).solution,
    [rn(g, 5, 3), rn(g, 5, 2)],
  ]);
  check('pinv: tall full-rank matrix', (g) => [(a) => linalg.pinv(a), [rn(g, 4, 3)]]);
  check('det', (g) => [(a) => linalg.det(a), [wellConditioned(g, 3)]]);
  check('inv', (g) => [(a) => linalg.inv(a), [wellConditioned(g, 3)]]);
  check("matrixNorm: 'fro' and 'nuc'", (g) => [
    (a) => [linalg.matrixNorm(a), linalg.matrixNorm(a, 'nuc')],
    [rn(g, 4, 3)],
  ]);
});

describe('neural-network functions', () => {
  check('F.linear: with bias, 3-d input', (g) => [
    (x, w, b) => F.linear(x, w!, b),
    [rn(g, 2, 2, 3), rn(g, 4, 3), rn(g, 4)],
  ]);
  check('F.linear: without bias', (g) => [(x, w) => F.linear(x, w!), [rn(g, 3, 3), rn(g, 2, 3)]]);
  check('F.conv2d: stride 2, padding 1, bias', (g) => [
    (x, w, b) => F.conv2d(x, w!, b, { stride: 2, padding: 1 }),
    [rn(g, 2, 2, 5, 5), rn(g, 3, 2, 3, 3), rn(g, 3)],
  ]);
  check('F.conv2d: dilation 2, groups 2, asymmetric stride and padding', (g) => [
    (x, w) => F.conv2d(x, w!, undefined, { stride: [1, 2], padding: [2, 1], dilation: 2, groups: 2 }),
    [rn(g, 1, 4, 5, 4), rn(g, 2, 2, 2, 2)],
  ]);
  check('F.batchNorm: training mode, [N, C] with weight and bias', (g) => [
    (x, w, b) => F.batchNorm(x, undefined, undefined, { weight: w, bias: b, training: true }),
    [rn(g, 5, 3), un(g, 0.5, 1.5, 3), rn(g, 3)],
  ]);
  check('F.batchNorm: training mode, [N, C, H, W], running statistics updated on the side', (g) => {
    const rm = tensor(new Float64Array(2));
    const rv = tensor(new Float64Array([1, 1]));
    return [(x) => F.batchNorm(x, rm, rv, { training: true, momentum: 0.3 }), [rn(g, 3, 2, 2, 2)]];
  });
  check('F.batchNorm: evaluation mode with running statistics', (g) => [
    (x, w, b) =>
      F.batchNorm(x, tensor(new Float64Array([0.1, -0.2])), tensor(new Float64Array([0.5, 2])), { weight: w, bias: b }),
    [rn(g, 3, 2), rn(g, 2), rn(g, 2)],
  ]);
  check('F.layerNorm: over the last two dims with weight and bias', (g) => [
    (x, w, b) => F.layerNorm(x, [2, 3], w, b),
    [rn(g, 2, 2, 3), rn(g, 2, 3), rn(g, 2, 3)],
  ]);
  check('F.maxPool2d: kernel 2 (no ties)', (g) => [(x) => F.maxPool2d(x, 2), [distinct(g, 1, 2, 4, 4)]]);
  check('F.maxPool2d: kernel 3, stride 2, padding 1', (g) => [
    (x) => F.maxPool2d(x, 3, 2, 1),
    [distinct(g, 1, 1, 5, 5)],
  ]);
  check('F.avgPool2d: kernel 2; kernel [3, 2], stride 2, padding 1', (g) => [
    (x) => [F.avgPool2d(x, 2), F.avgPool2d(x, [3, 2], 2, 1)],
    [rn(g, 1, 2, 4, 5)],
  ]);
  check('F.adaptiveAvgPool2d: 5×5 → 3×2 (overlapping windows)', (g) => [
    (x) => F.adaptiveAvgPool2d(x, [3, 2]),
    [rn(g, 1, 2, 5, 5)],
  ]);
  check('F.softmax and F.logSoftmax over dims 1 and 0', (g) => [
    (x) => [F.softmax(x, 1), F.logSoftmax(x, 0)],
    [rn(g, 3, 4)],
  ]);
  check("F.crossEntropy: class targets, reductions 'mean', 'sum', 'none'", (g) => {
    const t = idx([2, 0, 3]);
    return [
      (x) => [
        F.crossEntropy(x, t),
        F.crossEntropy(x, t, { reduction: 'sum' }),
        F.crossEntropy(x, t, { reduction: 'none' }),
      ],
      [rn(g, 3, 4)],
    ];
  });
  check('F.crossEntropy: label smoothing 0.1', (g) => [
    (x) => F.crossEntropy(x, idx([1, 1, 0]), { labelSmoothing: 0.1 }),
    [rn(g, 3, 4)],
  ]);
  check('F.crossEntropy: probability targets, with respect to logits and targets', (g) => [
    (x, p) => F.crossEntropy(x, p!),
    [rn(g, 3, 4), un(g, 0, 1, 3, 4)],
  ]);
  check('F.normalize: dim −1 and dim 0', (g) => [(x) => [F.normalize(x), F.normalize(x, 0)], [rn(g, 3, 4)]]);
  check('F.cosineSimilarity: dim 1 and dim 0', (g) => [
    (a, b) => [F.cosineSimilarity(a, b!), F.cosineSimilarity(a, b!, 0)],
    [rn(g, 3, 4), rn(g, 3, 4)],
  ]);
  check('F.cdist: p = 2 (distinct rows)', (g) => [(a, b) => F.cdist(a, b!), [rn(g, 3, 4), rn(g, 2, 4)]]);
  check('F.cdist: p = 1, batched', (g) => [(a, b) => F.cdist(a, b!, 1), [rn(g, 2, 3, 2), rn(g, 2, 2, 2)]]);
  check("F.mseLoss: 'mean', 'sum', 'none', with respect to both", (g) => [
    (a, b) => [F.mseLoss(a, b!), F.mseLoss(a, b!, 'sum'), F.mseLoss(a, b!, 'none')],
    [rn(g, 2, 3), rn(g, 2, 3)],
  ]);
  check('F.dropout: a fixed mask (generator reseeded per call) scales kept entries by 1/(1−p)', (g) => [
    (x) => F.dropout(x, 0.4, true, new Generator(99)),
    [rn(g, 10)],
  ]);
});

describe('views, indexing and joining', () => {
  check('reshape and view', (g) => [(a) => [a.reshape(3, 4), a.view(2, 6), a.reshape(-1)], [rn(g, 2, 3, 2)]]);
  check('permute and transpose', (g) => [(a) => [a.permute(2, 0, 1), a.transpose(0, 2)], [rn(g, 2, 3, 2)]]);
  check('narrow, slice (step 2, negative start) and select', (g) => [
    (a) => [a.narrow(1, 1, 2), a.slice(1, -3, undefined, 2), a.slice(0, 1), a.select(1, -1)],
    [rn(g, 2, 4)],
  ]);
  check('indexSelect: repeated indices accumulate', (g) => [(a) => a.indexSelect(1, idx([2, 0, 2, 2])), [rn(g, 2, 3)]]);
  check('gather: repeated indices accumulate', (g) => [
    (a) => a.gather(1, idx([0, 0, 2, 1, 1, 1], [2, 3])),
    [rn(g, 2, 3)],
  ]);
  check('scatter (src): with respect to self and src', (g) => [
    (a, s) => a.scatter(1, idx([2, 0, 1, 2], [2, 2]), s!),
    [rn(g, 2, 3), rn(g, 2, 2)],
  ]);
  check('scatter (value)', (g) => [(a) => a.scatter(0, idx([1, 0, 1], [1, 3]), 0.5), [rn(g, 2, 3)]]);
  check('scatterAdd: repeated indices, with respect to self and src', (g) => [
    (a, s) => a.scatterAdd(1, idx([0, 0, 2, 1, 1, 1], [2, 3]), s!),
    [rn(g, 2, 3), rn(g, 2, 3)],
  ]);
  check('maskedFill and maskedSelect', (g) => {
    const mask = tensor([true, false, false, true, true, false], [2, 3], 'bool');
    return [
      (a) => [a.maskedFill(mask, -1), a.maskedSelect(mask), a.maskedSelect(tensor([false, true, true], [3], 'bool'))],
      [rn(g, 2, 3)],
    ];
  });
  check('cat: three inputs along dim 1; stack along dims 0 and −1', (g) => [
    (a, b, c) => [cat([a, b!, c!], 1), stack([a, c!], 0), stack([a, c!], -1)],
    [rn(g, 2, 2), rn(g, 2, 1), rn(g, 2, 2)],
  ]);
  check('split (size and sizes), chunk and unbind', (g) => [
    (a) => [...a.split(2, 1), ...a.split([1, 2], 0), ...a.chunk(2, 1), ...a.unbind(0)],
    [rn(g, 3, 5)],
  ]);
  check('unsqueeze, squeeze (all and one dim)', (g) => [
    (a) => [a.unsqueeze(1), a.squeeze(), a.squeeze(0)],
    [rn(g, 1, 3, 1)],
  ]);
  check('expand and expandAs (broadcast gradients sum)', (g) => [
    (a, b) => [a.expand(2, 3, 2).mul(b!.unsqueeze(2)), a.expandAs(b!.unsqueeze(2).expand(2, 3, 2))],
    [rn(g, 3, 1), rn(g, 2, 3)],
  ]);
  check('repeat', (g) => [(a) => a.repeat(2, 1, 3), [rn(g, 2, 2)]]);
  check('repeatInterleave: integer repeats (flat and along a dim) and per-element repeats', (g) => [
    (a) => [a.repeatInterleave(2), a.repeatInterleave(3, 1), a.repeatInterleave(idx([1, 0, 2]), 1)],
    [rn(g, 2, 3)],
  ]);
  check('flatten: whole and a dim range', (g) => [(a) => [a.flatten(), a.flatten(1, 2)], [rn(g, 2, 2, 3)]]);
  check('flip and roll', (g) => [(a) => [a.flip(0, 1), a.roll(1, 1), a.roll([1, -1], [0, 1])], [rn(g, 2, 3)]]);
  check('tril, triu, diag (both ways) and diagonal with an offset', (g) => [
    (a, v) => [a.tril(), a.triu(1), a.diag(), v!.diag(), a.diagonal(1)],
    [rn(g, 3, 3), rn(g, 3)],
  ]);
  check('index: one index tensor with repeats, and a pair of index tensors', (g) => [
    (a) => [a.index([idx([1, 0, 1])]), a.index([idx([0, 1, 1]), idx([2, 2, 0])])],
    [rn(g, 2, 3)],
  ]);
  check('index: a whole leading dimension (undefined) then an index tensor', (g) => [
    (a) => a.index([undefined, idx([2, 0, 2])]),
    [rn(g, 2, 3)],
  ]);
  check('clone, contiguous, to(float64) and meshgrid', (g) => [
    (a, b) => [a.clone(), a.T.contiguous(), a.to('float64'), ...meshgrid([a.flatten(), b!])],
    [rn(g, 2, 2), rn(g, 3)],
  ]);
});

describe('second derivatives (double backward) of ops used in gradient penalties and higher-order checks', () => {
  const cases: [string, (g: Generator) => [GradFn, Tensor[]]][] = [
    [
      'mul, div, exp, log',
      (g) => [(a, b) => a.mul(b!).div(b!.exp().add(1)).add(a.exp().log1p()), [rn(g, 3), rn(g, 3)]],
    ],
    ['tanh, sigmoid, softplus, gelu', (g) => [(a) => [a.tanh(), a.sigmoid(), a.softplus(), a.gelu()], [rn(g, 4)]]],
    ['matmul and logsumexp', (g) => [(a, b) => a.matmul(b!).logsumexp(1), [rn(g, 2, 3), rn(g, 3, 4)]]],
    ['F.normalize and F.logSoftmax', (g) => [(a) => [F.normalize(a), F.logSoftmax(a, 1)], [rn(g, 2, 3)]]],
  ];
  for (const [name, make] of cases) {
    const s = seedOf(name);
    test(name, () => {
      scope(() => {
        const [fn, inputs] = make(new Generator(s));
        gradgradcheck(fn, inputs);
      });
    });
  }
});
