// Fully connected layer (torch.nn.Linear).
import { empty, F, type Generator, type Tensor } from '../torch/index.js';
import { positiveInt, pyBool } from './checks.js';
import { fanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';

/**
 * y = x·Wᵀ + b.
 *
 * Shapes: x [..., inFeatures] → y [..., outFeatures]; weight [outFeatures, inFeatures],
 * bias [outFeatures]. Initialisation is PyTorch's default, drawn from `gen` in PyTorch's order
 * (weight, then bias): weight kaiming_uniform(a=√5) = U(−1/√in, 1/√in), bias U(−1/√in, 1/√in).
 *
 * @example
 * const fc = new Linear(3, 16, new Generator(0));
 * fc.forward(randn([8, 3], gen)).shape;   // [8, 16]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;

  constructor(inFeatures: number, outFeatures: number, gen: Generator, options: { bias?: boolean } = {}) {
    super();
    this.inFeatures = positiveInt('Linear', 'inFeatures', inFeatures);
    this.outFeatures = positiveInt('Linear', 'outFeatures', outFeatures);
    this.weight = this.registerParameter(
      'weight',
      kaimingUniform_(empty([outFeatures, inFeatures]), gen, { a: Math.sqrt(5) }),
    );
    if (options.bias ?? true) {
      const { fanIn } = fanInAndFanOut(this.weight.shape);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      this.bias = this.registerParameter('bias', uniform_(empty([outFeatures]), -bound, bound, gen));
    } else {
      this.bias = undefined;
    }
  }

  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== undefined)}`;
  }
}
