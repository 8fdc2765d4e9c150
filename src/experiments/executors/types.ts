// What the remote executors (Slurm job arrays, a Redis work queue) share with the local one: the
// contract runExperiment calls, and the one-line errors the CLI turns into exit codes.
import type { RunStore } from '../../runs/index.js';
import { SpecError } from '../resolve.js';
import type { ExecutorEvent, ExecutorResult, PendingRun } from '../executor.js';

/** What runExperiment hands a remote executor: the store (coordinator's view), events, the result to fill. */
export interface ExecuteContext {
  store: RunStore;
  emit: (event: ExecutorEvent) => void;
  /** Fill `finished` / `failed` as runs end; set `submitted` when returning before they end. */
  result: ExecutorResult;
}

/**
 * An executor that trains stored runs somewhere else. runExperiment calls `check()` before it
 * writes any run folder, then `execute()` with the runs still to train.
 */
export interface RemoteExecutor {
  readonly name: 'slurm' | 'queue';
  /** Throws (ExecutorUsageError for exit 2, Error for exit 1) when the executor cannot take work. */
  check(): Promise<void>;
  execute(todo: PendingRun[], context: ExecuteContext): Promise<void>;
}

/**
 * A bad executor option or a missing tool: exit code 2, message printed as is on one line.
 * (A SpecError, so the CLI maps it to 2; the message is the one line, without the issue list.)
 */
export class ExecutorUsageError extends SpecError {
  constructor(message: string) {
    super('--executor', [message]);
    this.message = message;
    this.name = 'ExecutorUsageError';
  }
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
