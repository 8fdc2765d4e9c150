// Where a rank's trainer reports (TrainerSink): rank 0 writes the run folder — metrics,
// checkpoints — through the run's own sink; the other ranks write nothing. When the trainer asks
// for the checkpoint to resume from, rank 0 reads it and sends it to every rank (safetensors bytes
// through the process group), so every rank resumes from the same state: model, optimizer and data
// stream. Ranks on other machines need no access to the run store.
import { decodeSafetensors, encodeSafetensors } from '../../io/index.js';
import type { Tensor } from '../../torch/index.js';
import type { ProcessGroup } from '../../torch/index.js';
import type { Checkpoint, MetricsRow, TrainerSink } from '../trainer.js';
import { broadcastBytes } from './channel.js';

const STATE = 'clab.state';
const STEP = 'clab.step';

export class RankSink implements TrainerSink {
  /** `inner`: the run's sink, on rank 0 only. */
  constructor(
    readonly group: ProcessGroup,
    readonly inner?: TrainerSink,
  ) {
    if ((group.rank === 0) !== (inner !== undefined))
      throw new TypeError('RankSink: rank 0, and only rank 0, writes through the run’s sink');
  }

  appendMetrics(row: MetricsRow): void {
    this.inner?.appendMetrics(row);
  }

  saveCheckpoint(step: number, tensors: Map<string, Tensor>, state: Record<string, unknown>): void {
    this.inner?.saveCheckpoint(step, tensors, state);
  }

  truncateMetricsAfter(step: number): void {
    this.inner?.truncateMetricsAfter(step);
  }

  latestCheckpoint(): Checkpoint | undefined {
    if (this.inner !== undefined) {
      const cp = this.inner.latestCheckpoint();
      const bytes =
        cp === undefined
          ? new Uint8Array(0)
          : encodeSafetensors(cp.tensors, { [STATE]: JSON.stringify(cp.state), [STEP]: String(cp.step) });
      broadcastBytes(this.group, bytes);
      return cp;
    }
    const bytes = broadcastBytes(this.group);
    if (bytes.byteLength === 0) return undefined;
    const { tensors, metadata } = decodeSafetensors(bytes, 'the checkpoint sent by rank 0');
    return {
      step: Number(metadata[STEP]),
      tensors,
      state: JSON.parse(metadata[STATE] ?? '{}') as Record<string, unknown>,
    };
  }
}
