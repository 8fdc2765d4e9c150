// The fused kernels equal the unfused compositions they replace, in values and gradients (issue 5).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  F,
  Generator,
  Tensor,
  cat,
  grad,
  infoNCELogSumExp,
  linearReluBatchNorm,
  memoryStats,
  noGrad,
  randn,
  resetPeakMemory,
  scope,
  tensor,
} from '../../src/torch/index.js';
import { infoNCE } from '../../src/losses/index.js';

/** The dense composition: logsumexp over [a_i·p_i, a_i·n_1, …, a_i·n_M] / τ. */
function denseLse(a: Tensor, p: Tensor, n: Tensor, tau: number): Tensor {
  return cat([a.mul(p).sum(1, true), a.matmul(n.T)], 1)
    .div(tau)
    .logsumexp(1);
}

function maxAbsDiff(x: Tensor, y: Tensor): number {
  assert.deepEqual(x.shape, y.shape);
  return x.numel === 0 ? 0 : x.sub(y).abs().max().item();
}

function leaves(gen: Generator, shapes: number[][], dtype: 'float32' | 'float64' = 'float64'): Tensor[] {
  return shapes.map((s) =>
    F.normalize(randn(s, gen, dtype), 1)
      .mul(1.7)
      .detach()
      .requiresGrad_(),
  );
}

/** Values and gradients of sum(w·lse) for both implementations; w = undefined means plain mean. */
function compare(a: Tensor, p: Tensor, n: Tensor, tau: number, w: Tensor | undefined, chunkBytes?: number) {
  const reduce = (lse: Tensor): Tensor => (w === undefined ? lse.mean() : lse.mul(w).sum());
  const fused = infoNCELogSumExp(a, p, n, tau, { chunkBytes });
  const dense = denseLse(a, p, n, tau);
  const inputs = [a, p, n].filter((t) => t.requiresGrad);
  const gf = grad(reduce(fused), inputs);
  const gd = grad(reduce(dense), inputs);
  return {
    value: maxAbsDiff(fused, dense),
    grads: gf.map((g, i) => maxAbsDiff(g!, gd[i]!)),
    scale: Math.max(0, ...gd.map((g) => (g!.numel === 0 ? 0 : g!.abs().max().item()))),
  };
}

describe('infoNCELogSumExp (fused, chunked)', () => {
  const cases: { name: string; B: number; M: number; d: number; chunkBytes?: number }[] = [
    { name: 'one block', B: 37, M: 23, d: 5 },
    { name: 'several blocks, last one partial (128-row minimum)', B: 300, M: 40, d: 7, chunkBytes: 1 },
    { name: 'blocks from chunkBytes (3 rows of 64 doubles → 128 rows)', B: 290, M: 64, d: 3, chunkBytes: 3 * 64 * 8 },
    { name: 'one anchor', B: 1, M: 9, d: 4 },
    { name: 'one negative', B: 12, M: 1, d: 4 },
    { name: 'no negatives (lse = the positive logit)', B: 6, M: 0, d: 3 },
  ];
  for (const c of cases) {
    test(`${c.name}: B=${c.B}, M=${c.M}, d=${c.d} — values and gradients equal the dense composition (float64)`, () =>
      scope(() => {
        const gen = new Generator(11);
        const [a, p, n] = leaves(gen, [
          [c.B, c.d],
          [c.B, c.d],
          [c.M, c.d],
        ]) as [Tensor, Tensor, Tensor];
        // Uniform upstream gradient (mean): the gradients computed during forward, rescaled.
        const uniform = compare(a, p, n, 0.3, undefined, c.chunkBytes);
        assert.ok(uniform.value < 1e-12, `values differ by ${uniform.value}`);
        for (const d of uniform.grads)
          assert.ok(d < 1e-12 * Math.max(1, uniform.scale), `mean: gradients differ by ${d}`);
        // Any other upstream gradient: blocks recomputed in backward.
        const w = randn([c.B], gen, 'float64');
        const weighted = compare(a, p, n, 0.3, w, c.chunkBytes);
        for (const d of weighted.grads)
          assert.ok(d < 1e-12 * Math.max(1, weighted.scale), `weighted: gradients differ by ${d}`);
      }));
  }

  test('float32 agrees with the dense float32 composition to rounding', () =>
    scope(() => {
      const gen = new Generator(3);
      const [a, p, n] = leaves(
        gen,
        [
          [500, 16],
          [500, 16],
          [700, 16],
        ],
        'float32',
      ) as [Tensor, Tensor, Tensor];
      const r = compare(a, p, n, 0.1, undefined, 4096);
      assert.ok(r.value < 1e-5, `values differ by ${r.value}`);
      for (const d of r.grads) assert.ok(d < 1e-5 * r.scale, `gradients differ by ${d} (scale ${r.scale})`);
    }));

  test('negatives may be the positives tensor itself (gradients of both uses add up)', () =>
    scope(() => {
      const gen = new Generator(5);
      const [u, v] = leaves(gen, [
        [150, 6],
        [150, 6],
      ]) as [Tensor, Tensor];
      const [fu, fv] = grad(infoNCELogSumExp(u, v, v, 0.5, { chunkBytes: 1 }).mean(), [u, v]);
      const [du, dv] = grad(denseLse(u, v, v, 0.5).mean(), [u, v]);
      assert.ok(maxAbsDiff(fu!, du!) < 1e-12);
      assert.ok(maxAbsDiff(fv!, dv!) < 1e-12);
    }));

  test('only the inputs that require gradients get them; without grad mode nothing is recorded', () =>
    scope(() => {
      const gen = new Generator(8);
      const a = F.normalize(randn([20, 4], gen, 'float64'), 1).requiresGrad_();
      const [p, n] = [randn([20, 4], gen, 'float64'), randn([30, 4], gen, 'float64')];
      const [ga] = grad(infoNCELogSumExp(a, p, n, 0.3).sum(), [a]);
      const [gd] = grad(denseLse(a, p, n, 0.3).sum(), [a]);
      assert.ok(maxAbsDiff(ga!, gd!) < 1e-12);
      const lse = noGrad(() => infoNCELogSumExp(a, p, n, 0.3));
      assert.equal(lse.requiresGrad, false);
      assert.ok(maxAbsDiff(lse, denseLse(a, p, n, 0.3)) < 1e-12);
    }));

  test('the same inputs give bit-identical results (deterministic blocks)', () =>
    scope(() => {
      const gen = new Generator(2);
      const [a, p, n] = leaves(
        gen,
        [
          [300, 8],
          [300, 8],
          [500, 8],
        ],
        'float32',
      ) as [Tensor, Tensor, Tensor];
      const run = () => {
        const lse = infoNCELogSumExp(a, p, n, 0.3, { chunkBytes: 1 });
        return [lse, ...grad(lse.mean(), [a, p, n]).map((g) => g!)].map((t) => t.toArray());
      };
      assert.deepEqual(run(), run());
    }));

  test('never holds the B×M logits: peak tensor memory stays far below one dense matrix', () =>
    scope(() => {
      const gen = new Generator(4);
      const B = 4096;
      const d = 8;
      const [u, v] = leaves(
        gen,
        [
          [B, d],
          [B, d],
        ],
        'float32',
      ) as [Tensor, Tensor];
      const denseMatrixBytes = B * B * 4; // 64 MiB
      resetPeakMemory();
      const before = memoryStats().inUseBytes;
      const lse = infoNCELogSumExp(u, v, v, 0.3);
      const gs = grad(lse.mean(), [u, v]);
      const fusedPeak = memoryStats().peakInUseBytes - before;
      assert.equal(gs.length, 2);
      // Inputs' gradients and a few 128-row blocks (2 MiB each): a few MiB, not 64.
      assert.ok(fusedPeak < denseMatrixBytes / 8, `fused peak ${fusedPeak} bytes`);
      // The dense composition does hold several such matrices (the test can tell the difference).
      resetPeakMemory();
      const before2 = memoryStats().inUseBytes;
      grad(denseLse(u, v, v, 0.3).mean(), [u, v]);
      assert.ok(
        memoryStats().peakInUseBytes - before2 > denseMatrixBytes,
        'dense composition should exceed one B×B matrix',
      );
    }));

  test('bad inputs raise clear errors (never abort the process)', () =>
    scope(() => {
      const gen = new Generator(1);
      const a = randn([4, 3], gen);
      assert.throws(
        () => infoNCELogSumExp(a, randn([5, 3], gen), randn([6, 3], gen), 0.3),
        /same shape, got \[4, 3\] and \[5, 3\]/,
      );
      assert.throws(() => infoNCELogSumExp(a, a, randn([6, 2], gen), 0.3), /embedding size of the anchors \(3\)/);
      assert.throws(() => infoNCELogSumExp(a, a, randn([6, 3], gen, 'float64'), 0.3), /one dtype/);
      assert.throws(() => infoNCELogSumExp(randn([4], gen), a, a, 0.3), /must be 2-D/);
      const i = tensor([[1, 2, 3]], undefined, 'int64');
      assert.throws(() => infoNCELogSumExp(i, i, i, 0.3), /only float32 and float64/);
      assert.throws(() => infoNCELogSumExp(a, a, a, 0), /tau must be a finite number > 0/);
      assert.throws(() => infoNCELogSumExp(a, a, a, 0.3, { chunkBytes: 0 }), /chunkBytes must be a number >= 1/);
      const x = a.detach().requiresGrad_();
      const lse = infoNCELogSumExp(x, x, x, 0.3);
      assert.throws(() => grad(lse.sum(), [x], { createGraph: true }), /gradients of gradients are not supported/);
    }));
});

describe('infoNCE impl', () => {
  test("'fused' (the default for shared negatives) and 'dense' give the same loss, parts and gradients", () =>
    scope(() => {
      const gen = new Generator(9);
      const [a, p, n] = leaves(gen, [
        [200, 5],
        [200, 5],
        [260, 5],
      ]) as [Tensor, Tensor, Tensor];
      const outs = (['auto', 'fused', 'dense'] as const).map((impl) =>
        infoNCE({ tau: 0.3, impl, chunkBytes: 1 })({ anchors: a, positives: p, negatives: n }),
      );
      const gradsOf = (o: (typeof outs)[number]) => grad(o.loss, [a, p, n]).map((g) => g!);
      const ref = outs[2]!;
      const refGrads = gradsOf(ref);
      for (const o of outs.slice(0, 2)) {
        assert.ok(Math.abs(o.loss.item() - ref.loss.item()) < 1e-12);
        assert.ok(maxAbsDiff(o.perAnchor, ref.perAnchor) < 1e-12);
        for (const k of ['alignment', 'uniformity'])
          assert.ok(Math.abs(o.parts[k]!.item() - ref.parts[k]!.item()) < 1e-12, k);
        gradsOf(o).forEach((g, i) => assert.ok(maxAbsDiff(g, refGrads[i]!) < 1e-12));
      }
    }));

  test('an unknown impl names the allowed values', () => {
    assert.throws(
      () => infoNCE({ tau: 0.3, impl: 'fast' as never }),
      /impl must be one of auto, fused, dense, got fast/,
    );
  });
});

describe('linearReluBatchNorm (fused Linear → ReLU → BatchNorm, training)', () => {
  type Args = { x: Tensor; w: Tensor; b?: Tensor; g?: Tensor; be?: Tensor };
  const unfused = (a: Args): Tensor =>
    F.batchNorm(F.linear(a.x, a.w, a.b).relu(), undefined, undefined, {
      weight: a.g,
      bias: a.be,
      training: true,
      momentum: 0.1,
      eps: 1e-5,
    });
  const asDouble = (a: Args): Args => {
    const d = (t: Tensor | undefined) => t?.detach().double().requiresGrad_();
    return { x: d(a.x)!, w: d(a.w)!, b: d(a.b), g: d(a.g), be: d(a.be) };
  };
  const inputsOf = (a: Args): Tensor[] => [a.x, a.w, a.b, a.g, a.be].filter((t): t is Tensor => t !== undefined);
  const errTo = (x: Tensor, ref: Tensor): number =>
    x.double().sub(ref).abs().max().item() / Math.max(1e-3, ref.abs().max().item());

  const shapes: { name: string; N: number; I: number; C: number; bias: boolean; affine: boolean }[] = [
    { name: 'Paper A block', N: 600, I: 128, C: 256, bias: true, affine: true },
    { name: 'rows not a multiple of the 64-row blocks, odd widths', N: 130, I: 7, C: 37, bias: true, affine: true },
    { name: 'three rows', N: 3, I: 3, C: 5, bias: true, affine: true },
    { name: 'one output column', N: 50, I: 4, C: 1, bias: true, affine: true },
    { name: 'no bias', N: 90, I: 6, C: 20, bias: false, affine: true },
    { name: 'no affine', N: 90, I: 6, C: 20, bias: true, affine: false },
  ];
  for (const c of shapes) {
    test(`${c.name} (N=${c.N}, ${c.I}→${c.C}): as close to the float64 result as the unfused float32 layers, in values, statistics and gradients`, () =>
      scope(() => {
        const gen = new Generator(31);
        const a: Args = {
          x: randn([c.N, c.I], gen).requiresGrad_(),
          w: randn([c.C, c.I], gen)
            .mul(1 / Math.sqrt(c.I))
            .detach()
            .requiresGrad_(),
          b: c.bias ? randn([c.C], gen).mul(0.3).detach().requiresGrad_() : undefined,
          g: c.affine ? randn([c.C], gen).mul(0.5).add(1).detach().requiresGrad_() : undefined,
          be: c.affine ? randn([c.C], gen).mul(0.5).detach().requiresGrad_() : undefined,
        };
        const dy = randn([c.N, c.C], gen);
        const d = asDouble(a);
        const ref = unfused(d);
        const refGrads = grad(ref, inputsOf(d), { gradOutputs: [dy.double()] });
        const fused = linearReluBatchNorm(a.x, a.w, a.b, a.g, a.be, 1e-5);
        const plain = unfused(a);
        const fusedGrads = grad(fused.out, inputsOf(a), { gradOutputs: [dy] });
        const plainGrads = grad(plain, inputsOf(a), { gradOutputs: [dy] });
        // Allow three times the unfused layers' own float32 error, at least 2e-6 relative.
        const close = (fusedErr: number, plainErr: number, what: string) =>
          assert.ok(
            fusedErr <= Math.max(3 * plainErr, 2e-6),
            `${what}: fused error ${fusedErr.toExponential(2)} vs unfused ${plainErr.toExponential(2)}`,
          );
        close(errTo(fused.out, ref), errTo(plain, ref), 'output');
        fusedGrads.forEach((g, i) =>
          close(errTo(g!, refGrads[i]!), errTo(plainGrads[i]!, refGrads[i]!), `gradient ${i}`),
        );
        // The returned statistics are the batch mean and biased variance of relu(x·Wᵀ + b).
        const r = F.linear(d.x, d.w, d.b).relu();
        const mean = r.mean(0);
        assert.ok(errTo(fused.mean, mean) < 1e-6, 'mean');
        assert.ok(errTo(fused.variance, r.sub(mean).pow(2).mean(0)) < 1e-5, 'variance');
        assert.equal(fused.mean.requiresGrad, false);
      }));
  }

  test('bad inputs raise clear errors', () =>
    scope(() => {
      const gen = new Generator(2);
      const [x, w, v] = [randn([8, 4], gen), randn([6, 4], gen), randn([6], gen)];
      assert.throws(
        () => linearReluBatchNorm(x, randn([6, 5], gen), v, v, v),
        /input has 4 features but weight expects 5/,
      );
      assert.throws(() => linearReluBatchNorm(randn([1, 4], gen), w, v, v, v), /expected more than 1 row/);
      assert.throws(() => linearReluBatchNorm(x.double(), w, v, v, v), /only float32 CPU tensors/);
      assert.throws(() => linearReluBatchNorm(x, w, randn([5], gen), v, v), /must have shape \[6\], got \[5\]/);
      assert.throws(() => linearReluBatchNorm(x, w, v, v, undefined), /gamma and beta come together/);
      const xg = x.detach().requiresGrad_();
      const { out } = linearReluBatchNorm(xg, w, v, v, v);
      assert.throws(() => grad(out.sum(), [xg], { createGraph: true }), /gradients of gradients are not supported/);
    }));
});
