import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, scope } from '../../src/torch/index.js';
import { loadMnist, MNIST_SIZE } from '../../src/data/mnist.js';

test('loadMnist: shapes, value and label ranges, disjoint split, all ten digits', () => {
  scope(() => {
    const { train, test: held } = loadMnist({ train: 500, test: 200, gen: new Generator(0) });
    assert.deepEqual(train.images.shape, [500, 1, 28, 28]);
    assert.deepEqual(held.images.shape, [200, 1, 28, 28]);
    assert.equal(train.images.dtype, 'float32');
    assert.equal(train.labels.dtype, 'int64');
    assert.deepEqual(train.labels.shape, [500]);
    assert.deepEqual(train.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const s of [train, held]) {
      assert.ok(s.images.min().item() >= 0 && s.images.max().item() <= 1);
      assert.ok(s.images.max().item() > 0.9);
      assert.ok(s.labels.min().item() >= 0 && s.labels.max().item() <= 9);
    }
    assert.equal(new Set(train.labels.toArray()).size, 10);
    // Disjoint: no test image equals a training image (real digits are distinct).
    const d = train.images.flatten(1).unsqueeze(0).sub(held.images.flatten(1).unsqueeze(1)).abs().sum(2).min();
    assert.ok(d.item() > 0);
  });
});

test('loadMnist is deterministic given the generator and differs across seeds', () => {
  scope(() => {
    const a = loadMnist({ train: 100, test: 50, gen: new Generator(3) });
    const b = loadMnist({ train: 100, test: 50, gen: new Generator(3) });
    const c = loadMnist({ train: 100, test: 50, gen: new Generator(4) });
    assert.equal(a.train.images.sub(b.train.images).abs().max().item(), 0);
    assert.deepEqual(a.test.labels.toArray(), b.test.labels.toArray());
    assert.ok(a.train.images.sub(c.train.images).abs().max().item() > 0);
    assert.throws(
      () => loadMnist({ train: 9000, test: 2000, gen: new Generator(0) }),
      /train \+ test = 11000 exceeds the 10000 digits/,
    );
    assert.equal(MNIST_SIZE, 10_000);
    const all = loadMnist({ train: 10_000, test: 0, gen: new Generator(0) });
    assert.deepEqual(all.train.images.shape, [10_000, 1, 28, 28]);
  });
});
