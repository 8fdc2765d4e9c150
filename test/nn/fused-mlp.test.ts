// FusedMlp (the container mlp() builds) behaves as the plain Sequential of the same layers:
// outputs, gradients, running statistics and state dict, in training and in evaluation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, grad, randn, scope, type Tensor } from '../../src/torch/index.js';
import { BatchNorm1d, FusedMlp, Linear, ReLU, Sequential, mlp } from '../../src/nn/index.js';

const maxRel = (a: Tensor, b: Tensor): number => a.sub(b).abs().max().item() / Math.max(1e-6, b.abs().max().item());

function twins(order: 'act-norm' | 'norm-act', momentum?: number | null) {
  const make = () => mlp({ inDim: 3, hidden: [64, 32], outDim: 5, order, gen: new Generator(7) });
  const fused = make();
  const plain = make();
  (plain as FusedMlp).fused = false;
  if (momentum !== undefined)
    for (const net of [fused, plain])
      for (const m of net.modules())
        if (m instanceof BatchNorm1d) (m as { momentum: number | null }).momentum = momentum;
  return { fused, plain };
}

for (const momentum of [0.1, null]) {
  test(`act-norm MLP, momentum ${String(momentum)}: three training steps and evaluation match the unfused layers`, () =>
    scope(() => {
      const { fused, plain } = twins('act-norm', momentum);
      assert.ok(fused instanceof FusedMlp);
      const gen = new Generator(1);
      for (let step = 0; step < 3; step++) {
        const x = randn([200, 3], gen);
        const gOut = randn([200, 5], gen);
        const yf = fused.forward(x);
        const yp = plain.forward(x);
        assert.ok(maxRel(yf, yp) < 1e-5, `step ${step}: outputs`);
        const gf = grad(yf, fused.parameters(), { gradOutputs: [gOut] });
        const gp = grad(yp, plain.parameters(), { gradOutputs: [gOut] });
        gf.forEach((g, i) =>
          assert.ok(maxRel(g!, gp[i]!) < 1e-4, `step ${step}: gradient of ${fused.namedParameters()[i]![0]}`),
        );
      }
      const sf = fused.stateDict();
      const sp = plain.stateDict();
      assert.deepEqual([...sf.keys()], [...sp.keys()]);
      for (const [k, t] of sf) {
        if (t.dtype === 'int64') assert.equal(t.item(), sp.get(k)!.item(), k);
        else assert.ok(maxRel(t, sp.get(k)!) < 1e-5, k);
      }
      fused.eval();
      plain.eval();
      const x = randn([50, 3], gen);
      assert.ok(maxRel(fused.forward(x), plain.forward(x)) < 1e-5, 'evaluation');
    }));
}

test('other blocks, evaluation and one-row batches run the unfused layers (same ops, same errors)', () =>
  scope(() => {
    const gen = new Generator(3);
    // norm-act order has no Linear → ReLU → BatchNorm1d triple: bit-identical to the plain layers.
    const { fused, plain } = twins('norm-act');
    const x = randn([40, 3], gen);
    assert.equal(maxRel(fused.forward(x), plain.forward(x)), 0);
    const net = new FusedMlp(new Linear(3, 8, gen), new ReLU(), new BatchNorm1d(8));
    const seq = new Sequential(...[...net]);
    net.eval();
    assert.equal(maxRel(net.forward(x), seq.forward(x)), 0, 'evaluation: BatchNorm with running statistics, unfused');
    net.train();
    // BatchNorm's own message for a one-row batch, before any running statistic moves.
    assert.throws(() => net.forward(randn([1, 3], gen)), /expected more than 1 value per channel when training/);
    assert.equal((net.at(2) as BatchNorm1d).numBatchesTracked!.item(), 0);
  }));
