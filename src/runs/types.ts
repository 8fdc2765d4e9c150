// The records a run folder holds and the run index lists.

/**
 * Where a run is: still going, finished, failed with an error, stopped before the end, or damaged
 * (a file of its folder is truncated or does not match its checksum; `error` says which and why).
 */
export type RunStatus = 'running' | 'done' | 'failed' | 'interrupted' | 'damaged';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'done', 'failed', 'interrupted', 'damaged'];

/**
 * One line of metrics.jsonl: the step, wall-clock seconds since the run started, and any named
 * numbers (loss, r2, mcc, ape, …). Non-finite numbers are written as null and read back as NaN.
 */
export interface MetricsRow {
  step: number;
  seconds: number;
  [name: string]: number;
}

/** The final record of a finished run (summary.json). */
export interface RunSummary {
  steps: number;
  seconds: number;
  finalLoss: number;
  metrics: Record<string, number>;
  /** What the user should know about the result: representation collapse, damaged checkpoints skipped, … */
  warnings?: string[];
  [k: string]: unknown;
}

/** What meta.json records about a run (plus its folder and summary, filled in when read). */
export interface RunMeta {
  id: string;
  /** runKey(run): the same spec and seed always have the same key. */
  key: string;
  /** The experiment's name (spec.name). */
  name: string;
  seed: number;
  /** The sweep point, e.g. { 'loss.rho': 0.5 }. */
  point: Record<string, unknown>;
  labels: Record<string, string>;
  status: RunStatus;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  /** `git describe --always --dirty` of the clab checkout, else `clab@<package version>`. */
  codeVersion: string;
  /** libtorch version, threads, CPU model, node version, CLAB_THREADS, … */
  environment: Record<string, unknown>;
  /** Data-parallel ranks that train the run (absent: one process). */
  worldSize?: number;
  /** The run's folder (absolute; derived from where the folder is, never trusted from the file). */
  dir: string;
  summary?: RunSummary;
  /** The error message of a failed run (of a damaged one: which file, and why). */
  error?: string;
  /** Problems met and worked around (a damaged checkpoint skipped, a damaged meta.json rebuilt). */
  warnings?: string[];
  /** The process (and host) that last marked the run running; lets a store tell a dead run from a live one. */
  pid?: number;
  host?: string;
}
