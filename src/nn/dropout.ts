// Dropout (torch.nn.Dropout) with its own explicit random stream.
import { F, type Generator, type Tensor } from '../torch/index.js';
import { Module } from './module.js';

/**
 * In training mode zeroes each element with probability p and scales the survivors by 1/(1−p)
 * (inverted dropout), with the mask drawn from `gen`: the same generator state gives the same
 * mask. In eval mode it is the identity.
 *
 * Shapes: any → same.
 *
 * @example
 * const drop = new Dropout(0.1, gen.split(1)[0]!);
 * drop.forward(h);          // training: random mask from the generator
 * drop.eval().forward(h);   // identity
 */
export class Dropout extends Module {
  readonly p: number;
  readonly gen: Generator;

  constructor(p: number, gen: Generator) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Dropout: p must be in [0, 1], got ${p}`);
    this.p = p;
    this.gen = gen;
  }

  forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training, this.gen);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
