// Adam (torch.optim.Adam, PyTorch 1.13 single-tensor path) and the update it shares with AdamW.
import { callOp, scalarTensor, zerosLike, type Tensor } from '../torch/index.js';
import {
  BaseOptimizer,
  checkNonNegative,
  withDefaults,
  type GroupItem,
  type ParamGroupInput,
  type StateLayout,
} from './optimizer.js';

export type AdamHyper = {
  lr: number;
  /** Decay rates (β₁, β₂) of the first and second moment averages; default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator for stability; default 1e-8. */
  eps: number;
  /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay rate. */
  weightDecay: number;
  /** Use the running maximum of the second moment (Reddi et al. 2018); default false. */
  amsgrad: boolean;
  /** Ascend instead of descend; default false. */
  maximize: boolean;
};

export type AdamOptions = Partial<AdamHyper>;

export const ADAM_STATE: StateLayout = {
  step: 'scalar',
  exp_avg: 'param',
  exp_avg_sq: 'param',
  max_exp_avg_sq: 'param',
};

/** Constructor/load checks with PyTorch's messages. */
export function checkAdam(name: string): (h: AdamHyper) => void {
  return (h) => {
    checkNonNegative(name, 'learning rate', h.lr);
    checkNonNegative(name, 'epsilon value', h.eps);
    if (!Array.isArray(h.betas) || h.betas.length !== 2)
      throw new RangeError(`${name}: betas must be a pair [beta1, beta2], got ${JSON.stringify(h.betas)}`);
    h.betas.forEach((b, i) => {
      if (typeof b !== 'number' || !(b >= 0 && b < 1))
        throw new RangeError(`${name}: invalid beta parameter at index ${i}: ${String(b)} (must be in [0, 1))`);
    });
    checkNonNegative(name, 'weight_decay value', h.weightDecay);
  };
}

/**
 * One Adam/AdamW update of one parameter, step for step as _single_tensor_adam /
 * _single_tensor_adamw in PyTorch 1.13 (so trajectories match PyTorch to float32 rounding):
 *
 *     t ← t + 1
 *     Adam:  g ← g + λ·p          AdamW: p ← p·(1 − lr·λ)
 *     m ← β₁·m + (1 − β₁)·g
 *     v ← β₂·v + (1 − β₂)·g²          (amsgrad: v̂ ← max(v̂, v), used below instead of v)
 *     p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * The step count is a float32 0-d tensor, as PyTorch's `state['step']`.
 */
/** The step count and moment estimates of one parameter, created (zero) on its first update. */
function adamState(param: Tensor, state: Map<string, Tensor>): [Tensor, Tensor, Tensor] {
  let stepT = state.get('step');
  let expAvg = state.get('exp_avg');
  let expAvgSq = state.get('exp_avg_sq');
  if (stepT === undefined || expAvg === undefined || expAvgSq === undefined) {
    stepT = scalarTensor(0, 'float32');
    expAvg = zerosLike(param);
    expAvgSq = zerosLike(param);
    state.set('step', stepT).set('exp_avg', expAvg).set('exp_avg_sq', expAvgSq);
  }
  return [stepT, expAvg, expAvgSq];
}

export function adamUpdate(
  param: Tensor,
  grad: Tensor,
  state: Map<string, Tensor>,
  h: AdamHyper,
  decoupled: boolean,
): void {
  const [beta1, beta2] = h.betas;
  const [stepT, expAvg, expAvgSq] = adamState(param, state);
  let g = h.maximize ? grad.neg() : grad;
  stepT.add_(1);
  if (decoupled) param.mul_(1 - h.lr * h.weightDecay);
  else if (h.weightDecay !== 0) g = g.add(param, h.weightDecay);
  expAvg.mul_(beta1).add_(g, 1 - beta1);
  expAvgSq.mul_(beta2).addcmul_(g, g, 1 - beta2);
  const step = stepT.item();
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  const stepSize = h.lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
  let second = expAvgSq;
  if (h.amsgrad) {
    let maxSq = state.get('max_exp_avg_sq');
    if (maxSq === undefined) {
      maxSq = zerosLike(param);
      state.set('max_exp_avg_sq', maxSq);
    }
    maxSq.copy_(maxSq.maximum(expAvgSq));
    second = maxSq;
  }
  const denom = second.sqrt().div(biasCorrection2Sqrt).add_(h.eps);
  param.addcdiv_(expAvg, denom, -stepSize);
}

/**
 * adamUpdate for all of a group's parameters at once with the foreach operators (as PyTorch's
 * _multi_tensor_adam): about ten engine calls per group instead of ten per parameter. libtorch's
 * CPU foreach kernels apply the same per-tensor operations in the same order, so parameters and
 * state are bit-identical to adamUpdate's (tested). amsgrad and maximize use adamUpdate.
 */
export function adamUpdateGroup(items: GroupItem[], h: AdamHyper, decoupled: boolean): boolean {
  if (h.amsgrad || h.maximize) return false;
  const [beta1, beta2] = h.betas;
  const states = items.map(({ param, state }) => adamState(param, state));
  const params = items.map((i) => i.param);
  const steps = states.map((s) => s[0]);
  const expAvgs = states.map((s) => s[1]);
  const expAvgSqs = states.map((s) => s[2]);
  let grads = items.map((i) => i.grad);
  callOp('aten::_foreach_add_.Scalar', steps, 1);
  if (decoupled) callOp('aten::_foreach_mul_.Scalar', params, 1 - h.lr * h.weightDecay);
  else if (h.weightDecay !== 0) grads = callOp('aten::_foreach_add.List', grads, params, h.weightDecay) as Tensor[];
  callOp('aten::_foreach_mul_.Scalar', expAvgs, beta1);
  callOp('aten::_foreach_add_.List', expAvgs, grads, 1 - beta1);
  callOp('aten::_foreach_mul_.Scalar', expAvgSqs, beta2);
  callOp('aten::_foreach_addcmul_.Scalar', expAvgSqs, grads, grads, 1 - beta2);
  const negStepSizes: number[] = [];
  const biasCorrection2Sqrts: number[] = [];
  for (const stepT of steps) {
    const step = stepT.item();
    negStepSizes.push(-(h.lr / (1 - beta1 ** step)));
    biasCorrection2Sqrts.push(Math.sqrt(1 - beta2 ** step));
  }
  const denom = callOp('aten::_foreach_sqrt', expAvgSqs) as Tensor[];
  callOp('aten::_foreach_div_.ScalarList', denom, biasCorrection2Sqrts);
  callOp('aten::_foreach_add_.Scalar', denom, h.eps);
  callOp('aten::_foreach_addcdiv_.ScalarList', params, expAvgs, denom, negStepSizes);
  return true;
}

const DEFAULTS: AdamHyper = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
};

/**
 * Adam (Kingma & Ba 2015) exactly as torch.optim.Adam 1.13 (foreach=False); `weightDecay` is an
 * L2 penalty added to the gradient (use AdamW for decoupled decay). Defaults: lr 1e-3,
 * betas [0.9, 0.999], eps 1e-8, weightDecay 0.
 *
 * State per parameter: `step` (float32 0-d), `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with amsgrad.
 *
 * @example
 * const opt = new Adam(net.parameters(), { lr: 1e-3 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class Adam extends BaseOptimizer<AdamHyper> {
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<AdamHyper>[], options: AdamOptions = {}) {
    super('Adam', params, withDefaults('Adam', DEFAULTS, options), checkAdam('Adam'), ADAM_STATE);
  }

  protected updateParam(param: Tensor, grad: Tensor, state: Map<string, Tensor>, h: AdamHyper): void {
    adamUpdate(param, grad, state, h, false);
  }

  protected override updateGroup(items: GroupItem[], h: AdamHyper): boolean {
    return adamUpdateGroup(items, h, false);
  }
}
