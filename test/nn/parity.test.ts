// The MLP against PyTorch 1.13 (computed by test/fixtures/make_fixtures.py on this machine): default initialisation, train-mode
// forward, gradients, BatchNorm running statistics and the eval-mode forward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, scope } from '../../src/torch/index.js';
import { mlp } from '../../src/nn/index.js';
import { assertClose, parityFixtures, toStateDict, toTensor } from '../util/fixtures.js';

const fx = parityFixtures().mlp;
const build = (seed = 12345) =>
  mlp({ inDim: fx.config.inDim, hidden: fx.config.hidden, outDim: fx.config.outDim, gen: new Generator(seed) });

test("mlp state-dict keys, order and shapes are PyTorch nn.Sequential's", () => {
  const net = build();
  scope(() => {
    const sd = net.stateDict();
    assert.deepEqual([...sd.keys()], Object.keys(fx.init));
    for (const [k, t] of sd) {
      assert.deepEqual(t.shape, fx.init[k]!.shape, k);
      assert.equal(t.dtype, fx.init[k]!.dtype, k);
    }
  });
  net.dispose();
});

test("mlp default init from Generator(s) equals PyTorch's after torch.manual_seed(s)", () => {
  const net = build(fx.config.initSeed);
  scope(() => {
    for (const [k, t] of net.stateDict()) assertClose(t, fx.init[k]!, { atol: 0, label: k });
  });
  net.dispose();
});

test('mlp train-mode forward, gradients, running stats and eval forward match PyTorch to 1e-5', () => {
  const net = build();
  scope(() => {
    net.loadStateDict(toStateDict(fx.init));
    const x = toTensor(fx.input);
    const out = net.forward(x);
    assertClose(out, fx.output, { label: 'output' });
    const loss = out.mul(toTensor(fx.lossWeight)).sum();
    assertClose(loss.item(), fx.loss, { atol: 1e-4, label: 'loss (sum of 128 terms)' });
    loss.backward();
    const named = net.namedParameters();
    assert.deepEqual(
      named.map(([n]) => n),
      Object.keys(fx.grads),
    );
    for (const [name, p] of named) assertClose(p.grad!, fx.grads[name]!, { label: `grad ${name}` });
    for (const [k, t] of net.stateDict()) {
      if (k.includes('running') || k.includes('num_batches')) assertClose(t, fx.stateAfterForward[k]!, { label: k });
    }
    assert.equal(net.stateDict().get('1.num_batches_tracked')!.dtype, 'int64');
    assertClose(net.eval().forward(x), fx.evalOutput, { label: 'eval output' });
  });
  net.dispose();
});
