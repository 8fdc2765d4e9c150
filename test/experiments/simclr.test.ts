import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMnist } from '../../src/data/mnist.js';
import { imageEncoderPreset } from '../../src/encoders/image/index.js';
import { trainSimclr, type SimclrConfig } from '../../src/experiments/simclr.js';
import { knnAccuracy } from '../../src/metrics/knn.js';
import { getNumThreads, Generator, liveTensors, rand, setNumThreads, tensor } from '../../src/torch/index.js';

// One intra-op thread: these batches are small, and 1 thread is faster on a loaded 2-core machine.
const single = <T>(fn: () => T): T => {
  const threads = getNumThreads();
  setNumThreads(1);
  try {
    return fn();
  } finally {
    setNumThreads(threads);
  }
};

const MARGIN_MIN = 10;

test('SimCLR on MNIST beats a random-init encoder\'s linear probe by a wide margin', () => {
  // 2000 train / 1000 test digits, CPU-size pixel MLP, crop-only views, 80 epochs of batch 128
  // (≈ 10 s on an idle 2-core machine). Measured margins (points of probe accuracy, trained −
  // random init) at this budget: seeds 0–3: 14.1, 12.7, 10.1, 12.2
  // (this test uses seed 0). At 30 epochs they were 10.4–12.8, too
  // close to the threshold, hence the longer budget.
  const data = loadMnist({ train: 2000, test: 1000, gen: new Generator(0) });
  const config: SimclrConfig = {
    encoder: imageEncoderPreset('pixel-mlp', 'cpu', { inChannels: 1, imageSize: 28 }),
    augmentation: 'crop-only',
    tau: 0.5,
    lr: 1e-3,
    batchSize: 128,
    epochs: 80,
    seed: 0,
    probeEpochs: 300,
  };
  const [trained, random] = single(() => [trainSimclr(data, config), trainSimclr(data, { ...config, epochs: 0 })]);
  assert.equal(random.steps, 0);
  assert.equal(trained.steps, 80 * Math.floor(2000 / 128));
  // The loss falls from its random-init level (≈ log(2B − 1) = 5.55) during training.
  assert.ok((trained.epochLosses[0] as number) > trained.finalLoss, `loss did not fall: ${trained.epochLosses[0]} → ${trained.finalLoss}`);
  const margin = 100 * (trained.probe - random.probe);
  assert.ok(margin >= MARGIN_MIN, `probe ${(100 * trained.probe).toFixed(1)} % vs random-init ${(100 * random.probe).toFixed(1)} %: margin ${margin.toFixed(1)} points < ${MARGIN_MIN}`);
});

test('trainSimclr is deterministic given the seed', () => {
  const data = loadMnist({ train: 200, test: 100, gen: new Generator(3) });
  const config: SimclrConfig = {
    encoder: imageEncoderPreset('pixel-mlp', 'cpu', { inChannels: 1, imageSize: 28, hidden: [64], embedDim: 16 }),
    augmentation: 'all',
    tau: 0.5,
    lr: 1e-3,
    batchSize: 64,
    epochs: 2,
    seed: 5,
    probeEpochs: 50,
  };
  const [a, b, c] = single(() => [trainSimclr(data, config), trainSimclr(data, config), trainSimclr(data, { ...config, seed: 6 })]);
  // No tensor outlives a run (encoder, optimiser state, views and features are all released).
  const live = liveTensors();
  single(() => trainSimclr(data, config));
  assert.equal(liveTensors(), live);
  assert.deepEqual(a.epochLosses, b.epochLosses);
  assert.equal(a.probe, b.probe);
  assert.equal(a.knn, b.knn);
  assert.notDeepEqual(a.epochLosses, c.epochLosses);
  assert.equal(a.epochLosses.length, 2);
  assert.equal(a.steps, 2 * 3);
});

test('trainSimclr rejects bad configurations', () => {
  const data = loadMnist({ train: 20, test: 10, gen: new Generator(0) });
  const base: SimclrConfig = {
    encoder: imageEncoderPreset('pixel-mlp', 'cpu', { inChannels: 1, imageSize: 28, hidden: [8], embedDim: 4 }),
    augmentation: 'crop-only',
    tau: 0.5,
    lr: 1e-3,
    batchSize: 8,
    epochs: 1,
    seed: 0,
  };
  assert.throws(() => trainSimclr(data, { ...base, batchSize: 1 }), /batchSize/);
  assert.throws(() => trainSimclr(data, { ...base, epochs: -1 }), /epochs/);
  assert.throws(() => trainSimclr(data, { ...base, augmentation: 'nope' }), /unknown augmentation regime/);
});

test('knnAccuracy: majority vote of the k most cosine-similar train rows', () => {
  // Train rows: class 0 at [1, 0]; two class-1 rows just above it; class 2 far away at [0, 1].
  const trainX = tensor([[1, 0], [0.9, 0.1], [0.8, 0.2], [0, 1], [0.1, 1]]);
  const trainY = tensor([0, 1, 1, 2, 2], [5], 'int64');
  // The test row's nearest neighbour is class 0; its three nearest are 0, 1, 1.
  const testX = tensor([[1, 0.05], [0.05, 1]]);
  const testY = tensor([1, 2], [2], 'int64');
  assert.equal(knnAccuracy(trainX, trainY, testX, testY, { k: 1 }), 0.5);
  assert.equal(knnAccuracy(trainX, trainY, testX, testY, { k: 3 }), 1);
  // A 1–1 tie (k = 2) goes to the class with the larger summed similarity: class 0 here.
  assert.equal(knnAccuracy(trainX, trainY, tensor([[1, 0.05]]), tensor([0], [1], 'int64'), { k: 2 }), 1);
  // Cosine: rescaling rows changes nothing; chunking changes nothing.
  assert.equal(knnAccuracy(trainX.mul(7), trainY, testX.mul(0.01), testY, { k: 3, chunk: 1 }), 1);
  // k larger than the train set is clipped: all 5 rows vote, class 1 and 2 tie on 2 votes.
  assert.equal(knnAccuracy(trainX, trainY, tensor([[0.05, 1]]), tensor([2], [1], 'int64'), { k: 50 }), 1);
});

test('knnAccuracy: separable clusters score 1', () => {
  const gen = new Generator(1);
  const centres = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const labels = tensor(Array.from({ length: 300 }, (_, i) => i % 3), [300], 'int64');
  const x = centres.indexSelect(0, labels).add(rand([300, 3], gen).mul(0.2));
  assert.equal(knnAccuracy(x.narrow(0, 0, 200), labels.narrow(0, 0, 200), x.narrow(0, 200, 100), labels.narrow(0, 200, 100)), 1);
  assert.throws(() => knnAccuracy(x, labels, x.narrow(1, 0, 2), labels), /width/);
});
