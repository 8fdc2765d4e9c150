import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, scope, tensor } from '../../src/torch/index.js';
import { IdentityProcess } from '../../src/processes/index.js';
import { maxAbsDiff, sphere } from './helpers.js';

test('identity: x = z exactly, in float32 and float64, for any latent dimension', () => {
  scope(() => {
    const gen = new Generator(0);
    for (const dtype of ['float32', 'float64'] as const) {
      const z = sphere(50, gen, dtype);
      const g = new IdentityProcess();
      assert.equal(g.name, 'identity');
      assert.deepEqual([g.inDim, g.outDim], [3, 3]);
      const x = g.apply(z);
      assert.deepEqual(x.shape, [50, 3]);
      assert.equal(x.dtype, dtype);
      assert.equal(maxAbsDiff(x, z), 0);
      assert.equal(maxAbsDiff(g.inverse(x), z), 0);
    }
    const g10 = new IdentityProcess({ dim: 10 });
    const z10 = sphere(4, gen, 'float64', 10);
    assert.equal(maxAbsDiff(g10.apply(z10), z10), 0);
  });
});

test('identity: disposing the output leaves the input intact; gradient is all ones', () => {
  scope(() => {
    const z = tensor([[1, 2, 3]], undefined, 'float64').requiresGrad_();
    const g = new IdentityProcess();
    g.apply(z).dispose();
    assert.deepEqual(z.toArray(), [1, 2, 3]);
    g.apply(z).sum().backward();
    assert.deepEqual(z.grad?.toArray(), [1, 1, 1]);
  });
});

test('identity: wrong dimensions give clear errors', () => {
  assert.throws(() => new IdentityProcess({ dim: 0 }), {
    name: 'RangeError',
    message: 'identity: dim must be an integer ≥ 1, got 0',
  });
  scope(() => {
    assert.throws(() => new IdentityProcess().apply(sphere(2, new Generator(0), 'float32', 4)), {
      name: 'RangeError',
      message: 'identity: expects z of shape [n, 3] (inDim 3), got [2, 4]',
    });
    assert.throws(() => new IdentityProcess().apply(tensor([[1, 2, 3]], undefined, 'int64')), {
      name: 'TypeError',
      message: 'identity: z must be float32 or float64, got int64',
    });
  });
});
