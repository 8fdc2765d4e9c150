// The metrics a spec can ask for (`eval.metrics: [r2, mcc, { kind: knn, k: 20 }]`), computed on the
// run's held-out set (src/data/source.ts, EvalSet) at every evaluation. Each declares what it needs
// from the data (latents, labels, positive views), checked when the spec is validated.
import { z } from 'zod';
import type { EvalSet } from '../data/source.js';
import type { ContrastiveLoss } from '../losses/types.js';
import { defineKind, positiveInt, variant, unitInterval, type ConfigOf } from '../registry/kind.js';
import { noGrad, randperm, scope, type Generator, type Tensor } from '../torch/index.js';
import { alignment, uniformity } from './alignment-uniformity.js';
import { blockR2 } from './block-r2.js';
import { heldOutMcc } from './held-out-mcc.js';
import { permutationDisentanglement } from './permutation-disentanglement.js';
import { ape } from './ape.js';
import { lossOnPairs } from './eval-loss.js';
import { adjustedRandIndex, normalizedMutualInfo } from './cluster-agreement.js';
import { kmeans } from './kmeans.js';
import { knnAccuracy } from './knn.js';
import { linearProbe } from './linear-probe.js';
import { mcc } from './mcc.js';
import { orthogonalityMetric } from './orthogonality.js';
import { r2 } from './r2.js';
import { silhouette } from './silhouette.js';
import { similarityStats } from './similarity-stats.js';
import { similarityRange } from './similarity-range.js';

/** What an evaluation hands every metric. */
export interface EvalContext {
  eval: EvalSet;
  /** The representation of eval.inputs [n, d] (encoder in eval mode, before a projection head). */
  embeddings: Tensor;
  /** The representation of eval.positives, when the data has positive views. */
  positiveEmbeddings?: Tensor;
  /** The representation of eval.train.inputs, when the data has a labelled training split. */
  trainEmbeddings?: Tensor;
  /** The run's training loss (with its auxiliary terms), for metrics that evaluate it on held-out pairs. */
  loss?: ContrastiveLoss;
  /** Randomness of the metric itself (held-out splits, k-means seeds), the same at every evaluation. */
  gen: Generator;
}

export type Requirement = 'latents' | 'labels' | 'positives';

const latents = (ctx: EvalContext): Tensor => ctx.eval.latents as Tensor;
const labels = (ctx: EvalContext): Tensor => ctx.eval.labels as Tensor;

/** Train/test features and labels for probes: the data's own split, or a seeded half/half split. */
function probeSplit(ctx: EvalContext): { trainX: Tensor; trainY: Tensor; testX: Tensor; testY: Tensor } {
  if (ctx.eval.train !== undefined && ctx.trainEmbeddings !== undefined)
    return { trainX: ctx.trainEmbeddings, trainY: ctx.eval.train.labels, testX: ctx.embeddings, testY: labels(ctx) };
  const n = ctx.embeddings.size(0);
  const perm = randperm(n, ctx.gen);
  const half = Math.floor(n / 2);
  const [tr, te] = [perm.narrow(0, 0, half), perm.narrow(0, half, n - half)];
  return {
    trainX: ctx.embeddings.indexSelect(0, tr),
    trainY: labels(ctx).indexSelect(0, tr),
    testX: ctx.embeddings.indexSelect(0, te),
    testY: labels(ctx).indexSelect(0, te),
  };
}

/** A metric's reported name: a letter, then letters, digits or '_' (a key of the run's metrics). */
const metricName = (key: string) =>
  z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, {
    error: `${key} must start with a letter and hold only letters, digits and '_' (e.g. r2Pooled)`,
  });

const measure = (f: () => Record<string, number>): Record<string, number> => noGrad(() => scope(f));

export const metricKinds = {
  r2: defineKind({
    // average, intercept and as are optional rather than defaulted, so that a spec that does not
    // name them resolves (and hashes to a run key) exactly as before they existed.
    schema: variant('r2', {
      /** Share of the held-out set the affine fit is scored on (0: fit and score on all of it). */
      testFraction: unitInterval('testFraction').default(0),
      /** Also report R² per latent factor (<as>_0, <as>_1, …). */
      perFactor: z.boolean().default(false),
      /** 'uniform' (unset): mean of the per-factor R²; 'pooled': 1 − ΣSS_res/ΣSS_tot over all factors. */
      average: z.enum(['uniform', 'pooled']).optional(),
      /** false: fit z ≈ ẑW without a bias (unset: with one). */
      intercept: z.boolean().optional(),
      /** The name the value is reported under (unset: r2), e.g. r2Pooled next to r2 in one run. */
      as: metricName('as').optional(),
    }),
    summary:
      'R² of an affine regression predicting the true latents from the representation (1 = perfect); average: pooled, intercept: false and testFraction choose other definitions, reported under `as`',
    example: { kind: 'r2' },
    requires: ['latents'],
    outputs: (c, latentDim) => {
      const name = c.as ?? 'r2';
      return [name, ...(c.perFactor ? Array.from({ length: latentDim }, (_, i) => `${name}_${i}`) : [])];
    },
    create: (c, ctx: EvalContext): Record<string, number> =>
      measure(() => {
        const res = r2(
          latents(ctx),
          ctx.embeddings,
          c.testFraction > 0 ? { testFraction: c.testFraction, gen: ctx.gen } : undefined,
          {
            ...(c.average !== undefined ? { average: c.average } : {}),
            ...(c.intercept !== undefined ? { intercept: c.intercept } : {}),
          },
        );
        const name = c.as ?? 'r2';
        return {
          [name]: res.r2,
          ...(c.perFactor ? Object.fromEntries(res.perDim.map((v, i) => [`${name}_${i}`, v])) : {}),
        };
      }),
  }),
  mcc: defineKind({
    schema: variant('mcc', {}),
    summary: 'mean |Pearson correlation| after Hungarian matching of latent and representation dimensions',
    example: { kind: 'mcc' },
    requires: ['latents'],
    outputs: () => ['mcc'],
    create: (_c, ctx: EvalContext) => measure(() => ({ mcc: mcc(latents(ctx), ctx.embeddings).mcc })),
  }),
  'held-out-mcc': defineKind({
    schema: variant('held-out-mcc', {}),
    summary:
      'out-of-sample MCC: the Hungarian matching of |Pearson| learned on the first half of the held-out set, scored on the second (mccHeldOut)',
    example: { kind: 'held-out-mcc' },
    requires: ['latents'],
    outputs: () => ['mccHeldOut'],
    create: (_c, ctx: EvalContext) => measure(() => ({ mccHeldOut: heldOutMcc(latents(ctx), ctx.embeddings).mcc })),
  }),
  'permutation-disentanglement': defineKind({
    schema: variant('permutation-disentanglement', {}),
    summary:
      "cl-ica's permutation score (perm): per-dimension least-squares rescaling, then Munkres-matched mean |Pearson| (Zimmermann et al. 2021)",
    example: { kind: 'permutation-disentanglement' },
    requires: ['latents'],
    outputs: () => ['perm'],
    create: (_c, ctx: EvalContext) =>
      measure(() => ({ perm: permutationDisentanglement(latents(ctx), ctx.embeddings) })),
  }),
  'block-r2': defineKind({
    schema: variant('block-r2', {
      /** Content coordinates n_c: the first n_c latents are content, the rest style. */
      content: positiveInt('content'),
      /** Also the kernel-ridge readout (contentR2Nonlinear, styleR2Nonlinear). */
      nonlinear: z.boolean().default(true),
      /** Rows of the fit half the kernel readout is fitted on (cost ∝ maxFit³). */
      maxFit: positiveInt('maxFit').default(1000),
      /** Standardise representation and blocks with the fit half's mean and std (von Kügelgen et al.). */
      standardize: z.boolean().default(true),
    }),
    summary:
      'R² of predicting the content block (first n_c latents) and the style block from the representation, linear and kernel ridge, fitted on half the held-out set and scored on the other (von Kügelgen et al. 2021)',
    example: { kind: 'block-r2', content: 1, maxFit: 12 },
    requires: ['latents'],
    outputs: (c) => ['contentR2', 'styleR2', ...(c.nonlinear ? ['contentR2Nonlinear', 'styleR2Nonlinear'] : [])],
    create: (c, ctx: EvalContext) =>
      measure(() => {
        const r = blockR2(latents(ctx), ctx.embeddings, c);
        return {
          contentR2: r.content,
          styleR2: r.style,
          ...(r.contentNonlinear !== undefined ? { contentR2Nonlinear: r.contentNonlinear } : {}),
          ...(r.styleNonlinear !== undefined ? { styleR2Nonlinear: r.styleNonlinear } : {}),
        };
      }),
  }),
  ape: defineKind({
    // pairs and as are optional rather than defaulted, so that `ape` hashes to a run key as before.
    schema: variant('ape', {
      /** 'distinct' (unset): pairs i ≠ j, the paper's text; 'all-halved': Paper A's reference code. */
      pairs: z.enum(['distinct', 'all-halved']).optional(),
      /** The name the value is reported under (unset: ape). */
      as: metricName('as').optional(),
    }),
    summary:
      "mean |z_i·z_j − ẑ_i·ẑ_j| over pairs i ≠ j (0 = isometry); pairs: all-halved is Paper A's reference code (half the mean over all pairs, ≈ half), reported under `as`",
    example: { kind: 'ape' },
    requires: ['latents'],
    outputs: (c) => [c.as ?? 'ape'],
    create: (c, ctx: EvalContext) =>
      measure(() => ({
        [c.as ?? 'ape']: ape(latents(ctx), ctx.embeddings, c.pairs !== undefined ? { pairs: c.pairs } : {}).ape,
      })),
  }),
  orthogonality: defineKind({
    schema: variant('orthogonality', {}),
    summary: 'distance of the best linear map from latents to representation to an orthogonal one',
    example: { kind: 'orthogonality' },
    requires: ['latents'],
    outputs: () => ['orthogonalityError', 'procrustesResidual', 'sigmaMin', 'sigmaMax'],
    create: (_c, ctx: EvalContext) => measure(() => orthogonalityMetric()(latents(ctx), ctx.embeddings)),
  }),
  'linear-probe': defineKind({
    schema: variant('linear-probe', {
      epochs: positiveInt('epochs').default(300),
      lr: z.number().positive().default(0.05),
    }),
    summary:
      'multinomial logistic regression on the frozen representation: test accuracy (probe) and train accuracy (probeTrain)',
    example: { kind: 'linear-probe', epochs: 5 },
    requires: ['labels'],
    outputs: () => ['probe', 'probeTrain'],
    create: (c, ctx: EvalContext) =>
      measure(() => {
        const s = probeSplit(ctx);
        const res = linearProbe(s.trainX, s.trainY, s.testX, s.testY, { epochs: c.epochs, lr: c.lr });
        res.weights.weight.dispose();
        res.weights.bias.dispose();
        return { probe: res.testAccuracy, probeTrain: res.trainAccuracy };
      }),
  }),
  knn: defineKind({
    schema: variant('knn', { k: positiveInt('k').default(20) }),
    summary: 'cosine k-nearest-neighbour accuracy on the frozen representation',
    example: { kind: 'knn', k: 3 },
    requires: ['labels'],
    outputs: () => ['knn'],
    create: (c, ctx: EvalContext) =>
      measure(() => {
        const s = probeSplit(ctx);
        return { knn: knnAccuracy(s.trainX, s.trainY, s.testX, s.testY, { k: Math.min(c.k, s.trainX.size(0)) }) };
      }),
  }),
  kmeans: defineKind({
    schema: variant('kmeans', { restarts: positiveInt('restarts').default(10) }),
    summary: 'k-means (k = number of classes) on the representation: ARI and NMI against the labels',
    example: { kind: 'kmeans', restarts: 2 },
    requires: ['labels'],
    outputs: () => ['ari', 'nmi'],
    create: (c, ctx: EvalContext) =>
      measure(() => {
        const y = Int32Array.from(labels(ctx).toArray());
        const k = new Set(y).size;
        const found = kmeans(ctx.embeddings, k, { gen: ctx.gen, nInit: c.restarts }).labels;
        return { ari: adjustedRandIndex(y, found), nmi: normalizedMutualInfo(y, found) };
      }),
  }),
  silhouette: defineKind({
    schema: variant('silhouette', {}),
    summary: 'silhouette of the true classes in the representation',
    example: { kind: 'silhouette' },
    requires: ['labels'],
    outputs: () => ['silhouette'],
    create: (_c, ctx: EvalContext) =>
      measure(() => ({ silhouette: silhouette(ctx.embeddings, Int32Array.from(labels(ctx).toArray())) })),
  }),
  similarity: defineKind({
    schema: variant('similarity', { withinView: z.boolean().default(false) }),
    summary:
      'mean and variance of positive and negative cosine similarities (Paper B): posMean, posVar, negMean, negVar',
    example: { kind: 'similarity' },
    requires: ['positives'],
    outputs: () => ['posMean', 'posVar', 'negMean', 'negVar'],
    create: (c, ctx: EvalContext) =>
      measure(() => {
        const s = similarityStats(ctx.embeddings, ctx.positiveEmbeddings as Tensor, { withinView: c.withinView });
        return { posMean: s.posMean, posVar: s.posVar, negMean: s.negMean, negVar: s.negVar };
      }),
  }),
  'alignment-uniformity': defineKind({
    schema: variant('alignment-uniformity', {
      alpha: z.number().positive().default(2),
      t: z.number().positive().default(2),
    }),
    summary: 'alignment E|f(x) − f(x+)|^α and uniformity log E e^{−t|f(x) − f(y)|²} (Wang & Isola 2020)',
    example: { kind: 'alignment-uniformity' },
    requires: ['positives'],
    outputs: () => ['alignment', 'uniformity'],
    create: (c, ctx: EvalContext) =>
      measure(() => ({
        alignment: alignment(ctx.embeddings, ctx.positiveEmbeddings as Tensor, c.alpha),
        uniformity: uniformity(ctx.embeddings, c.t),
      })),
  }),
  'eval-loss': defineKind({
    schema: variant('eval-loss', {
      /** Pairs per batch (in-batch losses depend on it; Paper C evaluates at the training batch size). */
      batch: positiveInt('batch').refine((b) => b >= 2, { error: 'batch must be ≥ 2' }),
    }),
    summary:
      "the run's loss on the held-out pairs (inputs, positives) in batches: evalLoss and its standard error evalLossSe (Paper C); for losses that take their negatives from the batch",
    example: { kind: 'eval-loss', batch: 8 },
    requires: ['positives'],
    outputs: () => ['evalLoss', 'evalLossSe'],
    create: (c, ctx: EvalContext) =>
      measure(() => {
        if (ctx.loss === undefined) throw new RangeError('metric eval-loss: no loss in the evaluation context');
        const r = lossOnPairs(ctx.loss, ctx.embeddings, ctx.positiveEmbeddings as Tensor, c.batch);
        return { evalLoss: r.loss, evalLossSe: r.stdErr };
      }),
  }),
  'similarity-range': defineKind({
    schema: variant('similarity-range', {}),
    summary:
      'extremes of the positive and cross-view negative cosine similarities (Paper B, Thm 5.1): posMin, negMin, negMax',
    example: { kind: 'similarity-range' },
    requires: ['positives'],
    outputs: () => ['posMin', 'negMin', 'negMax'],
    create: (_c, ctx: EvalContext) =>
      measure(() => ({ ...similarityRange(ctx.embeddings, ctx.positiveEmbeddings as Tensor) })),
  }),
};

export type MetricConfig = ConfigOf<typeof metricKinds>;

/** `eval.metrics` entries may be written as a bare kind name when its defaults suffice. */
export function metricConfigShorthand(entry: unknown): unknown {
  return typeof entry === 'string' ? { kind: entry } : entry;
}
