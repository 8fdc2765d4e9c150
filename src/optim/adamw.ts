// AdamW: Adam with decoupled weight decay (torch.optim.AdamW, PyTorch 1.13 single-tensor path).
import type { Tensor } from '../torch/index.js';
import { ADAM_STATE, adamUpdate, adamUpdateGroup, checkAdam, type AdamHyper, type AdamOptions } from './adam.js';
import { BaseOptimizer, withDefaults, type GroupItem, type ParamGroupInput } from './optimizer.js';

const DEFAULTS: AdamHyper = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 1e-2,
  amsgrad: false,
  maximize: false,
};

/**
 * AdamW (Loshchilov & Hutter 2019) exactly as torch.optim.AdamW 1.13 (foreach=False): before the
 * Adam update the parameter shrinks by p ← p·(1 − lr·weightDecay), instead of the decay entering
 * the gradient. Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 1e-2.
 *
 * @example
 * const opt = new AdamW(net.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends BaseOptimizer<AdamHyper> {
  constructor(params: readonly Tensor[] | readonly ParamGroupInput<AdamHyper>[], options: AdamOptions = {}) {
    super('AdamW', params, withDefaults('AdamW', DEFAULTS, options), checkAdam('AdamW'), ADAM_STATE);
  }

  protected updateParam(param: Tensor, grad: Tensor, state: Map<string, Tensor>, h: AdamHyper): void {
    adamUpdate(param, grad, state, h, true);
  }

  protected override updateGroup(items: GroupItem[], h: AdamHyper): boolean {
    return adamUpdateGroup(items, h, true);
  }
}
