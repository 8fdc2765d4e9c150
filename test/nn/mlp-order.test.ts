import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator } from '../../src/torch/index.js';
import { mlp } from '../../src/nn/index.js';

const layers = (order?: 'act-norm' | 'norm-act') =>
  mlp({ inDim: 3, hidden: [4, 5], outDim: 2, gen: new Generator(0), ...(order ? { order } : {}) })
    .children()
    .map((m) => m.constructor.name);

test("mlp block order: 'norm-act' (default) is Linear → BatchNorm → ReLU, 'act-norm' is Linear → ReLU → BatchNorm", () => {
  assert.deepEqual(layers(), ['Linear', 'BatchNorm1d', 'ReLU', 'Linear', 'BatchNorm1d', 'ReLU', 'Linear']);
  assert.deepEqual(layers('act-norm'), ['Linear', 'ReLU', 'BatchNorm1d', 'Linear', 'ReLU', 'BatchNorm1d', 'Linear']);
  assert.throws(
    () => mlp({ inDim: 3, hidden: [4], outDim: 2, gen: new Generator(0), order: 'x' as 'act-norm' }),
    /order must be 'norm-act' or 'act-norm', got 'x'/,
  );
});
