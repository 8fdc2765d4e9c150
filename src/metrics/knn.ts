// k-nearest-neighbour accuracy on frozen features, the second downstream score of the image studies
// (issue 6; SimCLR-style monitors use cosine k-NN with k ≈ 20).
//
//   1. L2-normalise train and test features (cosine similarity = dot product of unit rows).
//   2. For every test row, the k train rows of highest cosine similarity (ties: libtorch's topk).
//   3. Majority vote over their labels; a tie between classes goes to the class whose tied
//      neighbours have the larger summed similarity (added as sum/(2k+1), always < ½ a vote).
//   4. Accuracy = fraction of test rows whose vote equals the label.
// Test rows are processed in chunks so the similarity matrix stays small.
import { F, noGrad, scope, zeros, type Tensor } from '../torch/index.js';
import { checkFinite } from './types.js';

export interface KnnOptions {
  /** Neighbours k; default 20 (clipped to the number of train rows). */
  k?: number;
  /** Number of classes C; default max(label) + 1 over train and test. */
  classes?: number;
  /** Test rows per chunk; default 1024. */
  chunk?: number;
}

/** Checks shapes, label dtype and finiteness of both sets; returns n (train rows) and m (test rows). */
function checkData(fn: string, trainX: Tensor, trainY: Tensor, testX: Tensor, testY: Tensor): { n: number; m: number } {
  if (trainX.ndim !== 2 || testX.ndim !== 2)
    throw new RangeError(
      `${fn}: features must be 2-d [n, d], got [${trainX.shape.join(', ')}] and [${testX.shape.join(', ')}]`,
    );
  if (trainX.size(1) !== testX.size(1))
    throw new RangeError(`${fn}: train and test features differ in width (${trainX.size(1)} vs ${testX.size(1)})`);
  if (trainY.ndim !== 1 || trainY.size(0) !== trainX.size(0))
    throw new RangeError(`${fn}: trainY must be [${trainX.size(0)}], got [${trainY.shape.join(', ')}]`);
  if (testY.ndim !== 1 || testY.size(0) !== testX.size(0))
    throw new RangeError(`${fn}: testY must be [${testX.size(0)}], got [${testY.shape.join(', ')}]`);
  if (trainY.dtype !== 'int64' && trainY.dtype !== 'int32')
    throw new TypeError(`${fn}: labels must be integer tensors, got ${trainY.dtype}`);
  checkFinite(fn, 'trainX', trainX);
  checkFinite(fn, 'testX', testX);
  const n = trainX.size(0);
  const m = testX.size(0);
  if (n < 1 || m < 1) throw new RangeError(`${fn}: train and test sets must be non-empty`);
  return { n, m };
}

/** The neighbour count k (clipped to the n train rows) and the chunk size, checked. */
function checkOptions(fn: string, options: KnnOptions, n: number): { k: number; chunk: number } {
  const { k: kWanted = 20, chunk = 1024 } = options;
  if (!Number.isInteger(kWanted) || kWanted < 1)
    throw new RangeError(`${fn}: k must be a positive integer, got ${String(kWanted)}`);
  if (!Number.isInteger(chunk) || chunk < 1)
    throw new RangeError(`${fn}: chunk must be a positive integer, got ${String(chunk)}`);
  return { k: Math.min(kWanted, n), chunk };
}

/** The number of classes C (given, or max label + 1), checked against the labels of both sets. */
function checkClasses(fn: string, trainY: Tensor, testY: Tensor, given: number | undefined): number {
  const maxLabel = Math.max(trainY.max().item(), testY.max().item());
  const classes = given ?? maxLabel + 1;
  if (
    !Number.isInteger(classes) ||
    classes < 1 ||
    maxLabel >= classes ||
    Math.min(trainY.min().item(), testY.min().item()) < 0
  )
    throw new RangeError(`${fn}: labels must lie in [0, ${classes - 1}]`);
  return classes;
}

/**
 * Cosine k-NN classification accuracy of testX given labelled trainX.
 *
 * Shapes: trainX [n, d], testX [m, d] (float); trainY [n], testY [m] integer labels.
 * @example
 * const acc = knnAccuracy(fTrain, yTrain, fTest, yTest, { k: 20 });
 */
export function knnAccuracy(
  trainX: Tensor,
  trainY: Tensor,
  testX: Tensor,
  testY: Tensor,
  options: KnnOptions = {},
): number {
  const fn = 'knnAccuracy()';
  const { n, m } = checkData(fn, trainX, trainY, testX, testY);
  const { k, chunk } = checkOptions(fn, options, n);
  return noGrad(() =>
    scope(() => {
      const classes = checkClasses(fn, trainY, testY, options.classes);
      const train = F.normalize(trainX.to('float32'), 1);
      const test = F.normalize(testX.to('float32'), 1);
      const yTrain = trainY.long();
      const yTest = testY.long();
      let correct = 0;
      for (let start = 0; start < m; start += chunk) {
        const rows = Math.min(chunk, m - start);
        correct += scope(() =>
          votes(test.narrow(0, start, rows), train, yTrain, k, classes)
            .argmax(1)
            .eq(yTest.narrow(0, start, rows))
            .sum()
            .item(),
        );
      }
      return correct / m;
    }),
  );
}

/**
 * Header steps 2–3: the votes [r, C] of each unit query row (query [r, d]) from its k most similar
 * unit train rows (train [n, d], labels yTrain [n]). Each neighbour adds 1 + similarity/(2k+1):
 * k similarities in [−1, 1] sum to less than ½ after the division, so they only break ties.
 */
function votes(query: Tensor, train: Tensor, yTrain: Tensor, k: number, classes: number): Tensor {
  const rows = query.size(0);
  const sim = query.matmul(train.T); // [rows, n]
  const [vals, idx] = sim.topk(k, 1);
  const neighbourLabels = yTrain.indexSelect(0, idx.reshape(-1)).reshape(rows, k);
  return zeros([rows, classes]).scatterAdd(1, neighbourLabels, vals.div(2 * k + 1).add(1));
}
