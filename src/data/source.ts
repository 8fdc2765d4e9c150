// The contract between a dataset kind and the one trainer (src/experiments/trainer.ts).
//
// A DataSource hands the trainer model inputs, never embeddings: per step the anchors, their
// positives and the negatives the loss asks for; once per run a held-out evaluation set. The trainer
// pushes anchors, positives and negatives through the encoder in one forward pass.
//
// Determinism and resumption: every draw comes from the Generator the trainer passes (the run's
// `data` stream, saved in each checkpoint); anything that depends on the step (an epoch's shuffle)
// is derived from the step itself, so a source holds no state a checkpoint would have to carry.
import type { Generator, Tensor } from '../torch/index.js';
import type { Conditional, Marginal } from '../latent/types.js';
import type { Process } from '../processes/types.js';

/**
 * The negatives a loss needs (besides the batch itself):
 * - none: the loss takes its negatives from the batch (NT-Xent, SigLIP, …);
 * - shared: `count` inputs drawn from the data's marginal, shared by every anchor → [M, ...input];
 * - per-anchor: `count` inputs per anchor → [B, M, ...input], from the anchor's support K(z)
 *   ('support', Paper A's corrected loss; a share `rho` of them, the rest from the marginal) or as
 *   further positive views of the anchor itself ('views', Paper A's Alg. 14 proxy).
 */
export type NegativeRequest =
  | { kind: 'none' }
  | { kind: 'shared'; count: number }
  | { kind: 'per-anchor'; count: number; source: 'support' | 'views'; rho: number };

/** One step's model inputs. anchors, positives: [B, ...input]; negatives as requested. */
export interface TrainBatch {
  anchors: Tensor;
  positives: Tensor;
  negatives?: Tensor;
}

/** The held-out set, drawn once per run (the run's `eval` stream) before training starts. */
export interface EvalSet {
  /** Clean inputs [n, ...input]. */
  inputs: Tensor;
  /** One positive view of each input [n, ...input] (similarity statistics, alignment). */
  positives?: Tensor;
  /** Ground-truth latents [n, k] (identifiability metrics). */
  latents?: Tensor;
  /** Class or cluster labels [n] int64 (probe, k-NN, clustering metrics). */
  labels?: Tensor;
  /** A labelled training split for probes and k-NN (inputs/labels above are then the test split). */
  train?: { inputs: Tensor; labels: Tensor };
}

/**
 * What a data kind's factory receives: the spec's latent model (top-level `latent`, `conditional`,
 * `process` — used by the kinds whose data come from latents) and named generator streams of the
 * run's seed (src/experiments/streams.ts).
 */
export interface DataContext {
  /** Dimension k of the latent space (spec `latent.dim`; S^{k−1} unless the spec names a space). */
  latentDim: number;
  /**
   * The anchors' law (spec `latent.space` and `latent.marginal`); absent when the spec names
   * neither: uniform on S^{k−1}, which the latent data kinds then build themselves (Paper A).
   */
  marginal?: Marginal;
  /** The positive-pair conditional on the latents (spec `conditional`), when the spec declares one. */
  conditional?: Conditional;
  /** The spec's `conditional` settings (e.g. fixedDims for the support of the corrected loss). */
  conditionalConfig?: { kind: string; fixedDims?: number };
  /** The generative process x = g(z) (spec `process`), built from the `set` stream. */
  process: Process;
  /** Held-out samples (spec `eval.samples`). */
  evalSamples: number;
  /** Frozen parts of the data: a finite training set, a dataset split. */
  set: Generator;
  /** The held-out evaluation set. */
  eval: Generator;
}

export interface DataSource {
  /** Shape of one model input (e.g. [3], [3, 32, 32], or [] for instance indices). */
  readonly inputShape: readonly number[];
  /** Ground-truth latent dimension, when the data has latents (the default embedding size). */
  readonly latentDim?: number;
  /** Number of training instances, when the training set is finite (VRNS's δ = −1/(size − 1)). */
  readonly size?: number;
  /** The per-anchor negative sources this data can provide. */
  readonly perAnchorSources: readonly ('support' | 'views')[];
  /** Whether it can draw negatives from its marginal (shared negatives). */
  readonly sharedNegatives: boolean;
  /** Draws step `step`'s batch of `batch` anchors (step counts from 1). */
  batch(step: number, batch: number, negatives: NegativeRequest, gen: Generator): TrainBatch;
  /** The held-out set (the same object at every call; the source owns and disposes it). */
  evalSet(): EvalSet;
  /** Frozen modules whose outputs the encoder sees (e.g. the generative process), for reports. */
  describe?(): Record<string, unknown>;
  dispose(): void;
}
