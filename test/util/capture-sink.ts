// A trainer sink that keeps the last checkpoint's model tensors as plain numbers (for comparing
// the parameters of runs made in different processes).
import type { Checkpoint, MetricsRow, TrainerSink } from '../../src/experiments/index.js';
import type { Tensor } from '../../src/torch/index.js';

export class CaptureSink implements TrainerSink {
  /** The encoder's state dict at the last checkpoint, by name (without the `model.` prefix). */
  state: Record<string, number[]> = {};
  appendMetrics(_row: MetricsRow): void {}
  saveCheckpoint(_step: number, tensors: Map<string, Tensor>): void {
    this.state = {};
    for (const [k, t] of tensors) if (k.startsWith('model.')) this.state[k.slice(6)] = t.toArray();
  }
  latestCheckpoint(): Checkpoint | undefined {
    return undefined;
  }
  truncateMetricsAfter(): void {}
}
