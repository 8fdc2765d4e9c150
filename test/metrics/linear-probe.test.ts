import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, liveTensors, randint, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';
import { linearProbe } from '../../src/metrics/linear-probe.js';

/** Labels argmax(x·A + c) of a random linear map: linearly separable with C classes. */
function separable(n: number, d: number, C: number, A: Tensor, gen: Generator): { x: Tensor; y: Tensor } {
  return scope(() => {
    // Features on very different scales and offsets: the probe must standardise.
    const scales = tensor(Array.from({ length: d }, (_, j) => 10 ** ((j % 4) - 2)));
    const x = randn([n, d], gen).mul(scales).add(3);
    const y = x.sub(3).div(scales).matmul(A).argmax(1);
    return { x, y };
  });
}

test('linearProbe fits linearly separable data without margin (3 classes, badly scaled features): ≥ 99.5 % train, ≥ 96 % test', () => {
  scope(() => {
    const gen = new Generator(0);
    const A = randn([8, 3], gen);
    const train = separable(600, 8, 3, A, gen);
    const test = separable(300, 8, 3, A, gen);
    const res = linearProbe(train.x, train.y, test.x, test.y, { classes: 3, epochs: 500, lr: 0.1 });
    assert.ok(res.trainAccuracy >= 0.995, `train ${res.trainAccuracy}`);
    assert.ok(res.testAccuracy >= 0.96, `test ${res.testAccuracy}`);
    assert.deepEqual(res.weights.weight.shape, [3, 8]);
    assert.deepEqual(res.weights.bias.shape, [3]);
    // The returned map acts on raw features and reproduces the reported accuracy.
    const pred = test.x.matmul(res.weights.weight.T).add(res.weights.bias).argmax(1);
    const acc = pred.eq(test.y).to('float64').mean().item();
    assert.ok(Math.abs(acc - res.testAccuracy) < 1e-9, `${acc} vs ${res.testAccuracy}`);
  });
});

test('linearProbe is exactly 100 % on a margin-separated two-class problem', () => {
  scope(() => {
    const gen = new Generator(4);
    const make = (n: number): { x: Tensor; y: Tensor } =>
      scope(() => {
        const y = randint(0, 2, [n], gen);
        const x = randn([n, 5], gen).add(
          y
            .to('float32')
            .mul(2)
            .sub(1)
            .unsqueeze(1)
            .mul(tensor([4, 0, 0, 0, 0])),
        );
        return { x, y };
      });
    const [tr, te] = [make(400), make(400)];
    const res = linearProbe(tr.x, tr.y, te.x, te.y, { epochs: 200 });
    assert.equal(res.testAccuracy, 1);
    assert.equal(res.trainAccuracy, 1);
  });
});

test('linearProbe is at chance when the labels are independent of the features', () => {
  scope(() => {
    const gen = new Generator(1);
    const [xTr, xTe] = [randn([2000, 10], gen), randn([4000, 10], gen)];
    const [yTr, yTe] = [randint(0, 4, [2000], gen), randint(0, 4, [4000], gen)];
    const res = linearProbe(xTr, yTr, xTe, yTe, { classes: 4, epochs: 200, weightDecay: 1e-3 });
    assert.ok(Math.abs(res.testAccuracy - 0.25) < 0.03, `test ${res.testAccuracy}`);
  });
});

test('linearProbe is deterministic: full batch needs no seed; mini-batches repeat given the seed', () => {
  scope(() => {
    const gen = new Generator(2);
    const A = randn([6, 4], gen);
    const tr = separable(300, 6, 4, A, gen);
    const te = separable(100, 6, 4, A, gen);
    const a = linearProbe(tr.x, tr.y, te.x, te.y, { epochs: 50 });
    const b = linearProbe(tr.x, tr.y, te.x, te.y, { epochs: 50 });
    assert.deepEqual(a.weights.weight.toArray(), b.weights.weight.toArray());
    assert.equal(a.testAccuracy, b.testAccuracy);
    const opts = { epochs: 5, batchSize: 32, weightDecay: 1e-2 };
    const c = linearProbe(tr.x, tr.y, te.x, te.y, { ...opts, gen: new Generator(9) });
    const d = linearProbe(tr.x, tr.y, te.x, te.y, { ...opts, gen: new Generator(9) });
    const e = linearProbe(tr.x, tr.y, te.x, te.y, { ...opts, gen: new Generator(10) });
    assert.deepEqual(c.weights.weight.toArray(), d.weights.weight.toArray());
    assert.equal(c.trainLoss, d.trainLoss);
    assert.notDeepEqual(c.weights.weight.toArray(), e.weights.weight.toArray());
    assert.ok(c.testAccuracy > 0.8, `mini-batch test ${c.testAccuracy}`);
  });
});

test('linearProbe leaves no tensors behind but the returned weights', () => {
  const gen = new Generator(3);
  const [x, y] = [randn([50, 3], gen), randint(0, 2, [50], gen)];
  const before = liveTensors();
  const res = linearProbe(x, y, x, y, { epochs: 3, batchSize: 16, gen });
  assert.equal(liveTensors(), before + 2);
  res.weights.weight.dispose();
  res.weights.bias.dispose();
  x.dispose();
  y.dispose();
});

test('linearProbe validates shapes, label range and options', () => {
  scope(() => {
    const gen = new Generator(0);
    const [x, y] = [randn([10, 3], gen), randint(0, 2, [10], gen)];
    assert.throws(() => linearProbe(x, y, randn([5, 4], gen), randint(0, 2, [5], gen)), /same number of features/);
    assert.throws(() => linearProbe(x, y.to('float32'), x, y), /integer tensor/);
    assert.throws(() => linearProbe(x, y, x, y, { classes: 1 }), /classes/);
    assert.throws(() => linearProbe(x, y.add(5), x, y, { classes: 3 }), /labels must lie/);
    assert.throws(() => linearProbe(x, y, x, y, { batchSize: 4 }), /gen/);
    assert.throws(() => linearProbe(x.narrow(0, 0, 9), y, x, y), /same number of rows/);
  });
});
