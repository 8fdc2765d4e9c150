// float32 matrix products on the oneDNN path (native/src/gemm.cc) equal the float64 products for
// every layout the path accepts, and everything it does not accept falls back to libtorch's own
// kernel with PyTorch's behaviour and messages.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  Generator,
  Tensor,
  addmm,
  callOp,
  engineInfo,
  full,
  getGemmBackend,
  grad,
  randn,
  scope,
  setGemmBackend,
  tensor,
  zeros,
} from '../../src/torch/index.js';

const engine = fileURLToPath(new URL('../../src/torch/index.js', import.meta.url));

/** max |x − ref| / max(1, max |ref|), both compared in float64. */
function relErr(x: Tensor, ref: Tensor): number {
  assert.deepEqual(x.shape, ref.shape);
  if (ref.numel === 0) return 0;
  const r = ref.double();
  return x.double().sub(r).abs().max().item() / Math.max(1, r.abs().max().item());
}

const TOL = 2e-6; // float32 rounding of sums of ~100 products of N(0,1) values, relative to the largest entry

describe('GEMM backend', () => {
  test('engineInfo names the backend; Debian libtorch loads oneDNN, so it is onednn', () => {
    assert.equal(engineInfo().gemm, 'onednn');
  });

  test('setGemmBackend switches at run time; both backends agree to float32 rounding', () =>
    scope(() => {
      const gen = new Generator(4);
      const [a, b] = [randn([200, 64], gen), randn([64, 96], gen)];
      const ref = a.double().matmul(b.double());
      try {
        setGemmBackend('openblas');
        assert.equal(getGemmBackend(), 'openblas');
        assert.ok(relErr(a.matmul(b), ref) < TOL);
        setGemmBackend('onednn');
        assert.equal(engineInfo().gemm, 'onednn');
        assert.ok(relErr(a.matmul(b), ref) < TOL);
        assert.throws(() => setGemmBackend('mkl' as never), /backend must be one of onednn, openblas, got mkl/);
      } finally {
        setGemmBackend('onednn');
      }
    }));

  test("CLAB_GEMM=openblas keeps libtorch's kernels; an unknown value is a clear error at load", () => {
    const script = `import(${JSON.stringify(engine)}).then((m) => console.log(m.engineInfo().gemm))`;
    const run = (value: string) =>
      spawnSync(process.execPath, ['-e', script], { env: { ...process.env, CLAB_GEMM: value }, encoding: 'utf8' });
    const ok = run('openblas');
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), 'openblas');
    const bad = run('mkl');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /CLAB_GEMM must be 'onednn' or 'openblas', got 'mkl'/);
  });
});

describe('mm and addmm (float32) equal the float64 products', () => {
  const gen = new Generator(21);
  // Operands in every layout sgemm can take: row-major, transposed views, row slices with a
  // larger leading dimension, and degenerate 1-row / 1-column matrices.
  const layouts: Record<string, (m: number, k: number) => Tensor> = {
    contiguous: (m, k) => randn([m, k], gen),
    transposed: (m, k) => randn([k, m], gen).T,
    'column slice (ld > cols)': (m, k) => randn([m, k + 7], gen).narrow(1, 3, k),
    'transposed slice': (m, k) => randn([k, m + 5], gen).narrow(1, 2, m).T,
    'every other row': (m, k) =>
      randn([2 * m, k], gen)
        .reshape(m, 2 * k)
        .narrow(1, 0, k),
    // Column stride 2: neither row-major nor transposed, so the product falls back to libtorch.
    'every other column (falls back)': (m, k) =>
      callOp('aten::slice.Tensor', randn([m, 2 * k], gen), 1, 0, 2 * k, 2) as Tensor,
  };
  const shapes: [number, number, number][] = [
    [37, 19, 23],
    [1, 19, 23],
    [37, 1, 23],
    [37, 19, 1],
    [300, 64, 128],
  ];
  for (const [la, makeA] of Object.entries(layouts))
    for (const [lb, makeB] of Object.entries(layouts))
      test(`A ${la} × B ${lb}`, () =>
        scope(() => {
          for (const [m, k, n] of shapes) {
            const a = makeA(m, k);
            const b = makeB(k, n);
            const ref = a.double().matmul(b.double());
            assert.ok(relErr(a.matmul(b), ref) < TOL, `mm [${m},${k}]@[${k},${n}]`);
            const bias = randn([n], gen);
            const r = addmm(bias, a, b, 0.5, 2);
            assert.ok(relErr(r, ref.mul(2).add(bias.double().mul(0.5))) < TOL, `addmm [${m},${k}]@[${k},${n}]`);
          }
        }));

  test('addmm broadcasts self of shape [n], [1, n], [m, 1], [] and [m, n]', () =>
    scope(() => {
      const [a, b] = [randn([40, 16], gen), randn([16, 24], gen)];
      const ref = a.double().matmul(b.double());
      for (const self of [
        randn([24], gen),
        randn([1, 24], gen),
        randn([40, 1], gen),
        tensor(1.5),
        randn([40, 24], gen),
      ])
        assert.ok(relErr(addmm(self, a, b), ref.add(self.double())) < TOL, `self [${self.shape}]`);
    }));

  test('beta = 0 ignores self (NaN does not propagate), as in PyTorch', () =>
    scope(() => {
      const [a, b] = [randn([8, 5], gen), randn([5, 6], gen)];
      const r = addmm(full([8, 6], Number.NaN), a, b, 0, 1);
      assert.ok(relErr(r, a.double().matmul(b.double())) < TOL);
    }));

  test('in-place addmm_ and the out= forms write where they should', () =>
    scope(() => {
      const [a, b] = [randn([30, 12], gen), randn([12, 20], gen)];
      const ref = a.double().matmul(b.double());
      const c = randn([30, 20], gen);
      const expected = c.double().mul(0.25).add(ref.mul(3));
      callOp('aten::addmm_', c, a, b, 0.25, 3);
      assert.ok(relErr(c, expected) < TOL, 'addmm_');
      // out= into a row slice of a wider buffer (leading dimension 25).
      const wide = zeros([30, 25]);
      const view = wide.narrow(1, 5, 20);
      callOp('aten::mm.out', a, b, view);
      assert.ok(relErr(view, ref) < TOL, 'mm.out into a view');
      assert.equal(wide.narrow(1, 0, 5).abs().sum().item(), 0, 'columns outside the view untouched');
      // An empty out= is resized (libtorch's kernel).
      const small = zeros([0]);
      callOp('aten::mm.out', a, b, small);
      assert.deepEqual(small.shape, [30, 20]);
      assert.ok(relErr(small, ref) < TOL, 'mm.out resized');
      const out = zeros([30, 20]);
      const bias = randn([20], gen);
      callOp('aten::addmm.out', bias, a, b, 1, 1, out);
      assert.ok(relErr(out, ref.add(bias.double())) < TOL, 'addmm.out');
    }));

  test('other dtypes, empty sizes and bad shapes go to libtorch (its results and its messages)', () =>
    scope(() => {
      const a64 = randn([9, 4], gen, 'float64');
      const b64 = randn([4, 3], gen, 'float64');
      // float64 stays on libtorch's kernel: checked against the products summed element-wise.
      const bySum = a64.unsqueeze(2).mul(b64.unsqueeze(0)).sum(1);
      assert.equal(a64.matmul(b64).dtype, 'float64');
      assert.ok(relErr(a64.matmul(b64), bySum) < 1e-14);
      assert.deepEqual(
        randn([5, 0], gen)
          .matmul(randn([0, 4], gen))
          .toArray(),
        new Array(20).fill(0),
      );
      assert.deepEqual(randn([0, 3], gen).matmul(randn([3, 4], gen)).shape, [0, 4]);
      assert.throws(
        () => randn([3, 4], gen).matmul(randn([5, 2], gen)),
        /mat1 and mat2 shapes cannot be multiplied \(3x4 and 5x2\)/,
      );
      assert.throws(
        () => randn([3, 4], gen).matmul(b64.T.contiguous().T.reshape(4, 3)),
        /expected (scalar type|mat1 and mat2 to have the same dtype)/i,
      );
    }));

  test('gradients through linear layers equal the float64 gradients', () =>
    scope(() => {
      const x = randn([64, 32], gen).requiresGrad_();
      const w = randn([16, 32], gen).requiresGrad_();
      const b = randn([16], gen).requiresGrad_();
      const y = addmm(b, x, w.T).relu().pow(2).sum();
      const [gx, gw, gb] = grad(y, [x, w, b]);
      const [x2, w2, b2] = [x, w, b].map((t) => t.detach().double().requiresGrad_()) as [Tensor, Tensor, Tensor];
      const [rx, rw, rb] = grad(addmm(b2, x2, w2.T).relu().pow(2).sum(), [x2, w2, b2]);
      assert.ok(relErr(gx!, rx!) < 1e-5);
      assert.ok(relErr(gw!, rw!) < 1e-5);
      assert.ok(relErr(gb!, rb!) < 1e-5);
    }));
});
