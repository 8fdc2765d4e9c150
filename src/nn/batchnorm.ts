// Batch normalisation (torch.nn.BatchNorm1d / BatchNorm2d), with PyTorch 1.13's exact rules for
// when batch statistics are used and how the running statistics are updated.
import { F, cat, noGrad, ones, scalarTensor, scope, zeros, type ProcessGroup, type Tensor } from '../torch/index.js';
import { positiveInt, pyBool } from './checks.js';
import { Module } from './module.js';

export interface BatchNormOptions {
  /** Added to the variance for stability; default 1e-5. */
  eps?: number;
  /**
   * Weight of the new batch in the running averages (running = (1−m)·running + m·batch); default
   * 0.1. `null` selects a cumulative average, m = 1/numBatchesTracked, as PyTorch's momentum=None.
   */
  momentum?: number | null;
  /** Learnable per-channel scale (init 1) and shift (init 0); default true. */
  affine?: boolean;
  /** Keep running mean/variance for evaluation; default true. Without them, batch stats are always used. */
  trackRunningStats?: boolean;
}

/**
 * Shared implementation of BatchNorm1d and BatchNorm2d: normalises each channel (dim 1) with the
 * mean and biased variance of the batch in training mode, and with the running statistics in eval
 * mode. Training updates runningMean and runningVar (the latter with the unbiased batch variance)
 * and adds 1 to numBatchesTracked, exactly as torch.nn.modules.batchnorm._BatchNorm.forward.
 */
export abstract class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Tensor | undefined;
  readonly bias: Tensor | undefined;
  readonly runningMean: Tensor | undefined;
  readonly runningVar: Tensor | undefined;
  /** int64 0-d tensor: the number of training batches seen. */
  readonly numBatchesTracked: Tensor | undefined;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    const name = new.target.name;
    this.numFeatures = positiveInt(name, 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    if (!(this.eps > 0)) throw new RangeError(`${name}: eps must be positive, got ${this.eps}`);
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1))
      throw new RangeError(`${name}: momentum must be in [0, 1] or null, got ${this.momentum}`);
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    // Registration order is PyTorch's, so state-dict keys come out in the same order.
    this.weight = this.affine ? this.registerParameter('weight', ones([numFeatures])) : undefined;
    this.bias = this.affine ? this.registerParameter('bias', zeros([numFeatures])) : undefined;
    if (this.trackRunningStats) {
      this.runningMean = this.registerBuffer('running_mean', zeros([numFeatures]));
      this.runningVar = this.registerBuffer('running_var', ones([numFeatures]));
      this.numBatchesTracked = this.registerBuffer('num_batches_tracked', scalarTensor(0, 'int64'));
    } else {
      this.runningMean = this.runningVar = this.numBatchesTracked = undefined;
    }
  }

  /**
   * Synchronised BatchNorm (torch.nn.SyncBatchNorm): with a process group, training-mode batch
   * statistics are those of every rank's batch together — the statistics one process would compute
   * on the concatenated batch — through a differentiable all-reduce (one forward, one backward), and
   * the running statistics move toward them. Evaluation is unchanged. Set by data-parallel training
   * (`encoder.syncBatchNorm`); every rank must run the same forward and backward.
   */
  syncGroup: ProcessGroup | undefined = undefined;

  /** Throws unless x has a rank this layer accepts. */
  protected abstract checkInputDim(x: Tensor): void;

  /**
   * Restores running mean 0, running variance 1 and numBatchesTracked 0 (weights unchanged).
   */
  resetRunningStats(): void {
    this.runningMean?.zero_();
    this.runningVar?.fill_(1);
    this.numBatchesTracked?.zero_();
  }

  /** Training: counts one batch and returns the running-average weight (momentum, or 1/count when null). */
  private countBatch(): number {
    if (this.numBatchesTracked === undefined) return this.momentum ?? 0;
    this.numBatchesTracked.add_(1);
    return this.momentum ?? 1 / this.numBatchesTracked.item();
  }

  /**
   * Training-mode bookkeeping for a caller that normalised a batch of `n` rows itself with its
   * batch `mean` and biased `variance` [C] (the fused Linear → ReLU → BatchNorm kernel): counts
   * the batch and moves the running statistics toward mean and the unbiased variance·n/(n−1),
   * with the same weights as forward() in training mode.
   */
  recordBatchStats(mean: Tensor, variance: Tensor, n: number): void {
    const factor = this.countBatch();
    if (this.runningMean === undefined || this.runningVar === undefined) return;
    noGrad(() =>
      scope(() => {
        this.runningMean!.mul_(1 - factor).add_(mean, factor);
        this.runningVar!.mul_(1 - factor).add_(variance.mul(n / (n - 1)), factor);
      }),
    );
  }

  forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    if (this.training) {
      // torch.nn.functional._verify_batch_size: one value per channel has no variance. Checked
      // before any state changes (PyTorch counts the batch first), so a failed call changes nothing.
      const shape = x.shape;
      const perChannel = shape.reduce((n, s, i) => (i === 1 ? n : n * s), 1);
      if (perChannel === 1)
        throw new RangeError(
          `${this.constructor.name}: expected more than 1 value per channel when training, got input shape [${shape.join(', ')}]`,
        );
    }
    if (this.training && this.syncGroup !== undefined) return this.syncedForward(x, this.syncGroup);
    const factor = this.training ? this.countBatch() : (this.momentum ?? 0);
    // Batch statistics in training, and in eval when no running statistics are kept.
    const useBatchStats = this.training || this.runningMean === undefined;
    return F.batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  /**
   * Training-mode normalisation with the statistics of every rank's batch: one all-reduce of the
   * per-channel Σx, Σx² (in float64, so that Σx²/n − mean² loses nothing that matters in float32)
   * and the row count, then mean = Σx/n and the biased variance Σx²/n − mean² over all ranks' rows.
   * One collective forward and one backward per layer: each is a network round trip.
   */
  private syncedForward(x: Tensor, group: ProcessGroup): Tensor {
    const C = this.numFeatures;
    const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
    const shape = [1, C, ...Array.from({ length: x.ndim - 2 }, () => 1)];
    const perChannel = x.numel / C;
    const { out, mean, variance, n } = scope(() => {
      const xd = x.double();
      const sums = group.allReduce(
        cat([xd.sum(dims), xd.square().sum(dims), scalarTensor(perChannel, 'float64').reshape(1)]),
        'sum',
      );
      const n = sums.narrow(0, 2 * C, 1).item();
      const meanD = sums.narrow(0, 0, C).div(n);
      const varianceD = sums.narrow(0, C, C).div(n).sub(meanD.square()).clamp(0);
      const mean = meanD.to(x.dtype);
      const variance = varianceD.to(x.dtype);
      let out = x.sub(mean.reshape(...shape)).mul(
        variance
          .add(this.eps)
          .rsqrt()
          .reshape(...shape),
      );
      if (this.weight !== undefined && this.bias !== undefined)
        out = out.mul(this.weight.reshape(...shape)).add(this.bias.reshape(...shape));
      return { out, mean: mean.detach(), variance: variance.detach(), n };
    });
    this.recordBatchStats(mean, variance, n);
    mean.dispose();
    variance.dispose();
    return out;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum ?? 'None'}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalisation over [N, C] or [N, C, L] inputs (per channel C).
 *
 * @example
 * const bn = new BatchNorm1d(16);
 * bn.forward(randn([32, 16], gen));   // training: batch stats; bn.runningMean moves 10% toward them
 * bn.eval().forward(x);               // evaluation: running stats
 */
export class BatchNorm1d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3)
      throw new RangeError(`BatchNorm1d: expected 2D or 3D input (got ${x.ndim}D input)`);
  }
}

/**
 * Batch normalisation over [N, C, H, W] inputs (per channel C, statistics over N, H, W).
 *
 * @example
 * new BatchNorm2d(8).forward(randn([4, 8, 5, 5], gen)).shape;   // [4, 8, 5, 5]
 */
export class BatchNorm2d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) throw new RangeError(`BatchNorm2d: expected 4D input (got ${x.ndim}D input)`);
  }
}
