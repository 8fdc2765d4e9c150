// Optimizers: updates against naive loops written from the formulas, argument checks, parameter
// groups, and state dicts that resume a run bit-exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Generator, liveTensors, randn, scope, tensor, zeros, type Tensor } from '../../src/torch/index.js';
import { mlp, type Module } from '../../src/nn/index.js';
import { Adam, AdamW, SGD, type Optimizer } from '../../src/optim/index.js';
import { assertClose } from '../util/fixtures.js';

type Vec = number[];

/** Runs an optimizer on one float64 parameter with the given gradient sequence. */
function runEngine(make: (p: Tensor) => Optimizer, p0: Vec, grads: Vec[]): Vec {
  const p = tensor(p0, undefined, 'float64').requiresGrad_();
  const opt = make(p);
  for (const g of grads) {
    scope(() => {
      p.grad = tensor(g, undefined, 'float64');
      opt.step();
    });
  }
  const out = p.toArray();
  opt.dispose();
  p.dispose();
  return out;
}

/** SGD from the PyTorch documentation's pseudo-code. */
function refSGD(
  p0: Vec,
  grads: Vec[],
  h: { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean },
): Vec {
  const p = [...p0];
  let b: Vec | undefined;
  for (const g0 of grads) {
    const g = g0.map((gi, i) => gi + h.weightDecay * p[i]!);
    b = b === undefined ? [...g] : b.map((bi, i) => h.momentum * bi + (1 - h.dampening) * g[i]!);
    const bb = b;
    const d = h.nesterov ? g.map((gi, i) => gi + h.momentum * bb[i]!) : bb;
    d.forEach((di, i) => (p[i]! -= h.lr * di));
  }
  return p;
}

/** Adam / AdamW (Kingma & Ba, Algorithm 1; Loshchilov & Hutter, Algorithm 2). */
function refAdam(
  p0: Vec,
  grads: Vec[],
  h: { lr: number; betas: [number, number]; eps: number; weightDecay: number; amsgrad: boolean },
  decoupled: boolean,
): Vec {
  const [b1, b2] = h.betas;
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const vmax = p.map(() => 0);
  grads.forEach((g0, k) => {
    const t = k + 1;
    if (decoupled) p.forEach((pi, i) => (p[i] = pi * (1 - h.lr * h.weightDecay)));
    const g = decoupled ? g0 : g0.map((gi, i) => gi + h.weightDecay * p[i]!);
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
      vmax[i] = Math.max(vmax[i]!, v[i]!);
      const second = h.amsgrad ? vmax[i]! : v[i]!;
      const mHat = m[i]! / (1 - b1 ** t);
      const denom = Math.sqrt(second) / Math.sqrt(1 - b2 ** t) + h.eps;
      p[i]! -= h.lr * (mHat / denom);
    }
  });
  return p;
}

function randomGrads(steps: number, n: number, seed: number): Vec[] {
  return scope(() => randn([steps, n], new Generator(seed), 'float64').mul(0.5).toArray()).reduce<Vec[]>(
    (rows, x, i) => {
      if (i % n === 0) rows.push([]);
      rows.at(-1)!.push(x);
      return rows;
    },
    [],
  );
}

const P0 = [0.5, -1.25, 2, 0.01];

test('SGD matches the reference loop: plain, momentum with dampening, Nesterov with weight decay', () => {
  const grads = randomGrads(6, 4, 1);
  const configs = [
    { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false },
    { lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0, nesterov: false },
    { lr: 0.05, momentum: 0.8, dampening: 0, weightDecay: 0.1, nesterov: true },
  ];
  for (const h of configs) {
    assertClose(
      runEngine((p) => new SGD([p], h), P0, grads),
      refSGD(P0, grads, h),
      { atol: 1e-12, label: JSON.stringify(h) },
    );
  }
  // maximize ascends: the same as descending on −g.
  const neg = grads.map((g) => g.map((x) => -x));
  assertClose(
    runEngine((p) => new SGD([p], { lr: 0.1, momentum: 0.5, maximize: true }), P0, grads),
    refSGD(P0, neg, { ...configs[0]!, momentum: 0.5 }),
    { atol: 1e-12 },
  );
});

test('Adam and AdamW match the reference loop (bias correction, L2 vs decoupled decay, amsgrad)', () => {
  const grads = randomGrads(8, 4, 2);
  const base = { lr: 0.01, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, amsgrad: false };
  for (const h of [
    base,
    { ...base, weightDecay: 0.1 },
    { ...base, betas: [0.5, 0.9] as [number, number], amsgrad: true, eps: 1e-3 },
  ]) {
    assertClose(
      runEngine((p) => new Adam([p], h), P0, grads),
      refAdam(P0, grads, h, false),
      { atol: 1e-12, label: `Adam ${JSON.stringify(h)}` },
    );
    assertClose(
      runEngine((p) => new AdamW([p], h), P0, grads),
      refAdam(P0, grads, h, true),
      { atol: 1e-12, label: `AdamW ${JSON.stringify(h)}` },
    );
  }
  // The first Adam step moves every coordinate by lr (up to eps): m̂/√v̂ = sign(g).
  const one = runEngine((p) => new Adam([p], { lr: 0.1 }), P0, [[3, -0.001, 1e-2, 50]]);
  assertClose(
    one.map((x, i) => x - P0[i]!),
    [-0.1, 0.1, -0.1, -0.1],
    { atol: 1e-5 },
  );
});

test('decoupled decay differs from L2 decay: with a zero gradient AdamW shrinks p by (1 − lr·λ), Adam steps by lr', () => {
  const zero = [[0, 0, 0, 0]];
  assertClose(
    runEngine((p) => new AdamW([p], { lr: 0.1, weightDecay: 0.5 }), P0, zero),
    P0.map((x) => x * 0.95),
    { atol: 1e-12 },
  );
  assertClose(
    runEngine((p) => new Adam([p], { lr: 0.1, weightDecay: 0.5 }), P0, zero),
    P0.map((x) => x - 0.1 * Math.sign(x)),
    { atol: 1e-6 },
  );
});

test('constructor arguments are checked with clear messages', () => {
  scope(() => {
    const p = zeros([2]).requiresGrad_();
    assert.throws(() => new Adam([p], { lr: -1 }), {
      name: 'RangeError',
      message: 'Adam: invalid learning rate: -1 (must be a finite number >= 0)',
    });
    assert.throws(
      () => new Adam([p], { betas: [1, 0.999] }),
      /Adam: invalid beta parameter at index 0: 1 \(must be in \[0, 1\)\)/,
    );
    assert.throws(() => new AdamW([p], { betas: [0.9, -0.1] }), /AdamW: invalid beta parameter at index 1: -0.1/);
    assert.throws(() => new Adam([p], { eps: -1e-8 }), /Adam: invalid epsilon value: -1e-8/);
    assert.throws(() => new AdamW([p], { weightDecay: -0.1 }), /AdamW: invalid weight_decay value: -0.1/);
    assert.throws(() => new SGD([p], { lr: Number.NaN }), /SGD: invalid learning rate: NaN/);
    assert.throws(
      () => new SGD([p], { lr: 0.1, nesterov: true }),
      /SGD: Nesterov momentum requires a momentum and zero dampening/,
    );
    assert.throws(() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /Nesterov/);
    assert.throws(() => new SGD([p], { lr: 0.1, momentum: -0.5 }), /SGD: invalid momentum value: -0.5/);
    assert.throws(() => new SGD([p], {} as { lr: number }), /SGD: a learning rate \(options.lr\) is required/);
    assert.throws(
      () => new Adam([p], { weight_decay: 0.1 } as object),
      /Adam: unknown option 'weight_decay'; valid: lr, betas, eps, weightDecay, amsgrad, maximize/,
    );
    assert.throws(() => new Adam([]), /Adam: got an empty parameter list/);
    assert.throws(() => new Adam([p, p]), /a parameter appears more than once/);
    assert.throws(() => new Adam([p.mul(2)]), /can't optimize a non-leaf tensor/);
    assert.throws(() => new Adam([{ params: [p], lr: -2 }]), /Adam: invalid learning rate: -2/);
    const opt = new Adam([p]);
    assert.throws(() => (opt.lr = -0.1), /Adam: invalid learning rate: -0.1/);
    assert.equal(opt.lr, 1e-3);
  });
});

test('parameter groups: per-group hyper-parameters, defaults for the rest, lr setter for all', () => {
  scope(() => {
    const a = tensor([1, 1], undefined, 'float64').requiresGrad_();
    const b = tensor([1, 1], undefined, 'float64').requiresGrad_();
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
    assert.equal(opt.paramGroups[0]!.lr, 0.1);
    assert.equal(opt.paramGroups[0]!.momentum, 0);
    assert.equal(opt.paramGroups[1]!.lr, 0.5);
    assert.equal(opt.paramGroups[1]!.momentum, 0.9);
    a.grad = tensor([1, 1], undefined, 'float64');
    b.grad = tensor([1, 1], undefined, 'float64');
    opt.step();
    assert.deepEqual(a.toArray(), [0.9, 0.9]);
    assert.deepEqual(b.toArray(), [0.5, 0.5]);
    opt.lr = 0.01;
    assert.deepEqual(
      opt.paramGroups.map((g) => g.lr),
      [0.01, 0.01],
    );
    assert.equal(opt.lr, 0.01);
    assert.throws(
      () => new SGD([{ params: [a], moment: 0.9 } as { params: Tensor[] }], { lr: 0.1 }),
      /unknown option\(s\) 'moment' in parameter group 0/,
    );
    opt.dispose();
  });
});

test('parameters without a gradient are left alone and get no state; zeroGrad drops gradients', () => {
  scope(() => {
    const a = tensor([1, 2]).requiresGrad_();
    const b = tensor([3, 4]).requiresGrad_();
    const opt = new Adam([a, b], { lr: 0.1, weightDecay: 0.5 });
    a.grad = tensor([1, 1]);
    opt.step();
    assert.deepEqual(b.toArray(), [3, 4]);
    assert.deepEqual([...opt.stateDict().state.keys()], ['0.step', '0.exp_avg', '0.exp_avg_sq']);
    opt.zeroGrad();
    assert.equal(a.grad, undefined);
    opt.dispose();
  });
});

test('step() frees its temporaries: the live-tensor count is flat after the state exists', () => {
  const net = mlp({ inDim: 3, hidden: [8], outDim: 2, gen: new Generator(0) });
  for (const opt of [
    new Adam(net.parameters(), { amsgrad: true, weightDecay: 0.1 }),
    new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 }),
  ]) {
    scope(() => {
      net
        .forward(randn([4, 3], new Generator(1)))
        .square()
        .sum()
        .backward();
      opt.step(); // creates the state
      const before = liveTensors();
      for (let i = 0; i < 5; i++) opt.step();
      assert.equal(liveTensors(), before);
      net.zeroGrad();
    });
    const withState = liveTensors();
    opt.dispose();
    assert.ok(liveTensors() < withState, 'dispose frees the state tensors');
  }
  net.dispose();
});

// --- checkpoint and resume ------------------------------------------------------------------

function trainSteps(net: Module, opt: Optimizer, gen: Generator, steps: number): void {
  for (let i = 0; i < steps; i++) {
    scope(() => {
      opt.zeroGrad();
      const x = randn([8, 3], gen);
      F.mseLoss(net.forward(x), x.narrow(1, 0, 2).tanh()).backward();
      opt.step();
    });
  }
}

const OPTIMIZERS: [string, (params: Tensor[]) => Optimizer][] = [
  ['SGD', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['Adam', (ps) => new Adam(ps, { lr: 1e-2, amsgrad: true })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 1e-2, weightDecay: 0.1 })],
];

for (const [name, make] of OPTIMIZERS) {
  test(`${name}: model + optimizer state dicts resume a run bit-exactly`, () => {
    const net = mlp({ inDim: 3, hidden: [16, 16], outDim: 2, gen: new Generator(0) });
    const opt = make(net.parameters());
    const data = new Generator(5);
    trainSteps(net, opt, data, 4);
    // Checkpoint: the model, the optimizer and the data stream.
    const modelState = net.stateDict();
    const optState = opt.stateDict();
    const dataState = data.getState();
    trainSteps(net, opt, data, 3);
    const expected = scope(() => [...net.stateDict()].map(([k, t]) => [k, t.toArray()] as const));

    // Resume in a fresh process-like setting: different init, different hyper-parameters.
    const net2 = mlp({ inDim: 3, hidden: [16, 16], outDim: 2, gen: new Generator(123) });
    net2.loadStateDict(modelState);
    const opt2 = make(net2.parameters());
    opt2.lr = 0.5;
    opt2.loadStateDict(optState);
    assert.equal(opt2.lr, opt.lr, 'hyper-parameters come from the state dict');
    const data2 = new Generator(0);
    data2.setState(dataState);
    trainSteps(net2, opt2, data2, 3);
    scope(() => {
      for (const [k, v] of expected) assert.deepEqual(net2.stateDict().get(k)!.toArray(), v, `${k} after resuming`);
    });

    // Without the optimizer state, the same three steps end elsewhere.
    const net3 = mlp({ inDim: 3, hidden: [16, 16], outDim: 2, gen: new Generator(0) });
    net3.loadStateDict(modelState);
    const opt3 = make(net3.parameters());
    const data3 = new Generator(0);
    data3.setState(dataState);
    trainSteps(net3, opt3, data3, 3);
    scope(() => assert.notDeepEqual(net3.stateDict().get('0.weight')!.toArray(), expected[0]![1]));

    for (const t of [...modelState.values(), ...optState.state.values(), dataState]) t.dispose();
    for (const o of [opt, opt2, opt3]) o.dispose();
    for (const n of [net, net2, net3]) n.dispose();
  });
}

test('optimizer state dict: PyTorch keys and step counts, copies, and checked loading', () => {
  const net = mlp({ inDim: 3, hidden: [4], outDim: 2, gen: new Generator(0) });
  const opt = new Adam(net.parameters(), { lr: 0.01, betas: [0.8, 0.9] });
  trainSteps(net, opt, new Generator(1), 3);
  scope(() => {
    const sd = opt.stateDict();
    assert.deepEqual([...sd.state.keys()].slice(0, 4), ['0.step', '0.exp_avg', '0.exp_avg_sq', '1.step']);
    assert.equal(sd.state.size, 3 * net.parameters().length);
    const step = sd.state.get('0.step')!;
    assert.deepEqual([step.shape, step.dtype, step.item()], [[], 'float32', 3]);
    assert.deepEqual(sd.paramGroups, [
      {
        lr: 0.01,
        betas: [0.8, 0.9],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        maximize: false,
        params: [0, 1, 2, 3, 4, 5],
      },
    ]);
    // A snapshot: further steps do not change it, and changing it does not change the optimizer.
    const expAvg = sd.state.get('0.exp_avg')!.toArray();
    trainSteps(net, opt, new Generator(2), 1);
    assert.deepEqual(sd.state.get('0.exp_avg')!.toArray(), expAvg);
    sd.paramGroups[0]!.betas = [0.1, 0.2];
    assert.deepEqual(opt.paramGroups[0]!.betas, [0.8, 0.9]);

    const other = mlp({ inDim: 3, hidden: [4], outDim: 2, gen: new Generator(1) });
    const fresh = new Adam(other.parameters());
    const badShape = { ...sd, state: new Map(sd.state).set('0.exp_avg', zeros([3, 3])) };
    assert.throws(
      () => fresh.loadStateDict(badShape),
      /Adam.loadStateDict\(\): size mismatch for '0.exp_avg': the state dict has shape \[3, 3\], expected \[4, 3\]/,
    );
    const badKey = { ...sd, state: new Map(sd.state).set('0.momentum', zeros([4, 3])) };
    assert.throws(
      () => fresh.loadStateDict(badKey),
      /unknown state entry '0.momentum'; valid names: step, exp_avg, exp_avg_sq, max_exp_avg_sq/,
    );
    const badIndex = { ...sd, state: new Map(sd.state).set('6.step', zeros([])) };
    assert.throws(() => fresh.loadStateDict(badIndex), /state key '6.step' does not name a parameter index below 6/);
    const badLr = { ...sd, paramGroups: [{ ...sd.paramGroups[0]!, lr: -1 }] };
    assert.throws(() => fresh.loadStateDict(badLr), /Adam: invalid learning rate: -1/);
    assert.throws(
      () => fresh.loadStateDict({ ...sd, paramGroups: [] }),
      /the state dict has 0 parameter group\(s\), the optimizer has 1/,
    );
    assert.equal(fresh.stateDict().state.size, 0, 'failed loads change nothing');
    const sgd = new SGD(other.parameters(), { lr: 0.1 });
    assert.throws(
      () => sgd.loadStateDict(sd),
      /SGD.loadStateDict\(\): parameter group 0 hyper-parameters do not match; missing: momentum, dampening, nesterov; unexpected: betas, eps, amsgrad/,
    );
    other.dispose();
  });
  opt.dispose();
  net.dispose();
});
