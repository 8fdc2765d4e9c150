// Multi-layer perceptron builder: the encoder body of the contrastive-learning experiments.
import type { Generator } from '../torch/index.js';
import { activation, type ActivationName } from './activation.js';
import { BatchNorm1d } from './batchnorm.js';
import { positiveInt } from './checks.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { FusedMlp } from './fused-mlp.js';
import type { Sequential } from './sequential.js';

export interface MlpOptions {
  inDim: number;
  /** Widths of the hidden layers, e.g. Paper A's encoder body [128, 256, 256, 256, 128]. */
  hidden: number[];
  outDim: number;
  /** A BatchNorm1d in each hidden block; default true. */
  batchNorm?: boolean;
  /**
   * Where BatchNorm sits in a hidden block: 'norm-act' (Linear → BatchNorm → activation, the
   * default) or 'act-norm' (Linear → activation → BatchNorm, as in the CLTheory reference encoder).
   */
  order?: 'norm-act' | 'act-norm';
  /** Activation after each hidden block: a name (default 'relu') or a factory of fresh layers. */
  activation?: ActivationName | (() => Module);
  /** Source of the initial weights (drawn layer by layer, weight then bias). */
  gen: Generator;
  /**
   * Run each Linear → ReLU → BatchNorm1d block ('act-norm' order, training mode, float32) through
   * the fused kernel (nn/FusedMlp); default true. Same parameters and state dict either way.
   */
  fused?: boolean;
}

/**
 * Builds Sequential(Linear → [BatchNorm1d] → activation, … for each hidden width, then Linear).
 * Same layer order and child names as the equivalent torch.nn.Sequential, so state dicts are
 * interchangeable (`0.weight`, `1.running_mean`, …), and with a Generator seeded s the initial
 * weights equal PyTorch's after torch.manual_seed(s).
 *
 * Parameters: Σ over consecutive widths (a, b) of a·b + b, plus 2·h per hidden width h with
 * BatchNorm.
 *
 * Shapes: x [N, inDim] → [N, outDim].
 *
 * @example
 * const net = mlp({ inDim: 3, hidden: [128, 256, 256, 256, 128], outDim: 3, gen: new Generator(0) });
 * net.forward(z).shape;   // [N, 3]
 */
export function mlp(options: MlpOptions): Sequential {
  const { inDim, hidden, outDim, gen } = options;
  positiveInt('mlp', 'inDim', inDim);
  positiveInt('mlp', 'outDim', outDim);
  if (!Array.isArray(hidden)) throw new TypeError('mlp: hidden must be an array of layer widths');
  hidden.forEach((h, i) => positiveInt('mlp', `hidden[${i}]`, h));
  const act = options.activation ?? 'relu';
  const makeActivation = typeof act === 'function' ? act : () => activation(act);
  const net = new FusedMlp();
  net.fused = options.fused ?? true;
  let width = inDim;
  const withNorm = options.batchNorm ?? true;
  const order = options.order ?? 'norm-act';
  if (order !== 'norm-act' && order !== 'act-norm')
    throw new RangeError(`mlp: order must be 'norm-act' or 'act-norm', got '${String(order)}'`);
  for (const h of hidden) {
    net.append(new Linear(width, h, gen));
    if (order === 'act-norm') {
      net.append(makeActivation());
      if (withNorm) net.append(new BatchNorm1d(h));
    } else {
      if (withNorm) net.append(new BatchNorm1d(h));
      net.append(makeActivation());
    }
    width = h;
  }
  return net.append(new Linear(width, outDim, gen));
}
