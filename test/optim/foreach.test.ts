// The multi-tensor (foreach) path of Adam and AdamW gives bit-identical parameters and state to
// the per-parameter path, over several steps, with weight decay, groups and missing gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, randn, scope, type Tensor } from '../../src/torch/index.js';
import { Adam, AdamW, type AdamOptions, type Optimizer } from '../../src/optim/index.js';

type Make = (params: Tensor[][], options: AdamOptions) => Optimizer & { multiTensor: boolean };

function trajectory(make: Make, options: AdamOptions, multiTensor: boolean): number[][] {
  const gen = new Generator(17);
  // Two groups; float32 and float64 parameters; the last parameter never gets a gradient.
  const groups = [
    [randn([7, 5], gen).requiresGrad_(), randn([5], gen).requiresGrad_()],
    [randn([3, 4], gen, 'float64').requiresGrad_(), randn([2], gen).requiresGrad_()],
  ];
  const opt = make(groups, options);
  opt.multiTensor = multiTensor;
  const data = new Generator(5);
  for (let step = 0; step < 6; step++) {
    scope(() => {
      opt.zeroGrad();
      const [a, b] = groups[0]!;
      const [c] = groups[1]!;
      const loss = a!
        .matmul(b!)
        .pow(2)
        .sum()
        .add(
          c!
            .mul(randn([3, 4], data, 'float64'))
            .sum()
            .float(),
        )
        .add(a!.abs().sum().mul(0.1));
      loss.backward();
      opt.step();
    });
  }
  const out = [
    ...groups.flat().map((t) => t.toArray()),
    ...[...opt.stateDict().state.values()].map((t) => t.toArray()),
  ];
  opt.dispose();
  for (const t of groups.flat()) t.dispose();
  return out;
}

const cases: [string, Make, AdamOptions][] = [
  [
    'Adam',
    (p, o) =>
      new Adam(
        p.map((params) => ({ params })),
        o,
      ),
    { lr: 0.01 },
  ],
  [
    'Adam with L2 weight decay',
    (p, o) =>
      new Adam(
        p.map((params) => ({ params })),
        o,
      ),
    { lr: 0.01, weightDecay: 0.1, betas: [0.8, 0.99] },
  ],
  [
    'AdamW',
    (p, o) =>
      new AdamW(
        p.map((params) => ({ params })),
        o,
      ),
    { lr: 0.01, weightDecay: 0.05 },
  ],
  [
    'Adam amsgrad (per-parameter path either way)',
    (p, o) =>
      new Adam(
        p.map((params) => ({ params })),
        o,
      ),
    { lr: 0.01, amsgrad: true },
  ],
];
for (const [name, make, options] of cases)
  test(`${name}: the foreach path is bit-identical to the per-parameter path`, () => {
    const a = trajectory(make, options, true);
    const b = trajectory(make, options, false);
    assert.deepEqual(a, b);
  });
