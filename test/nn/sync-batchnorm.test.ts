// Synchronised BatchNorm (issue 13) in a group of one equals BatchNorm: values, gradients and
// running statistics (the two-rank equality is in test/experiments/data-parallel.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchNorm1d, BatchNorm2d } from '../../src/nn/index.js';
import { Generator, grad, initProcessGroup, randn, type Tensor } from '../../src/torch/index.js';
import { freePort } from '../util/ranks.js';

const maxDiff = (a: Tensor, b: Tensor): number => a.sub(b).abs().max().item();

test('a synchronised BatchNorm in a group of one is BatchNorm', async () => {
  const group = initProcessGroup({
    masterAddr: '127.0.0.1',
    masterPort: await freePort(),
    rank: 0,
    worldSize: 1,
    timeout: 30,
  });
  try {
    for (const [make, shape] of [
      [() => new BatchNorm1d(8), [64, 8]],
      [() => new BatchNorm2d(4), [6, 4, 5, 5]],
    ] as const) {
      const gen = new Generator(3);
      const [plain, synced] = [make(), make()];
      synced.syncGroup = group;
      const x = randn([...shape], gen)
        .mul(3)
        .add(1)
        .requiresGrad_();
      const w = randn([...shape], gen);
      const [a, b] = [plain.forward(x), synced.forward(x)];
      assert.ok(maxDiff(a, b) < 1e-5, `values ${maxDiff(a, b)}`);
      const [ga, gb] = [grad(a.mul(w).sum(), [x, plain.weight!]), grad(b.mul(w).sum(), [x, synced.weight!])];
      for (let i = 0; i < 2; i++) assert.ok(maxDiff(ga[i]!, gb[i]!) < 1e-4, `gradient ${i} ${maxDiff(ga[i]!, gb[i]!)}`);
      assert.ok(maxDiff(plain.runningMean!, synced.runningMean!) < 1e-6);
      assert.ok(maxDiff(plain.runningVar!, synced.runningVar!) < 1e-5);
      assert.equal(synced.numBatchesTracked!.item(), 1);
    }
  } finally {
    group.destroy();
  }
});
