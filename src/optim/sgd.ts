// Stochastic gradient descent with momentum (torch.optim.SGD, PyTorch 1.13 single-tensor path).
import type { Tensor } from '../torch/index.js';
import { BaseOptimizer, withDefaults, checkNonNegative, type ParamGroupInput } from './optimizer.js';

export type SGDHyper = {
  lr: number;
  /** Momentum factor μ; default 0 (plain SGD). */
  momentum: number;
  /** Dampening τ of the momentum; default 0. */
  dampening: number;
  /** L2 penalty added to the gradient (coupled weight decay); default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0); default false. */
  nesterov: boolean;
  /** Ascend instead of descend; default false. */
  maximize: boolean;
};

export type SGDOptions = Partial<SGDHyper> & { lr: number };

const DEFAULTS: Omit<SGDHyper, 'lr'> = { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };

function check(h: SGDHyper): void {
  checkNonNegative('SGD', 'learning rate', h.lr);
  checkNonNegative('SGD', 'momentum value', h.momentum);
  checkNonNegative('SGD', 'weight_decay value', h.weightDecay);
  if (typeof h.dampening !== 'number' || !Number.isFinite(h.dampening))
    throw new RangeError(`SGD: invalid dampening value: ${String(h.dampening)}`);
  if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0))
    throw new RangeError('SGD: Nesterov momentum requires a momentum and zero dampening');
}

/**
 * SGD as torch.optim.SGD (1.13), per parameter with gradient g:
 *
 *     g ← g + λ·p                          (weightDecay λ ≠ 0)
 *     b ← g on the first step, else μ·b + (1 − τ)·g
 *     g ← g + μ·b if nesterov, else b     (momentum μ ≠ 0)
 *     p ← p − lr·g
 *
 * State: `momentum_buffer` (when momentum ≠ 0).
 *
 * @example
 * const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
 */
export class SGD extends BaseOptimizer<SGDHyper> {
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<SGDHyper>[], options: SGDOptions) {
    if (options === undefined || options.lr === undefined)
      throw new TypeError('SGD: a learning rate (options.lr) is required');
    super('SGD', params, withDefaults('SGD', { ...DEFAULTS, lr: options.lr }, options), check, {
      momentum_buffer: 'param',
    });
  }

  protected updateParam(param: Tensor, grad: Tensor, state: Map<string, Tensor>, h: SGDHyper): void {
    let d = h.maximize ? grad.neg() : grad;
    if (h.weightDecay !== 0) d = d.add(param, h.weightDecay);
    if (h.momentum !== 0) {
      let buf = state.get('momentum_buffer');
      if (buf === undefined) {
        buf = d.clone();
        state.set('momentum_buffer', buf);
      } else {
        buf.mul_(h.momentum).add_(d, 1 - h.dampening);
      }
      d = h.nesterov ? d.add(buf, h.momentum) : buf;
    }
    param.add_(d, -h.lr);
  }
}
