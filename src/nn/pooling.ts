// 2-d pooling layers (torch.nn.MaxPool2d, AvgPool2d, AdaptiveAvgPool2d). No parameters.
import { op, type Tensor } from '../torch/tensor.js';
import { pair, pyBool, type Pair } from './checks.js';
import { Module } from './module.js';

function pairText(p: [number, number]): string {
  return p[0] === p[1] ? String(p[0]) : `(${p[0]}, ${p[1]})`;
}

function checkPadding(layer: string, padding: [number, number], kernel: [number, number]): void {
  // PyTorch: "pad should be at most half of effective kernel size".
  if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2)
    throw new RangeError(
      `${layer}: padding (${padding.join(', ')}) must be at most half the kernel size (${kernel.join(', ')})`,
    );
}

/**
 * Maximum over kernel windows. Shapes: [N, C, H, W] (or [C, H, W]) → [N, C, H', W'] with
 * H' = ⌊(H + 2·padding − dilation·(k − 1) − 1)/stride⌋ + 1 (⌈⌉ with ceilMode). Padding is −∞.
 *
 * @example
 * new MaxPool2d(2).forward(randn([1, 3, 8, 8], gen)).shape;   // [1, 3, 4, 4]
 */
export class MaxPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly ceilMode: boolean;

  /** `stride` defaults to `kernelSize`, as in PyTorch. */
  constructor(kernelSize: Pair, options: { stride?: Pair; padding?: Pair; dilation?: Pair; ceilMode?: boolean } = {}) {
    super();
    this.kernelSize = pair('MaxPool2d', 'kernelSize', kernelSize);
    this.stride = pair('MaxPool2d', 'stride', options.stride ?? this.kernelSize);
    this.padding = pair('MaxPool2d', 'padding', options.padding ?? 0, 0);
    this.dilation = pair('MaxPool2d', 'dilation', options.dilation ?? 1);
    this.ceilMode = options.ceilMode ?? false;
    checkPadding('MaxPool2d', this.padding, this.kernelSize);
  }

  forward(x: Tensor): Tensor {
    return op('aten::max_pool2d', x, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
  }

  override extraRepr(): string {
    return `kernel_size=${pairText(this.kernelSize)}, stride=${pairText(this.stride)}, padding=${pairText(this.padding)}, dilation=${pairText(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * Mean over kernel windows. Shapes as MaxPool2d. With `countIncludePad` (default true, as PyTorch)
 * the zero padding counts in the divisor.
 *
 * @example
 * new AvgPool2d(2).forward(ones([1, 1, 4, 4])).toArray();   // [1, 1, 1, 1]
 */
export class AvgPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  /** `stride` defaults to `kernelSize`, as in PyTorch. */
  constructor(
    kernelSize: Pair,
    options: { stride?: Pair; padding?: Pair; ceilMode?: boolean; countIncludePad?: boolean } = {},
  ) {
    super();
    this.kernelSize = pair('AvgPool2d', 'kernelSize', kernelSize);
    this.stride = pair('AvgPool2d', 'stride', options.stride ?? this.kernelSize);
    this.padding = pair('AvgPool2d', 'padding', options.padding ?? 0, 0);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    checkPadding('AvgPool2d', this.padding, this.kernelSize);
  }

  forward(x: Tensor): Tensor {
    return op('aten::avg_pool2d', x, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }

  override extraRepr(): string {
    return `kernel_size=${pairText(this.kernelSize)}, stride=${pairText(this.stride)}, padding=${pairText(this.padding)}`;
  }
}

/**
 * Mean pooling to a fixed output size, whatever the input size.
 * Shapes: [N, C, H, W] → [N, C, outH, outW].
 *
 * @example
 * new AdaptiveAvgPool2d(1).forward(randn([2, 16, 7, 7], gen)).shape;   // [2, 16, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: [number, number];

  constructor(outputSize: Pair) {
    super();
    this.outputSize = pair('AdaptiveAvgPool2d', 'outputSize', outputSize);
  }

  forward(x: Tensor): Tensor {
    return op('aten::adaptive_avg_pool2d', x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pairText(this.outputSize)}`;
  }
}
