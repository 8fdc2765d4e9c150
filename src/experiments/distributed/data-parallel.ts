// Data-parallel training (issue 13): what the one trainer does differently when it is one rank of
// several. Per step:
//
//   shard            every rank draws the whole batch of the step from the run's data stream (the
//                    same draw as a single process) and keeps rows [r·B/N, (r+1)·B/N) of the
//                    anchors, positives and negatives: rank r's share is a deterministic stream of
//                    the run seed, and the N shares together are exactly the single-process batch.
//                    Drawing B rows where B/N are needed costs nothing at these sizes (the draw is a
//                    small part of a step; measured in bench/ as part of the step) and keeps every
//                    rank's data stream — saved in checkpoints — identical to one process's.
//   forward          the encoder sees only the rank's share; BatchNorm statistics are the rank's
//                    own, or every rank's together with `encoder.syncBatchNorm`.
//   gather           with `loss.gather: true`, the loss sees the global batch (gather.ts).
//   loss value       the mean of the ranks' losses (an all-reduce of one number, which also carries
//                    the stop flag, so that every rank stops at the same step after a signal).
//   gradients        all-reduced (mean) after backward, in buckets of up to 25 MB.
//
// Parameters and buffers are broadcast from rank 0 before the first step, and a resumed run's
// checkpoint travels from rank 0 to the others (rank-sink.ts), so every rank starts identical and
// stays identical: the same mean gradient, the same optimizer step.
import type { TrainBatch } from '../../data/source.js';
import type { ContrastiveBatch } from '../../losses/types.js';
import { BatchNorm, type Module } from '../../nn/index.js';
import { noGrad, scope, tensor, type ProcessGroup, type Tensor } from '../../torch/index.js';
import type { RunSpecBody } from '../spec.js';
import { gatherMode, type GatherMode } from './gather.js';

export class DataParallel {
  readonly group: ProcessGroup;
  /** How the loss sees the global batch, or undefined for the rank's own share only. */
  readonly gather: GatherMode | undefined;
  readonly syncBatchNorm: boolean;
  readonly #localStop: () => boolean;
  #stop = false;

  constructor(group: ProcessGroup, spec: RunSpecBody, options: { localStop?: () => boolean } = {}) {
    this.group = group;
    const mode = group.worldSize > 1 ? gatherMode(spec) : undefined;
    if (mode !== undefined && typeof mode !== 'string') throw new RangeError(`loss.gather: ${mode.refused}`);
    this.gather = mode;
    this.syncBatchNorm = group.worldSize > 1 && (spec.encoder as { syncBatchNorm?: boolean }).syncBatchNorm === true;
    this.#localStop = options.localStop ?? (() => false);
  }

  get rank(): number {
    return this.group.rank;
  }

  get worldSize(): number {
    return this.group.worldSize;
  }

  /** Rank 0 evaluates and writes the run folder; the others only train. */
  get writer(): boolean {
    return this.group.rank === 0;
  }

  /** True once any rank asked to stop (a signal), decided together at the last loss reduction. */
  get stopRequested(): boolean {
    return this.#stop;
  }

  /**
   * Before the first step (after a checkpoint was restored): synchronised BatchNorm layers, and
   * every parameter and buffer of the encoder made rank 0's.
   */
  prepare(encoder: Module): void {
    if (this.syncBatchNorm) for (const m of encoder.modules()) if (m instanceof BatchNorm) m.syncGroup = this.group;
    this.group.broadcast_([...encoder.parameters(), ...encoder.buffers()], 0);
  }

  /** This rank's rows of the step's batch (views, in the batch's layout). */
  shard(batch: TrainBatch): TrainBatch {
    const N = this.worldSize;
    if (N === 1) return batch;
    const rows = (t: Tensor, what: string): Tensor => {
      const n = t.size(0);
      if (n % N !== 0) throw new RangeError(`data-parallel: the step's ${what} (${n}) do not split over ${N} ranks`);
      return t.narrow(0, (this.rank * n) / N, n / N);
    };
    return {
      anchors: rows(batch.anchors, 'anchors'),
      positives: rows(batch.positives, 'positives'),
      ...(batch.negatives !== undefined ? { negatives: rows(batch.negatives, 'negatives') } : {}),
    };
  }

  /** What the loss sees: the rank's embeddings, or with gathering the global batch's (gather.ts). */
  gatherEmbeddings(e: ContrastiveBatch): ContrastiveBatch {
    if (this.gather === undefined) return e;
    const g = (t: Tensor): Tensor => this.group.allGather(t);
    if (this.gather === 'negatives' && e.negatives !== undefined && e.negatives.ndim === 2)
      return { anchors: e.anchors, positives: e.positives, negatives: g(e.negatives) };
    return {
      anchors: g(e.anchors),
      positives: g(e.positives),
      ...(e.negatives !== undefined ? { negatives: g(e.negatives) } : {}),
    };
  }

  /**
   * The step's loss for logging and the divergence check: the mean of every rank's loss (with
   * `batch` gathering every rank holds the same number). The same all-reduce tells every rank
   * whether any of them was asked to stop.
   */
  lossValue(loss: Tensor): number {
    const local = loss.item();
    const stop = this.#localStop() ? 1 : 0;
    const [sum, stops] = noGrad(() =>
      scope(() => this.group.allReduce(tensor([local, stop], undefined, 'float64'), 'sum').toArray()),
    ) as [number, number];
    if (stops > 0) this.#stop = true;
    return sum / this.worldSize;
  }

  /** The mean of every rank's gradients, in place (parameters without a gradient are left out). */
  syncGradients(params: readonly Tensor[]): void {
    scope(() => {
      const grads: Tensor[] = [];
      for (const p of params) {
        const g = p.grad; // a new handle on the gradient itself: reduced in place
        if (g !== undefined) grads.push(g);
      }
      this.group.allReduce_(grads, 'mean');
    });
  }
}
