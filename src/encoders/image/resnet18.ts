// ResNet-18 in its CIFAR form (Paper A's high-inductive-bias image encoder): a 3×3 stride-1 stem
// without max-pool, four stages of two BasicBlocks, global average pooling, a Linear to the
// embedding (or none), an optional projection head, and L2 normalisation.
import { BatchNorm2d, Conv2d, Identity, Linear, Module, ReLU, Sequential } from '../../nn/index.js';
import { scope, type Generator, type Tensor } from '../../torch/index.js';
import { NormalizedImageEncoder } from './base.js';
import { checkImageInput, checkPositiveInt, checkProjection, projectionHead, projectionParameters } from './checks.js';

export interface ResNet18EncoderOptions {
  /** Image channels; default 3. */
  inChannels?: number;
  /** Base width (channels of stage 1; stages have width·[1, 2, 4, 8]); default 64 (the paper's size). */
  width?: number;
  /** Embedding dimension; default 512. When it equals 8·width the Linear is omitted (identity). */
  embedDim?: number;
  /** Widths of an optional projection head after the embedding (Linear → ReLU → … → Linear). */
  projection?: readonly number[];
  /** Optional fixed image size (square); when given, inputs of another size are rejected. */
  imageSize?: number;
  /** Source of the initial weights (modules in registration order). */
  gen: Generator;
}

/** The paper's ~11.2M-parameter configuration (11,168,832 parameters: the backbone only). */
export const RESNET18_PAPER = { inChannels: 3, width: 64, embedDim: 512 } as const;
/** A small CPU configuration (width 16, embedDim 128: 700,176 parameters). */
export const RESNET18_CPU = { inChannels: 3, width: 16, embedDim: 128 } as const;

/**
 * torchvision's BasicBlock: conv3×3(stride) → BN → ReLU → conv3×3 → BN, plus the shortcut
 * (identity, or conv1×1(stride) → BN when the shape changes), then ReLU. Convolutions carry no
 * bias. Child names as torchvision (conv1, bn1, conv2, bn2, downsample.0, downsample.1).
 *
 * Shapes: x [N, inPlanes, H, W] → [N, planes, ⌈H/stride⌉, ⌈W/stride⌉].
 */
export class BasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | undefined;

  constructor(inPlanes: number, planes: number, stride: number, gen: Generator) {
    super();
    this.conv1 = this.registerModule(
      'conv1',
      new Conv2d(inPlanes, planes, 3, gen, { stride, padding: 1, bias: false }),
    );
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.conv2 = this.registerModule(
      'conv2',
      new Conv2d(planes, planes, 3, gen, { stride: 1, padding: 1, bias: false }),
    );
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    this.downsample =
      stride !== 1 || inPlanes !== planes
        ? this.registerModule(
            'downsample',
            new Sequential(new Conv2d(inPlanes, planes, 1, gen, { stride, bias: false }), new BatchNorm2d(planes)),
          )
        : undefined;
  }

  forward(x: Tensor): Tensor {
    return scope(() => {
      const out = this.bn2.forward(this.conv2.forward(this.bn1.forward(this.conv1.forward(x)).relu()));
      const shortcut = this.downsample === undefined ? x : this.downsample.forward(x);
      return out.add(shortcut).relu();
    });
  }
}

/**
 * Parameter count of `new ResNet18Encoder(options)`:
 * stem 9·c·w + 2w; per BasicBlock a→b: 9ab + 9b² + 4b, plus a·b + 2b for a downsample
 * (stages 2–4); the embedding Linear 8w·e + e unless e = 8w; the projection head Σ a·b + b.
 * With c = 3, w = 64, e = 512: 11,168,832 (= torchvision resnet18 with a CIFAR stem, minus fc).
 */
export function resnet18Parameters(options: Omit<ResNet18EncoderOptions, 'gen'> = {}): number {
  const { inChannels: c = 3, width: w = 64, embedDim: e = 512, projection = [] } = options;
  let n = 9 * c * w + 2 * w;
  let a = w;
  [w, 2 * w, 4 * w, 8 * w].forEach((b, stage) => {
    n += 9 * a * b + 9 * b * b + 4 * b + (stage > 0 ? a * b + 2 * b : 0); // first block
    n += 18 * b * b + 4 * b; // second block
    a = b;
  });
  if (e !== 8 * w) n += 8 * w * e + e;
  return n + projectionParameters(e, projection);
}

/**
 * f(x) = normalize(g(fc(avgpool(resnet(x))))): ResNet-18, CIFAR form.
 *
 * Stem: conv3×3 (stride 1, padding 1, no bias) → BatchNorm2d → ReLU, no max-pool. Then layer1–4,
 * two BasicBlocks each, widths width·[1, 2, 4, 8], stride 2 (with a 1×1 conv + BN downsample) at
 * the first block of layers 2–4; global average pooling to 8·width features; `fc`, a Linear to
 * embedDim — or the identity when embedDim = 8·width (the paper's 512 = 8·64, so the paper's
 * encoder is the bare backbone, 11,168,832 parameters); the optional projection head; L2
 * normalisation. Names follow torchvision (conv1, bn1, layer1.0.conv1, …, fc).
 *
 * Initialisation: the src/nn defaults, i.e. PyTorch's module defaults (convolutions
 * U(±1/√fanIn), BatchNorm weight 1 and bias 0), drawn from `gen` in registration order —
 * not torchvision's Kaiming-normal(fan_out) re-initialisation.
 *
 * BatchNorm makes training-mode outputs depend on the batch; `eval()` gives per-sample embeddings.
 *
 * Shapes: x [n, inChannels, H, W] (float32; any H, W ≥ 1 unless imageSize is set) → [n, outDim]
 * with outDim = the last projection width, else embedDim; rows of unit norm.
 *
 * @example
 * const f = new ResNet18Encoder({ width: 16, embedDim: 128, gen: new Generator(0) });
 * f.forward(randn([8, 3, 32, 32], gen)).shape;   // [8, 128]
 */
export class ResNet18Encoder extends NormalizedImageEncoder {
  readonly inChannels: number;
  readonly width: number;
  readonly embedDim: number;
  readonly projection: readonly number[];
  readonly imageSize: number | undefined;
  /** Output dimension: the last projection width, else embedDim. */
  readonly outDim: number;
  /** Dimension of the pooled backbone features (8·width). */
  readonly featureDim: number;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly layers: readonly Sequential[];
  readonly fc: Module;
  readonly head: Sequential | undefined;

  constructor(options: ResNet18EncoderOptions) {
    super();
    const { inChannels = 3, width = 64, embedDim = 512, imageSize, gen } = options;
    checkPositiveInt('ResNet18Encoder', 'inChannels', inChannels);
    checkPositiveInt('ResNet18Encoder', 'width', width);
    checkPositiveInt('ResNet18Encoder', 'embedDim', embedDim);
    if (imageSize !== undefined) checkPositiveInt('ResNet18Encoder', 'imageSize', imageSize);
    const projection = checkProjection('ResNet18Encoder', options.projection);
    this.inChannels = inChannels;
    this.width = width;
    this.embedDim = embedDim;
    this.projection = projection;
    this.imageSize = imageSize;
    this.featureDim = 8 * width;
    this.outDim = projection.length > 0 ? (projection[projection.length - 1] as number) : embedDim;
    this.conv1 = this.registerModule(
      'conv1',
      new Conv2d(inChannels, width, 3, gen, { stride: 1, padding: 1, bias: false }),
    );
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(width));
    this.relu = this.registerModule('relu', new ReLU());
    const layers: Sequential[] = [];
    let inPlanes = width;
    [1, 2, 4, 8].forEach((mult, i) => {
      const planes = width * mult;
      const stride = i === 0 ? 1 : 2;
      layers.push(
        this.registerModule(
          `layer${i + 1}`,
          new Sequential(new BasicBlock(inPlanes, planes, stride, gen), new BasicBlock(planes, planes, 1, gen)),
        ),
      );
      inPlanes = planes;
    });
    this.layers = layers;
    this.fc = this.registerModule(
      'fc',
      embedDim === this.featureDim ? new Identity() : new Linear(this.featureDim, embedDim, gen),
    );
    const head = projectionHead(embedDim, projection, gen);
    this.head = head === undefined ? undefined : this.registerModule('head', head);
  }

  /** Pooled backbone features [n, 8·width], before fc, the head and normalisation. */
  features(x: Tensor): Tensor {
    checkImageInput('ResNet18Encoder', x, this.inChannels, this.imageSize, this.imageSize);
    return scope(() => {
      let h = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
      for (const layer of this.layers) h = layer.forward(h);
      return h.mean([2, 3]);
    });
  }

  protected rawEmbedding(x: Tensor): Tensor {
    return scope(() => this.fc.forward(this.features(x)));
  }
}
