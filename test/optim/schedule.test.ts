// Learning-rate schedules at known steps, and the scheduler that applies them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zeros } from '../../src/torch/index.js';
import { Adam, LRScheduler, SGD, constantLR, cosineWithWarmup, stepLR } from '../../src/optim/index.js';
import { assertClose } from '../util/fixtures.js';

test('stepLR: lr·γ^⌊step/stepSize⌋ (PyTorch StepLR)', () => {
  const s = stepLR({ lr: 0.1, stepSize: 30, gamma: 0.1 });
  assertClose([0, 29, 30, 59, 60, 95].map(s), [0.1, 0.1, 0.01, 0.01, 0.001, 0.0001], { atol: 1e-15 });
  assert.equal(stepLR({ lr: 1, stepSize: 2 })(4), 0.1 ** 2, 'gamma defaults to 0.1');
  assert.throws(() => stepLR({ lr: 0.1, stepSize: 0 }), /stepLR: stepSize must be a positive integer, got 0/);
  assert.throws(() => s(-1), /step must be a non-negative integer, got -1/);
  assert.throws(() => s(1.5), /step must be a non-negative integer, got 1.5/);
});

test('cosineWithWarmup: linear ramp, peak, half-way, floor', () => {
  const s = cosineWithWarmup({ lr: 1e-3, warmupSteps: 100, totalSteps: 1100 });
  assertClose([0, 1, 50, 100].map(s), [0, 1e-5, 5e-4, 1e-3], { atol: 1e-15, label: 'warm-up' });
  assertClose([600, 1100, 5000].map(s), [5e-4, 0, 0], { atol: 1e-15, label: 'cosine' });
  // cos(π/4): a quarter of the way down the cosine, lr·(1 + √2/2)/2.
  assertClose(s(350), (1e-3 * (1 + Math.SQRT1_2)) / 2, { atol: 1e-15 });
  const floor = cosineWithWarmup({ lr: 1, warmupSteps: 0, totalSteps: 10, minLr: 0.1 });
  assertClose([0, 5, 10, 11].map(floor), [1, 0.55, 0.1, 0.1], { atol: 1e-12, label: 'with minLr' });
  const values = Array.from({ length: 1001 }, (_, i) => s(100 + i));
  assert.ok(
    values.every((v, i) => i === 0 || v <= values[i - 1]!),
    'non-increasing after warm-up',
  );
  assert.throws(
    () => cosineWithWarmup({ lr: 1, warmupSteps: 10, totalSteps: 10 }),
    /totalSteps must be an integer > warmupSteps \(10\), got 10/,
  );
  assert.throws(
    () => cosineWithWarmup({ lr: 1, warmupSteps: 0, totalSteps: 10, minLr: 2 }),
    /minLr must be in \[0, lr\], got 2/,
  );
  assert.throws(() => constantLR(-1), /constantLR: lr must be a finite number >= 0, got -1/);
});

test('LRScheduler sets schedule(n) after n steps on every group, and resumes from its state', () => {
  const p = zeros([1]).requiresGrad_();
  const q = zeros([1]).requiresGrad_();
  const opt = new SGD([{ params: [p] }, { params: [q], lr: 5 }], { lr: 1 });
  const schedule = stepLR({ lr: 0.2, stepSize: 2, gamma: 0.5 });
  const sched = new LRScheduler(opt, schedule);
  assert.equal(opt.lr, 0.2, 'schedule(0) at construction');
  const seen: number[] = [];
  for (let i = 0; i < 5; i++) {
    opt.step();
    sched.step();
    seen.push(sched.lastLr);
  }
  assert.deepEqual(seen, [0.2, 0.1, 0.1, 0.05, 0.05]);
  assert.deepEqual(
    opt.paramGroups.map((g) => g.lr),
    [0.05, 0.05],
  );
  assert.equal(sched.stepCount, 5);

  const opt2 = new Adam([p]);
  const resumed = new LRScheduler(opt2, schedule);
  resumed.loadStateDict(sched.stateDict());
  assert.equal(opt2.lr, schedule(5));
  resumed.step();
  assert.equal(opt2.lr, schedule(6));
  assert.throws(() => resumed.loadStateDict({ stepCount: -3 }), /stepCount must be a non-negative integer, got -3/);
  p.dispose();
  q.dispose();
});
