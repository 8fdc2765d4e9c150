// A chain of modules (torch.nn.Sequential).
import type { Tensor } from '../torch/index.js';
import { Module } from './module.js';

/**
 * Applies its modules in order. Children are named '0', '1', … so parameter names are PyTorch's
 * (`0.weight`, `1.running_mean`, …).
 *
 * Shapes: whatever the first module takes → whatever the last returns.
 *
 * @example
 * const net = new Sequential(new Linear(3, 16, gen), new ReLU(), new Linear(16, 2, gen));
 * net.forward(randn([8, 3], gen)).shape;     // [8, 2]
 * net.namedParameters().map(([n]) => n);     // ['0.weight', '0.bias', '2.weight', '2.bias']
 */
export class Sequential extends Module {
  readonly #layers: Module[] = [];

  constructor(...layers: Module[]) {
    super();
    for (const m of layers) this.append(m);
  }

  /** Adds a module at the end (named by its index) and returns this. */
  append(m: Module): this {
    this.#layers.push(this.registerModule(String(this.#layers.length), m));
    return this;
  }

  get length(): number {
    return this.#layers.length;
  }

  /** The module at index i (negative counts from the end). */
  at(i: number): Module {
    const m = this.#layers.at(i);
    if (m === undefined)
      throw new RangeError(`Sequential.at(): index ${i} out of range for ${this.#layers.length} modules`);
    return m;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.#layers[Symbol.iterator]();
  }

  forward(x: Tensor): Tensor {
    // Intermediate outputs stay alive as long as autograd needs them; an enclosing scope frees them.
    let h = x;
    for (const m of this.#layers) h = m.forward(h);
    return h;
  }
}
