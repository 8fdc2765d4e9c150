// Layer normalisation (torch.nn.LayerNorm).
import { F, ones, zeros, type Tensor } from '../torch/index.js';
import { positiveInt, pyBool } from './checks.js';
import { Module } from './module.js';

/**
 * Normalises over the trailing `normalizedShape` dimensions of each sample (biased variance), then
 * applies an elementwise scale (init 1) and shift (init 0) of shape `normalizedShape`.
 *
 * Shapes: x [..., ...normalizedShape] → same shape.
 *
 * @example
 * const ln = new LayerNorm(64);
 * ln.forward(randn([8, 64], gen));   // each row: mean 0, variance ≈ 1
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly weight: Tensor | undefined;
  readonly bias: Tensor | undefined;

  constructor(normalizedShape: number | number[], options: { eps?: number; elementwiseAffine?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0) throw new RangeError('LayerNorm: normalizedShape must not be empty');
    for (const d of this.normalizedShape) positiveInt('LayerNorm', 'normalizedShape entry', d);
    this.eps = options.eps ?? 1e-5;
    if (!(this.eps > 0)) throw new RangeError(`LayerNorm: eps must be positive, got ${this.eps}`);
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? this.registerParameter('weight', ones(this.normalizedShape)) : undefined;
    this.bias = this.elementwiseAffine ? this.registerParameter('bias', zeros(this.normalizedShape)) : undefined;
  }

  forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')},), eps=${this.eps}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
