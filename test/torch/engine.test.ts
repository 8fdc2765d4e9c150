import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tensor,
  zeros,
  ones,
  full,
  arange,
  linspace,
  eye,
  randn,
  rand,
  randint,
  cat,
  stack,
  where,
  Generator,
  manualSeed,
  scope,
  keep,
  liveTensors,
  noGrad,
  grad,
  getNumThreads,
  engineInfo,
  F,
  linalg,
  Tensor,
} from '../../src/torch/index.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `index ${i}: ${a[i]} vs ${b[i]}`);
};

test('creation: shapes, dtypes and values', () => {
  scope(() => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.toArray(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(zeros([2, 2], 'float64').toArray(), [0, 0, 0, 0]);
    assert.equal(zeros([2], 'float64').dtype, 'float64');
    assert.deepEqual(ones([3], 'int64').toArray(), [1, 1, 1]);
    assert.deepEqual(full([2], 7).toArray(), [7, 7]);
    assert.deepEqual(arange(4).toArray(), [0, 1, 2, 3]);
    assert.equal(arange(4).dtype, 'int64');
    close(linspace(0, 1, 5).toFloat64Array(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(eye(2).toArray(), [1, 0, 0, 1]);
    assert.deepEqual(tensor(new Float64Array([1, 2, 3, 4]), [2, 2]).shape, [2, 2]);
    assert.equal(tensor([1, 0], undefined, 'bool').dtype, 'bool');
    assert.throws(() => tensor([1, 2, 3], [2, 2]), /needs 4 elements, data has 3/);
    assert.throws(() => tensor([[1, 2], [3]]), /ragged/);
  });
});

test('elementwise, broadcasting and reductions match hand-computed values', () => {
  scope(() => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([10, 20]);
    assert.deepEqual(a.add(b).toArray(), [11, 22, 13, 24]);
    assert.deepEqual(a.mul(2).sub(1).toArray(), [1, 3, 5, 7]);
    assert.deepEqual(a.sum(1).toArray(), [3, 7]);
    assert.deepEqual(a.sum(0, true).shape, [1, 2]);
    assert.equal(a.mean().item(), 2.5);
    assert.equal(a.max().item(), 4);
    assert.deepEqual(a.argmax(1).toArray(), [1, 1]);
    close(
      a.logsumexp(1).toFloat64Array(),
      [Math.log(Math.exp(1) + Math.exp(2)), Math.log(Math.exp(3) + Math.exp(4))],
      1e-5,
    );
    close(a.var().toFloat64Array(), [5 / 3], 1e-6);
    assert.deepEqual(a.gt(2).toArray(), [0, 0, 1, 1]);
    assert.deepEqual(where(a.gt(2), a, 0).toArray(), [0, 0, 3, 4]);
    const [vals, idx] = tensor([3, 1, 2]).sort();
    assert.deepEqual(vals.toArray(), [1, 2, 3]);
    assert.deepEqual(idx.toArray(), [1, 2, 0]);
    assert.deepEqual(cat([a, a], 0).shape, [4, 2]);
    assert.deepEqual(stack([a, a], 0).shape, [2, 2, 2]);
    assert.deepEqual(a.slice(1, 1).toArray(), [2, 4]);
    assert.deepEqual(a.T.toArray(), [1, 3, 2, 4]);
  });
});

test('a libtorch shape mismatch becomes a catchable exception with its message', () => {
  scope(() => {
    const a = zeros([3, 4]);
    assert.throws(() => a.matmul(zeros([3, 4])), {
      message: /mat1 and mat2 shapes cannot be multiplied \(3x4 and 3x4\)/,
    });
    assert.throws(() => a.reshape(5, 5), { message: /shape '\[5, 5\]' is invalid for input of size 12/ });
    assert.throws(() => a.select(0, 7), {
      message: /select\(\): index 7 out of range for tensor of size \[3, 4\] at dimension 0/,
    });
    assert.throws(() => arange(3).indexSelect(0, tensor([5], undefined, 'int64')), /out of range|index/i);
  });
});

test('wrong JavaScript argument types raise a TypeError naming the argument', () => {
  scope(() => {
    const a = zeros([2]);
    assert.throws(() => a.matmul(3 as unknown as Tensor), {
      name: 'TypeError',
      message: /aten::matmul\(\): argument 'other' must be a Tensor, got number/,
    });
    assert.throws(() => a.narrow(0, 0.5, 1), { name: 'TypeError', message: /argument 'start' must be an integer/ });
    assert.throws(() => zeros([2], 'float16' as 'float32'), { name: 'TypeError', message: /unknown dtype 'float16'/ });
  });
});

test('using a disposed tensor raises a clear error; dispose is idempotent', () => {
  const t = zeros([2]);
  t.dispose();
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.throws(() => t.add(1), { message: 'Tensor was disposed and cannot be used' });
});

test('scope frees what it created except what it returns, also for async functions', async () => {
  const before = liveTensors();
  const kept = scope(() => {
    const a = ones([10]);
    const b = a.mul(3);
    return { result: b.add(1), list: [a.sum()] };
  });
  assert.equal(liveTensors(), before + 2);
  assert.deepEqual(kept.result.toArray().slice(0, 2), [4, 4]);
  kept.result.dispose();
  kept.list[0]!.dispose();
  assert.equal(liveTensors(), before);

  const r = await scope(async () => {
    const x = ones([3]);
    await new Promise((res) => setTimeout(res, 5));
    return x.add(x);
  });
  assert.deepEqual(r.toArray(), [2, 2, 2]);
  r.dispose();
  assert.equal(liveTensors(), before);

  assert.throws(
    () =>
      scope(() => {
        ones([2]);
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(liveTensors(), before);

  const outer = scope(() => {
    const kept2 = keep(scope(() => ones([1])));
    return kept2;
  });
  outer.dispose();
  assert.equal(liveTensors(), before);
});

test('generators: same seed gives the same stream, split is deterministic, state round-trips', () => {
  scope(() => {
    const a = randn([5], new Generator(7)).toArray();
    const b = randn([5], new Generator(7)).toArray();
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, randn([5], new Generator(8)).toArray());
    const [g1, g2] = new Generator(1).split(2);
    const [h1] = new Generator(1).split(2);
    assert.deepEqual(rand([3], g1).toArray(), rand([3], h1).toArray());
    assert.notDeepEqual(rand([3], g1!).toArray(), rand([3], g2!).toArray());
    const g = new Generator(3);
    const state = g.getState();
    const first = randint(0, 100, [4], g).toArray();
    g.setState(state);
    assert.deepEqual(randint(0, 100, [4], g).toArray(), first);
    // libtorch's stream is PyTorch's: torch.manual_seed(42); torch.randn(2) -> [0.3367, 0.1288]
    manualSeed(42);
    close(randn([2]).toFloat64Array(), [0.3367, 0.1288], 1e-4);
  });
});

test('autograd: backward, grad(), noGrad', () => {
  scope(() => {
    const x = tensor([1, 2, 3], undefined, 'float64').requiresGrad_();
    const y = x.mul(x).sum();
    y.backward();
    assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
    x.zeroGrad();
    assert.equal(x.grad, undefined);
    const [g] = grad(x.pow(3).sum(), x);
    assert.deepEqual(g!.toArray(), [3, 12, 27]);
    const z = noGrad(() => x.mul(2));
    assert.equal(z.requiresGrad, false);
    assert.equal(x.mul(2).requiresGrad, true);
  });
});

test('linear algebra and nn functions', () => {
  scope(() => {
    const a = tensor(
      [
        [4, 1],
        [1, 3],
      ],
      undefined,
      'float64',
    );
    const { U, S, Vh } = linalg.svd(a);
    close(U.matmul(S.diag()).matmul(Vh).toFloat64Array(), a.toFloat64Array(), 1e-10);
    const { eigenvalues } = linalg.eigh(a);
    close(eigenvalues.toFloat64Array(), [(7 - Math.sqrt(5)) / 2, (7 + Math.sqrt(5)) / 2], 1e-10);
    close(linalg.det(a).toFloat64Array(), [11], 1e-10);
    const xs = linalg.solve(a, tensor([[1], [2]], undefined, 'float64'));
    close(a.matmul(xs).toFloat64Array(), [1, 2], 1e-10);
    const n = F.normalize(tensor([[3, 4]]));
    close(n.toFloat64Array(), [0.6, 0.8]);
    const logits = tensor([[2, 0, 0]]);
    close(
      F.crossEntropy(logits, tensor([0], undefined, 'int64')).toFloat64Array(),
      [-Math.log(Math.exp(2) / (Math.exp(2) + 2))],
      1e-6,
    );
  });
});

test('threads default to the available cores and the engine reports its version', () => {
  assert.ok(getNumThreads() >= 1);
  assert.match(engineInfo().libtorch, /^\d+\.\d+\.\d+$/);
});

test('withNumThreads sets the thread count for fn and restores it on return, throw and async settle', async () => {
  const { withNumThreads, setNumThreads: set } = await import('../../src/torch/index.js');
  const before = getNumThreads();
  set(2);
  assert.equal(
    withNumThreads(1, () => getNumThreads()),
    1,
  );
  assert.equal(getNumThreads(), 2);
  assert.throws(
    () =>
      withNumThreads(1, () => {
        throw new Error('inside');
      }),
    /inside/,
  );
  assert.equal(getNumThreads(), 2);
  const seen = await withNumThreads(1, async () => {
    await new Promise((r) => setTimeout(r, 1));
    return getNumThreads();
  });
  assert.equal(seen, 1);
  assert.equal(getNumThreads(), 2);
  set(before);
});
