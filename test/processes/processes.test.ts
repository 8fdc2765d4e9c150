// Properties every process shares, checked for all kinds through createProcess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, liveTensors, scope } from '../../src/torch/index.js';
import { createProcess, PROCESS_KINDS, type Process, type ProcessSpec } from '../../src/processes/index.js';
import { maxAbsDiff, sphere } from './helpers.js';

const OUT_DIM: Record<string, number> = {
  identity: 3,
  linear: 7,
  spiral: 3,
  patches: 3,
  'invertible-mlp': 3,
  monomial: 21,
};

const all = (seed: number): Process[] =>
  PROCESS_KINDS.map((kind) => createProcess({ kind } as ProcessSpec, 3, new Generator(seed)));

test('every process: float32 and float64 in → same dtype out, shape [n, outDim], both dtypes agree', () => {
  scope(() => {
    const gen = new Generator(0);
    const z64 = sphere(64, gen, 'float64');
    const z32 = z64.to('float32');
    for (const g of all(1)) {
      assert.deepEqual([g.inDim, g.outDim], [3, OUT_DIM[g.name]], g.name);
      const x32 = g.apply(z32);
      const x64 = g.apply(z64);
      assert.equal(x32.dtype, 'float32', g.name);
      assert.equal(x64.dtype, 'float64', g.name);
      assert.deepEqual(x64.shape, [64, g.outDim], g.name);
      assert.ok(maxAbsDiff(x32, x64) < 1e-5, `${g.name}: float32 and float64 disagree`);
      // Leading batch dimensions pass through.
      assert.deepEqual(g.apply(z64.reshape(4, 16, 3)).shape, [4, 16, g.outDim], g.name);
      // Every process has an inverse on its image.
      assert.ok(g.inverse !== undefined && maxAbsDiff(g.inverse(x64), z64) < 1e-9, `${g.name}: inverse`);
    }
  });
});

test('every process: deterministic given the seed', () => {
  scope(() => {
    const z = sphere(32, new Generator(2), 'float64');
    const [a, b, c] = [all(5), all(5), all(6)];
    a.forEach((g, i) => {
      assert.deepEqual(g.apply(z).toArray(), b[i]!.apply(z).toArray(), g.name);
      const random = g.name === 'linear' || g.name === 'invertible-mlp';
      assert.equal(maxAbsDiff(g.apply(z), c[i]!.apply(z)) > 1e-6, random, `${g.name}: seed dependence`);
    });
  });
});

test('every process: gradients flow through apply to z', () => {
  scope(() => {
    for (const g of all(3)) {
      const z = sphere(16, new Generator(4), 'float32').requiresGrad_();
      g.apply(z).sum().backward();
      const grad = z.grad;
      assert.ok(grad !== undefined, `${g.name}: no gradient`);
      assert.deepEqual(grad.shape, [16, 3]);
      assert.equal(grad.isfinite().all().item(), 1, `${g.name}: non-finite gradient`);
      assert.ok(grad.abs().sum().item() > 0, `${g.name}: zero gradient`);
    }
  });
});

test('every process: parameters survive the scope that built them; apply leaks no tensors; dispose frees them', () => {
  const processes = scope(() => all(7));
  scope(() => {
    const z = sphere(8, new Generator(8), 'float64');
    for (const g of processes) g.apply(z); // parameters still alive after the construction scope closed
    const before = liveTensors();
    for (let i = 0; i < 20; i++) for (const g of processes) scope(() => g.inverse!(g.apply(z)).sum().item());
    assert.equal(liveTensors(), before);
  });
  const before = liveTensors();
  for (const g of processes) g.dispose?.();
  assert.ok(liveTensors() < before);
});

test('createProcess: S²-only processes reject other latent dimensions; unknown kinds list the valid ones', () => {
  const gen = new Generator(0);
  assert.throws(() => createProcess({ kind: 'spiral' }, 10, gen), {
    name: 'RangeError',
    message: 'spiral: defined on S² only (inDim 3), got inDim 10',
  });
  assert.throws(() => createProcess({ kind: 'patches', slices: 4 }, 2, gen), {
    name: 'RangeError',
    message: 'patches: defined on S² only (inDim 3), got inDim 2',
  });
  assert.throws(() => createProcess({ kind: 'castle' } as unknown as ProcessSpec, 3, gen), {
    name: 'RangeError',
    message:
      "createProcess: unknown process kind 'castle'; valid kinds: identity, linear, spiral, patches, invertible-mlp, monomial",
  });
  const g = createProcess({ kind: 'linear', outDim: 70, bias: 'zero' }, 10, gen);
  assert.deepEqual([g.name, g.inDim, g.outDim], ['linear', 10, 70]);
  const m = createProcess({ kind: 'monomial', degree: 7 }, 10, gen);
  assert.deepEqual([m.inDim, m.outDim], [10, 70]);
  g.dispose?.();
});
