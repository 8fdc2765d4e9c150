// Image encoders (ResNet-18 CIFAR form, ViT, pixel MLP): shapes, unit-norm rows, exact parameter
// counts (formula vs module, small and paper sizes), gradients reach every parameter, seeded
// determinism, per-sample evaluation mode, projection heads, presets and input checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, randn, scope, type Tensor } from '../../src/torch/index.js';
import {
  IMAGE_ENCODER_KINDS,
  PIXEL_MLP_PAPER,
  PixelMlpEncoder,
  RESNET18_PAPER,
  ResNet18Encoder,
  VIT_PAPER,
  ViTEncoder,
  createImageEncoder,
  imageEncoderParameters,
  imageEncoderPreset,
  pixelMlpParameters,
  resnet18Parameters,
  vitParameters,
  type ImageEncoder,
  type ImageEncoderSpec,
} from '../../src/encoders/image/index.js';

const maxAbsDiff = (a: Tensor, b: Tensor): number => scope(() => a.sub(b).abs().max().item());
const maxNormError = (y: Tensor): number => scope(() => y.norm(2, 1).sub(1).abs().max().item());
const sumNumel = (f: ImageEncoder): number =>
  f.parameters().reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);

/** Small configurations that run forward and backward quickly on the CPU. */
const SMALL: [string, ImageEncoderSpec, [number, number, number]][] = [
  ['ResNet18Encoder', { kind: 'resnet18', inChannels: 3, width: 4, embedDim: 16 }, [3, 16, 16]],
  [
    'ViTEncoder',
    { kind: 'vit', imageSize: 16, patch: 4, inChannels: 3, dim: 16, depth: 2, heads: 4, embedDim: 16 },
    [3, 16, 16],
  ],
  ['PixelMlpEncoder', { kind: 'pixel-mlp', inChannels: 3, imageSize: 8, hidden: [32, 24], embedDim: 16 }, [3, 8, 8]],
];

for (const [name, spec, [c, h, w]] of SMALL) {
  test(`${name}: shape, unit-norm rows, exact parameter count, gradients reach every parameter`, () => {
    const gen = new Generator(1);
    const f = createImageEncoder(spec, new Generator(0));
    assert.equal(f.constructor.name, name);
    assert.equal(f.numParameters(), imageEncoderParameters(spec));
    assert.equal(sumNumel(f), imageEncoderParameters(spec));
    scope(() => {
      const x = randn([6, c, h, w], gen);
      const y = f.forward(x);
      assert.deepEqual(y.shape, [6, 16]);
      assert.equal(y.dtype, 'float32');
      assert.ok(maxNormError(y) < 1e-5);
      for (const p of f.parameters()) p.zeroGrad();
      y.mul(randn(y.shape, gen)).sum().backward();
      for (const [pname, p] of f.namedParameters()) {
        const g = p.grad;
        assert.ok(g !== undefined && g !== null, `no gradient for ${pname}`);
        assert.deepEqual(g.shape, p.shape, pname);
        assert.ok(g.isfinite().all().item(), `non-finite gradient for ${pname}`);
        assert.ok(g.abs().max().item() > 0, `zero gradient for ${pname}`);
      }
    });
    f.dispose();
  });

  test(`${name}: seeded determinism; eval mode is per sample (a batch of 1 works)`, () => {
    const a = createImageEncoder(spec, new Generator(5));
    const b = createImageEncoder(spec, new Generator(5));
    const other = createImageEncoder(spec, new Generator(6));
    scope(() => {
      const x = randn([4, c, h, w], new Generator(2));
      assert.equal(maxAbsDiff(a.forward(x), b.forward(x)), 0, 'same seed, same training-mode output');
      assert.ok(maxAbsDiff(a.forward(x), other.forward(x)) > 1e-3, 'another seed gives another encoder');
      a.eval();
      const y = a.forward(x);
      assert.equal(maxAbsDiff(y, a.forward(x)), 0, 'eval is deterministic');
      for (let i = 0; i < 4; i++) {
        const yi = a.forward(x.narrow(0, i, 1));
        assert.deepEqual(yi.shape, [1, 16]);
        assert.ok(maxAbsDiff(yi, y.narrow(0, i, 1)) < 1e-5, `sample ${i} alone equals its row in the batch`);
      }
      a.train();
      assert.equal(a.training, true);
    });
    for (const f of [a, b, other]) f.dispose();
  });

  test(`${name}: rejects inputs of the wrong rank, shape or dtype with a clear message`, () => {
    const f = createImageEncoder(spec, new Generator(0));
    scope(() => {
      assert.throws(
        () => f.forward(randn([2, c * h * w])),
        new RegExp(`${name}: expects an image batch x of shape \\[n, ${c}, .*got a 2-d tensor`),
      );
      assert.throws(
        () => f.forward(randn([2, c + 1, h, w])),
        new RegExp(`${name}: expects x of shape \\[n, ${c}, .*got \\[2, ${c + 1}, ${h}, ${w}\\]`),
      );
      assert.throws(
        () => f.forward(randn([2, c, h, w], undefined, 'float64')),
        new RegExp(`${name}: x must be float32`),
      );
      if (name !== 'ResNet18Encoder') assert.throws(() => f.forward(randn([2, c, h + 4, w])), /expects x of shape/);
    });
    f.dispose();
  });
}

test('ResNet18Encoder: paper size is torchvision resnet18 with a CIFAR stem minus fc (11,168,832)', () => {
  assert.equal(resnet18Parameters(RESNET18_PAPER), 11_168_832);
  // torchvision resnet18: 11,689,512 = backbone + fc (512·1000 + 1000); the CIFAR stem has 3·64·9 instead of 3·64·49 weights.
  assert.equal(11_689_512 - (512 * 1000 + 1000) - 3 * 64 * (49 - 9), 11_168_832);
  const f = new ResNet18Encoder({ ...RESNET18_PAPER, gen: new Generator(0) });
  assert.equal(f.numParameters(), 11_168_832);
  assert.equal(sumNumel(f), 11_168_832);
  assert.equal(f.fc.numParameters(), 0, 'embedDim = 8·width: fc is the identity');
  assert.deepEqual(
    f
      .namedParameters()
      .slice(0, 4)
      .map(([n]) => n),
    ['conv1.weight', 'bn1.weight', 'bn1.bias', 'layer1.0.conv1.weight'],
  );
  assert.ok(f.namedParameters().some(([n]) => n === 'layer2.0.downsample.0.weight'));
  assert.ok(!f.namedParameters().some(([n]) => n.startsWith('layer1.0.downsample')));
  f.dispose();
});

test('ResNet18Encoder: variants (fc Linear, one channel, projection head) have the formula count; any spatial size unless imageSize is set', () => {
  for (const options of [
    { width: 8, embedDim: 64 },
    { width: 8, embedDim: 32 },
    { inChannels: 1, width: 4, embedDim: 10 },
    { width: 4, embedDim: 16, projection: [32, 8] },
  ]) {
    const f = new ResNet18Encoder({ ...options, gen: new Generator(0) });
    assert.equal(f.numParameters(), resnet18Parameters(options), JSON.stringify(options));
    f.dispose();
  }
  assert.equal(
    resnet18Parameters({ width: 8, embedDim: 64 }),
    resnet18Parameters({ width: 8, embedDim: 32 }) - (64 * 32 + 32),
  );
  const f = new ResNet18Encoder({ width: 4, embedDim: 16, projection: [32, 8], gen: new Generator(0) });
  assert.equal(f.outDim, 8);
  scope(() => {
    const y = f.forward(randn([3, 3, 12, 20], new Generator(1)));
    assert.deepEqual(y.shape, [3, 8]);
    assert.ok(maxNormError(y) < 1e-5);
    assert.deepEqual(f.features(randn([3, 3, 12, 20])).shape, [3, 32]);
    const e = f.embed(randn([3, 3, 8, 8]));
    assert.deepEqual(e.shape, [3, 16]);
    assert.ok(maxNormError(e) < 1e-5);
  });
  const fixed = new ResNet18Encoder({ width: 4, embedDim: 16, imageSize: 32, gen: new Generator(0) });
  assert.throws(
    () => scope(() => fixed.forward(randn([2, 3, 16, 16]))),
    /ResNet18Encoder: expects x of shape \[n, 3, 32, 32\], got \[2, 3, 16, 16\]/,
  );
  assert.throws(
    () => new ResNet18Encoder({ width: 0, gen: new Generator(0) }),
    /ResNet18Encoder: width must be a positive integer/,
  );
  assert.throws(
    () => new ResNet18Encoder({ width: 4, projection: [8, -1], gen: new Generator(0) }),
    /projection\[1\] must be a positive integer/,
  );
  f.dispose();
  fixed.dispose();
});

test('ViTEncoder: paper size (dim 384, depth 6, heads 6) has 10,888,832 parameters; the formula matches the module', () => {
  assert.equal(vitParameters(VIT_PAPER), 10_888_832);
  const f = new ViTEncoder({ ...VIT_PAPER, gen: new Generator(0) });
  assert.equal(f.numParameters(), 10_888_832);
  assert.equal(sumNumel(f), 10_888_832);
  assert.equal(f.numTokens, 64);
  f.dispose();
  for (const options of [
    { imageSize: 28, patch: 7, inChannels: 1, dim: 24, depth: 3, heads: 3, mlpRatio: 2, embedDim: 10 },
    { imageSize: 16, patch: 4, dim: 16, depth: 1, heads: 2, embedDim: 16, projection: [32, 8] },
  ]) {
    const g = new ViTEncoder({ ...options, gen: new Generator(0) });
    assert.equal(g.numParameters(), vitParameters(options), JSON.stringify(options));
    g.dispose();
  }
  assert.throws(
    () => new ViTEncoder({ dim: 30, depth: 1, heads: 4, gen: new Generator(0) }),
    /ViTEncoder: dim \(30\) must be divisible by heads \(4\)/,
  );
  assert.throws(
    () => new ViTEncoder({ imageSize: 30, patch: 4, dim: 16, depth: 1, heads: 4, gen: new Generator(0) }),
    /imageSize \(30\) must be divisible by patch \(4\)/,
  );
});

test('ViTEncoder: class token starts at zero, position embedding ~ N(0, 0.02²); training mode equals eval mode (no BatchNorm)', () => {
  const f = new ViTEncoder({
    imageSize: 16,
    patch: 4,
    dim: 32,
    depth: 1,
    heads: 4,
    embedDim: 8,
    gen: new Generator(0),
  });
  scope(() => {
    assert.equal(f.classToken.abs().max().item(), 0);
    const std = f.posEmbedding.std().item();
    assert.ok(std > 0.015 && std < 0.025, `pos-embedding std ${std}`);
    const x = randn([3, 3, 16, 16], new Generator(1));
    const yTrain = f.forward(x);
    f.eval();
    assert.ok(maxAbsDiff(yTrain, f.forward(x)) < 1e-6);
  });
  f.dispose();
});

test('PixelMlpEncoder: paper size has 11,025,920 parameters; formula matches variants; BatchNorm needs >1 sample in training', () => {
  assert.equal(pixelMlpParameters(PIXEL_MLP_PAPER), 11_025_920);
  const f = new PixelMlpEncoder({ ...PIXEL_MLP_PAPER, gen: new Generator(0) });
  assert.equal(f.numParameters(), 11_025_920);
  assert.equal(sumNumel(f), 11_025_920);
  f.dispose();
  for (const options of [
    { inChannels: 1, imageSize: 28, hidden: [64], embedDim: 10 },
    { imageSize: 8, hidden: [16, 16], embedDim: 8, projection: [16, 4] },
  ]) {
    const g = new PixelMlpEncoder({ ...options, gen: new Generator(0) });
    assert.equal(g.numParameters(), pixelMlpParameters(options), JSON.stringify(options));
    g.dispose();
  }
  const g = new PixelMlpEncoder({ imageSize: 8, hidden: [16], embedDim: 8, gen: new Generator(0) });
  assert.throws(() => scope(() => g.forward(randn([1, 3, 8, 8]))), /more than 1 value per channel/);
  assert.throws(
    () => new PixelMlpEncoder({ hidden: [16, 0], gen: new Generator(0) }),
    /PixelMlpEncoder: hidden\[1\] must be a positive integer/,
  );
  g.dispose();
});

test('presets and factory: every kind at both sizes builds with the counted parameters; unknown kinds are rejected', () => {
  const expected: Record<string, number> = { resnet18: 700_176, vit: 215_744, 'pixel-mlp': 1_739_136 };
  for (const kind of IMAGE_ENCODER_KINDS) {
    const spec = imageEncoderPreset(kind, 'cpu');
    assert.equal(imageEncoderParameters(spec), expected[kind], kind);
    const f = createImageEncoder(spec, new Generator(0));
    assert.equal(f.numParameters(), expected[kind]);
    assert.equal(f.outDim, 128);
    f.dispose();
    const paper = imageEncoderParameters(imageEncoderPreset(kind, 'paper'));
    assert.ok(paper > 10.5e6 && paper < 11.5e6, `${kind} paper size ${paper}`);
  }
  const mnist = imageEncoderPreset('vit', 'cpu', { inChannels: 1, imageSize: 28 });
  const m = createImageEncoder(mnist, new Generator(0));
  assert.equal(m.numParameters(), imageEncoderParameters(mnist));
  m.dispose();
  assert.throws(
    () => createImageEncoder({ kind: 'cnn' } as unknown as ImageEncoderSpec, new Generator(0)),
    /unknown encoder kind 'cnn'; valid: resnet18, vit, pixel-mlp/,
  );
  assert.throws(() => imageEncoderPreset('vit', 'huge' as 'cpu'), /unknown size 'huge'/);
});
