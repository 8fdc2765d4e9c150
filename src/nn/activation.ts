// Elementwise activation layers (torch.nn.ReLU, LeakyReLU, GELU, Tanh, Sigmoid, Softplus, Identity).
// No parameters; shapes: any → same.
//
// Example:
//   new LeakyReLU(0.2).forward(tensor([-1, 2])).toArray();   // [-0.2, 2]
//   activation('gelu');                                      // a GELU layer, by name (for configs)
import { op, type Tensor } from '../torch/tensor.js';
import { Module } from './module.js';

/** max(0, x). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/** x for x ≥ 0, negativeSlope·x otherwise (default slope 0.01). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    if (!Number.isFinite(negativeSlope))
      throw new RangeError(`LeakyReLU: negativeSlope must be a finite number, got ${negativeSlope}`);
    this.negativeSlope = negativeSlope;
  }

  forward(x: Tensor): Tensor {
    return x.leakyRelu(this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

/** x·Φ(x) (exact, the default) or its tanh approximation. */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh')
      throw new RangeError(`GELU: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    this.approximate = approximate;
  }

  forward(x: Tensor): Tensor {
    return x.gelu(this.approximate);
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/** log(1 + exp(β·x))/β, and x itself where β·x > threshold (default β 1, threshold 20). */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(options: { beta?: number; threshold?: number } = {}) {
    super();
    this.beta = options.beta ?? 1;
    this.threshold = options.threshold ?? 20;
    if (!(this.beta > 0)) throw new RangeError(`Softplus: beta must be positive, got ${this.beta}`);
  }

  forward(x: Tensor): Tensor {
    return x.softplus(this.beta, this.threshold);
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** Returns its input (as a new handle on the same data, so the caller may dispose it freely). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return op('aten::alias', x);
  }
}

export type ActivationName = 'relu' | 'leaky-relu' | 'gelu' | 'tanh' | 'sigmoid' | 'softplus' | 'identity';

const ACTIVATIONS: Record<ActivationName, () => Module> = {
  relu: () => new ReLU(),
  'leaky-relu': () => new LeakyReLU(),
  gelu: () => new GELU(),
  tanh: () => new Tanh(),
  sigmoid: () => new Sigmoid(),
  softplus: () => new Softplus(),
  identity: () => new Identity(),
};

/**
 * A new activation layer by name (defaults of each layer); unknown names list the valid ones.
 *
 * @example
 * const act = activation('leaky-relu');   // LeakyReLU(0.01)
 * act.forward(x);
 */
export function activation(name: ActivationName): Module {
  const make = Object.hasOwn(ACTIVATIONS, name) ? ACTIVATIONS[name] : undefined;
  if (make === undefined)
    throw new RangeError(`unknown activation '${String(name)}'; valid: ${Object.keys(ACTIVATIONS).join(', ')}`);
  return make();
}
