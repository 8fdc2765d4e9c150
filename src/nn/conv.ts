// 2-d convolution (torch.nn.Conv2d).
import { empty, F, type Generator, type Tensor } from '../torch/index.js';
import { pair, positiveInt, pyBool, type Pair } from './checks.js';
import { fanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';

export interface Conv2dOptions {
  stride?: Pair;
  /** Zero padding on each side; default 0. */
  padding?: Pair;
  dilation?: Pair;
  /** Channel groups; inChannels and outChannels must both be divisible by it. Default 1. */
  groups?: number;
  bias?: boolean;
}

/**
 * 2-d cross-correlation with zero padding.
 *
 * Shapes: x [N, inChannels, H, W] → [N, outChannels, H', W'] with
 * H' = ⌊(H + 2·padding − dilation·(kh − 1) − 1)/stride⌋ + 1 (likewise W');
 * weight [outChannels, inChannels/groups, kh, kw], bias [outChannels].
 * Initialisation is PyTorch's default, drawn from `gen` (weight, then bias):
 * U(−1/√fanIn, 1/√fanIn) with fanIn = inChannels/groups·kh·kw.
 *
 * @example
 * const conv = new Conv2d(3, 8, 3, gen, { padding: 1 });
 * conv.forward(randn([2, 3, 32, 32], gen)).shape;   // [2, 8, 32, 32]
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, gen: Generator, options: Conv2dOptions = {}) {
    super();
    this.inChannels = positiveInt('Conv2d', 'inChannels', inChannels);
    this.outChannels = positiveInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = pair('Conv2d', 'kernelSize', kernelSize);
    this.stride = pair('Conv2d', 'stride', options.stride ?? 1);
    this.padding = pair('Conv2d', 'padding', options.padding ?? 0, 0);
    this.dilation = pair('Conv2d', 'dilation', options.dilation ?? 1);
    this.groups = positiveInt('Conv2d', 'groups', options.groups ?? 1);
    if (inChannels % this.groups !== 0)
      throw new RangeError(`Conv2d: inChannels (${inChannels}) must be divisible by groups (${this.groups})`);
    if (outChannels % this.groups !== 0)
      throw new RangeError(`Conv2d: outChannels (${outChannels}) must be divisible by groups (${this.groups})`);
    const shape = [outChannels, inChannels / this.groups, ...this.kernelSize];
    this.weight = this.registerParameter('weight', kaimingUniform_(empty(shape), gen, { a: Math.sqrt(5) }));
    if (options.bias ?? true) {
      const { fanIn } = fanInAndFanOut(shape);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      this.bias = this.registerParameter('bias', uniform_(empty([outChannels]), -bound, bound, gen));
    } else {
      this.bias = undefined;
    }
  }

  forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  override extraRepr(): string {
    const k = (p: [number, number]): string => `(${p[0]}, ${p[1]})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${k(this.kernelSize)}, stride=${k(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${k(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${k(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === undefined) s += `, bias=${pyBool(false)}`;
    return s;
  }
}
