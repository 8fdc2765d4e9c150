// Module: registration, naming, modes, state dicts, ownership of tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator,
  liveTensors,
  noGrad,
  ones,
  randn,
  scope,
  tensor,
  zeros,
  type Tensor,
} from '../../src/torch/index.js';
import { BatchNorm1d, Linear, Module, ReLU, Sequential, mlp } from '../../src/nn/index.js';

const PAPER_A_HIDDEN = [128, 256, 256, 256, 128];

/** Parameter count of mlp(): a·b + b per Linear, plus 2·h per BatchNorm1d. */
function mlpParamCount(inDim: number, hidden: number[], outDim: number, batchNorm: boolean): number {
  const widths = [inDim, ...hidden, outDim];
  let n = 0;
  for (let i = 0; i + 1 < widths.length; i++) n += widths[i]! * widths[i + 1]! + widths[i + 1]!;
  return n + (batchNorm ? 2 * hidden.reduce((a, b) => a + b, 0) : 0);
}

class Encoder extends Module {
  readonly layers: Sequential;
  readonly scale: Tensor;
  constructor(gen: Generator) {
    super();
    this.scale = this.registerParameter('scale', ones([1]));
    this.layers = this.registerModule('layers', mlp({ inDim: 3, hidden: [4], outDim: 2, gen }));
  }
  forward(x: Tensor): Tensor {
    return this.layers.forward(x).mul(this.scale);
  }
}

test('mlp: PyTorch-style names, layer layout and the parameter-count formula (Paper A body)', () => {
  const net = mlp({ inDim: 3, hidden: PAPER_A_HIDDEN, outDim: 3, gen: new Generator(0) });
  const names = net.namedParameters().map(([n]) => n);
  // Linear at 0, 3, 6, …; BatchNorm1d at 1, 4, …; ReLU (no parameters) at 2, 5, …; final Linear at 15.
  assert.deepEqual(names.slice(0, 6), ['0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias']);
  assert.deepEqual(names.slice(-2), ['15.weight', '15.bias']);
  assert.equal(names.length, 2 * 6 + 2 * 5);
  assert.equal(net.length, 16);
  assert.equal(net.numParameters(), mlpParamCount(3, PAPER_A_HIDDEN, 3, true));
  assert.equal(
    net.numParameters(),
    3 * 128 + 128 + 128 * 256 + 256 + 2 * (256 * 256 + 256) + 256 * 128 + 128 + 128 * 3 + 3 + 2 * 1024,
  );
  assert.deepEqual(net.parameters()[0]!.shape, [128, 3]);
  assert.deepEqual(
    net
      .namedBuffers()
      .map(([n]) => n)
      .slice(0, 3),
    ['1.running_mean', '1.running_var', '1.num_batches_tracked'],
  );
  net.dispose();

  const plain = mlp({
    inDim: 5,
    hidden: [7, 9],
    outDim: 2,
    batchNorm: false,
    activation: 'tanh',
    gen: new Generator(0),
  });
  assert.deepEqual(
    plain.namedParameters().map(([n]) => n),
    ['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias'],
  );
  assert.equal(plain.numParameters(), mlpParamCount(5, [7, 9], 2, false));
  assert.equal(plain.buffers().length, 0);
  assert.match(
    plain.toString(),
    /^Sequential\(\n {2}\(0\): Linear\(in_features=5, out_features=7, bias=True\)\n {2}\(1\): Tanh\(\)/,
  );
  plain.dispose();
  assert.throws(
    () => mlp({ inDim: 3, hidden: [0], outDim: 2, gen: new Generator(0) }),
    /mlp: hidden\[0\] must be a positive integer, got 0/,
  );
});

test('nested modules get dotted names; state dict = own parameters, buffers, then children', () => {
  const enc = new Encoder(new Generator(1));
  assert.deepEqual(
    enc.namedParameters().map(([n]) => n),
    [
      'scale',
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
      'layers.3.weight',
      'layers.3.bias',
    ],
  );
  scope(() => {
    assert.deepEqual(
      [...enc.stateDict().keys()],
      [
        'scale',
        'layers.0.weight',
        'layers.0.bias',
        'layers.1.weight',
        'layers.1.bias',
        'layers.1.running_mean',
        'layers.1.running_var',
        'layers.1.num_batches_tracked',
        'layers.3.weight',
        'layers.3.bias',
      ],
    );
  });
  assert.deepEqual(
    enc.namedModules().map(([n]) => n),
    ['', 'layers', 'layers.0', 'layers.1', 'layers.2', 'layers.3'],
  );
  enc.dispose();
});

test('a shared (tied) parameter is listed once by parameters() but under both keys in the state dict', () => {
  const gen = new Generator(0);
  const a = new Linear(2, 2, gen);
  const net = new Sequential(a, a);
  assert.equal(net.parameters().length, 2);
  scope(() => assert.deepEqual([...net.stateDict().keys()], ['0.weight', '0.bias', '1.weight', '1.bias']));
  net.dispose();
});

test('parameters are leaf tensors with requiresGrad that outlive the scope they were made in', () => {
  const before = liveTensors();
  const net = scope(() => {
    const m = mlp({ inDim: 3, hidden: [8], outDim: 2, gen: new Generator(0) });
    m.forward(randn([4, 3], new Generator(1))); // temporaries: freed by the scope
    return m;
  });
  for (const p of net.parameters()) {
    assert.equal(p.isDisposed, false);
    assert.equal(p.isLeaf, true);
    assert.equal(p.requiresGrad, true);
  }
  for (const b of net.buffers()) assert.equal(b.isDisposed, false);
  assert.equal(liveTensors(), before + net.parameters().length + net.buffers().length);
  net.dispose();
  assert.equal(liveTensors(), before);
  assert.equal(net.parameters()[0]!.isDisposed, true);
});

test('registration rejects duplicate names, dots, non-leaf and integer parameters', () => {
  class Bad extends Module {
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  const m = new Bad();
  m.registerParameter('w', zeros([2]));
  assert.throws(() => m.registerBuffer('w', zeros([2])), /cannot register buffer 'w': the name is already taken/);
  assert.throws(() => m.registerModule('a.b', new ReLU()), /name must be a non-empty string without '\.'/);
  scope(() => {
    const leaf = zeros([2]).requiresGrad_();
    assert.throws(() => m.registerParameter('y', leaf.mul(2)), /parameter 'y' must be a leaf tensor/);
    assert.throws(
      () => m.registerParameter('z', zeros([2], 'int64')),
      /parameter 'z' must be float32 or float64, got int64/,
    );
  });
  m.dispose();
});

test('train() and eval() switch every submodule, and BatchNorm changes behaviour with them', () => {
  const net = mlp({ inDim: 3, hidden: [5], outDim: 2, gen: new Generator(0) });
  assert.ok(net.modules().every((m) => m.training));
  net.eval();
  assert.ok(net.modules().every((m) => !m.training));
  scope(() => {
    const x = randn([6, 3], new Generator(2));
    const bn = net.at(1) as BatchNorm1d;
    const evalOut = net.forward(x).toArray();
    assert.equal(bn.numBatchesTracked!.item(), 0, 'eval does not count batches');
    assert.deepEqual(net.forward(x).toArray(), evalOut, 'eval is deterministic and stateless');
    net.train();
    const trainOut = net.forward(x).toArray();
    assert.equal(bn.numBatchesTracked!.item(), 1);
    assert.notDeepEqual(trainOut, evalOut, 'batch statistics differ from the initial running ones');
  });
  net.dispose();
});

test('stateDict round trip: a second network loaded from the first computes the same outputs', () => {
  const a = mlp({ inDim: 3, hidden: [8, 8], outDim: 4, gen: new Generator(1) });
  const b = mlp({ inDim: 3, hidden: [8, 8], outDim: 4, gen: new Generator(2) });
  scope(() => {
    const x = randn([10, 3], new Generator(3));
    a.forward(x); // moves a's running statistics away from their initial values
    a.eval();
    b.eval();
    assert.notDeepEqual(b.forward(x).toArray(), a.forward(x).toArray());
    const snapshot = a.stateDict();
    assert.equal(snapshot.get('1.num_batches_tracked')!.dtype, 'int64');
    assert.equal(snapshot.get('1.num_batches_tracked')!.item(), 1);
    assert.deepEqual(b.loadStateDict(snapshot), { missingKeys: [], unexpectedKeys: [] });
    assert.deepEqual(b.forward(x).toArray(), a.forward(x).toArray());
    for (const [k, t] of b.stateDict()) assert.deepEqual(t.toArray(), snapshot.get(k)!.toArray(), k);
    // The snapshot is a copy: changing a afterwards leaves it alone, and loading kept b's own tensors.
    noGrad(() => a.parameters()[0]!.fill_(0));
    assert.notEqual(snapshot.get('0.weight')!.abs().sum().item(), 0);
    assert.equal(b.parameters()[0]!.requiresGrad, true);
    assert.equal(b.parameters()[0]!.isLeaf, true);
  });
  a.dispose();
  b.dispose();
});

test('loadStateDict names missing keys, unexpected keys and shape mismatches, and changes nothing on failure', () => {
  const net = mlp({ inDim: 3, hidden: [4], outDim: 2, gen: new Generator(0) });
  scope(() => {
    const good = net.stateDict();
    const before = net.parameters()[0]!.toArray();

    const missing = new Map(good);
    missing.delete('1.running_var');
    missing.set('0.weight', zeros([4, 3]));
    assert.throws(
      () => net.loadStateDict(missing),
      (err: Error) => {
        assert.match(err.message, /loadStateDict\(\) for Sequential failed/);
        assert.match(err.message, /missing key\(s\): 1\.running_var/);
        return true;
      },
    );
    assert.deepEqual(net.parameters()[0]!.toArray(), before, 'nothing copied');

    const extra = new Map(good).set('9.weight', zeros([1]));
    assert.throws(() => net.loadStateDict(extra), /unexpected key\(s\): 9\.weight/);

    const wrongShape = new Map(good).set('3.weight', zeros([3, 4]));
    assert.throws(
      () => net.loadStateDict(wrongShape),
      /size mismatch for 3\.weight: the state dict has shape \[3, 4\], the module has \[2, 4\]/,
    );
    assert.throws(() => net.loadStateDict(wrongShape, { strict: false }), /size mismatch for 3\.weight/);

    const partial = new Map([
      ['0.bias', tensor([1, 2, 3, 4])],
      ['extra', zeros([1])],
    ]);
    const result = net.loadStateDict(partial, { strict: false });
    assert.deepEqual(result.unexpectedKeys, ['extra']);
    assert.equal(result.missingKeys.length, good.size - 1);
    assert.deepEqual(net.parameters()[1]!.toArray(), [1, 2, 3, 4]);
  });
  net.dispose();
});

test('zeroGrad drops the gradients of every parameter', () => {
  const net = mlp({ inDim: 3, hidden: [4], outDim: 2, gen: new Generator(0) });
  scope(() => {
    net
      .forward(randn([5, 3], new Generator(1)))
      .square()
      .sum()
      .backward();
    assert.ok(net.parameters().every((p) => p.grad !== undefined));
    net.zeroGrad();
    assert.ok(net.parameters().every((p) => p.grad === undefined));
  });
  net.dispose();
});
