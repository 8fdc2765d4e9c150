// Paper B's free embeddings (Lee et al., ICML 2025, Sec. 5): n instances whose two views are free
// parameters, u_i and v_i. The model inputs are instance indices — anchors index i, positives
// index n + i — into a 2n-row embedding table (encoder kind 'table'), so the encoder IS the
// embeddings and training reaches the loss's optimum over free embeddings (Thm 5.1, 5.5).
//
// Batching is the data's, not `train.batch` (which this kind does not read):
//   - full batch (no miniBatch): every step trains all n instances (Thm 5.1);
//   - a fixed partition into mini-batches of m (miniBatch: m, m divides n): the blocks
//     {0..m−1}, {m..2m−1}, … are visited in turn, step s training block (s − 1) mod (n/m) (Thm 5.5's
//     setting; each block's loss involves only its own embeddings).
// Nothing is random here: a step's batch is a function of the step. The held-out set is the
// training set itself (all n instances, both views): Var[s_neg] over the n(n−1) cross-view pairs,
// as in the theorems.
import { arange, noGrad, scope, type Generator } from '../../torch/index.js';
import { defineKind, positiveInt, variant } from '../../registry/kind.js';
import type { DataContext, DataSource, EvalSet, NegativeRequest, TrainBatch } from '../source.js';

export interface FreeEmbeddingsConfig {
  /** Number of instances n (≥ 2). */
  size: number;
  /** Fixed partition into consecutive mini-batches of this size (must divide n); absent: full batch. */
  miniBatch?: number | undefined;
}

export class FreeEmbeddingsDataSource implements DataSource {
  readonly inputShape: readonly number[] = [];
  readonly size: number;
  /** Instances per step (m, or n for the full batch). */
  readonly miniBatch: number;
  readonly perAnchorSources: readonly ('support' | 'views')[] = [];
  readonly sharedNegatives = false;
  private readonly evalData: EvalSet;

  constructor(config: FreeEmbeddingsConfig) {
    const n = config.size;
    const m = config.miniBatch ?? n;
    if (!Number.isInteger(n) || n < 2)
      throw new RangeError(`data 'free-embeddings': size must be an integer >= 2, got ${n}`);
    if (!Number.isInteger(m) || m < 2 || m > n || n % m !== 0)
      throw new RangeError(`data 'free-embeddings': miniBatch must be an integer >= 2 dividing size ${n}, got ${m}`);
    this.size = n;
    this.miniBatch = m;
    this.evalData = noGrad(() => ({ inputs: arange(0, n), positives: arange(n, 2 * n) }));
  }

  /** The instances of step `step` (from 1): block (step − 1) mod (n/m) of the fixed partition. */
  block(step: number): { start: number; length: number } {
    const blocks = this.size / this.miniBatch;
    return { start: ((step - 1) % blocks) * this.miniBatch, length: this.miniBatch };
  }

  batch(step: number, _B: number, negatives: NegativeRequest, _gen: Generator): TrainBatch {
    if (negatives.kind !== 'none')
      throw new RangeError(
        `data 'free-embeddings' has only in-batch negatives; loss asked for ${negatives.kind} negatives (use nt-xent, similarity-family, siglip, …)`,
      );
    const { start, length } = this.block(step);
    return noGrad(() =>
      scope(() => ({
        anchors: arange(start, start + length),
        positives: arange(this.size + start, this.size + start + length),
      })),
    );
  }

  evalSet(): EvalSet {
    return this.evalData;
  }

  describe(): Record<string, unknown> {
    return { size: this.size, miniBatch: this.miniBatch };
  }

  dispose(): void {
    this.evalData.inputs.dispose();
    this.evalData.positives?.dispose();
  }
}

export const freeEmbeddingsData = defineKind({
  schema: variant('free-embeddings', {
    /** Number of instances n; the table encoder has 2n rows (u_i, v_i). */
    size: positiveInt('size').refine((n) => n >= 2, { error: 'size must be ≥ 2' }),
    /** Fixed partition into mini-batches of m (m divides size), visited in turn; absent: full batch. */
    miniBatch: positiveInt('miniBatch').optional(),
  }).superRefine((c, ctx) => {
    if (c.miniBatch !== undefined && (c.miniBatch < 2 || c.miniBatch > c.size || c.size % c.miniBatch !== 0))
      ctx.addIssue({
        code: 'custom',
        path: ['miniBatch'],
        message: `miniBatch must be ≥ 2 and divide size ${c.size}, got ${c.miniBatch}`,
      });
  }),
  summary:
    "Paper B's free embeddings: n instances, inputs are instance indices (encoder 'table'); full batch or a fixed partition into mini-batches (train.batch is not read)",
  example: { kind: 'free-embeddings', size: 8 },
  provides: ['positives', 'finite-set'],
  inputs: (c) => ({ shape: [], size: c.size }),
  create: (c, _ctx: DataContext): DataSource => new FreeEmbeddingsDataSource(c),
});
