// One run's folder: its metrics, checkpoints, status and summary. Every file is written
// atomically (write-then-rename) except metrics.jsonl, which is appended and fsynced row by row.
import os from 'node:os';
import path from 'node:path';
import type { RunSpec } from '../experiments/spec.js';
import type { Tensor } from '../torch/index.js';
import { scanCheckpoints, writeCheckpoint, type Checkpoint } from './checkpoint-files.js';
import { writeCheckedJson } from './checksum.js';
import { runEnvironment } from './environment.js';
import { CHECKPOINTS_DIR, META_FILE, METRICS_FILE, SUMMARY_FILE, metaForFile, readSummaryFile } from './folder.js';
import { appendMetricsRow, readMetricsRows, truncateMetricsRows } from './metrics-file.js';
import { RUN_STATUSES, type MetricsRow, type RunMeta, type RunStatus, type RunSummary } from './types.js';

/** Where a handle reports changes of meta (the store's SQLite index). */
export interface MetaSink {
  upsert(meta: RunMeta): void;
}

export class RunHandle {
  readonly id: string;
  readonly dir: string;
  /** The resolved run exactly as in spec.json. */
  readonly run: RunSpec;
  #meta: RunMeta;
  readonly #index: MetaSink | undefined;

  /** @internal Made by RunStore.create/open. */
  constructor(dir: string, run: RunSpec, meta: RunMeta, index?: MetaSink) {
    this.dir = path.resolve(dir);
    this.id = meta.id;
    this.run = run;
    this.#meta = { ...meta, dir: this.dir };
    this.#index = index;
  }

  get metricsFile(): string {
    return path.join(this.dir, METRICS_FILE);
  }

  get checkpointsDir(): string {
    return path.join(this.dir, CHECKPOINTS_DIR);
  }

  /** A copy of the run's meta (with its summary once written). */
  meta(): RunMeta {
    return structuredClone(this.#meta);
  }

  /** Appends a row to metrics.jsonl and fsyncs it. */
  appendMetrics(row: MetricsRow): void {
    appendMetricsRow(this.metricsFile, row);
  }

  /** All rows of metrics.jsonl; a torn last line (a kill mid-append) is ignored. */
  readMetrics(): MetricsRow[] {
    return readMetricsRows(this.metricsFile);
  }

  /** On resume: drops rows with step > `step` (the checkpoint's), rewriting the file atomically. */
  truncateMetricsAfter(step: number): void {
    truncateMetricsRows(this.metricsFile, step);
  }

  /**
   * Writes checkpoints/step-<8 digits>.safetensors with the tensors and `state` (JSON in the
   * safetensors metadata) atomically; keeps the newest two and drops any of later steps.
   */
  saveCheckpoint(step: number, tensors: Map<string, Tensor>, state: Record<string, unknown>): void {
    writeCheckpoint(this.checkpointsDir, step, tensors, state);
  }

  /**
   * The newest checkpoint that loads completely and matches its checksum; the caller disposes its
   * tensors. Newer files that are damaged are renamed `<file>.damaged` and reported: on stderr,
   * in meta.json's `warnings` and in the warnings of the summary.
   */
  latestCheckpoint(): Checkpoint | undefined {
    const { checkpoint, damaged } = scanCheckpoints(this.checkpointsDir, { setAside: true });
    for (const d of damaged) {
      const note = `damaged checkpoint ${d.file} skipped (${d.reason}); kept as ${path.basename(d.file)}.damaged`;
      process.emitWarning(note, { code: 'CLAB_DAMAGED_CHECKPOINT' });
      this.addWarning(note);
    }
    return checkpoint;
  }

  /** Records a warning in meta.json; the summary written later carries it too. */
  addWarning(note: string): void {
    this.#commit({
      ...this.#meta,
      warnings: [...(this.#meta.warnings ?? []), note],
      updatedAt: new Date().toISOString(),
    });
  }

  /** Sets the status (and the error of a failed run) in meta.json and the index. */
  setStatus(status: RunStatus, error?: string): void {
    if (!RUN_STATUSES.includes(status))
      throw new TypeError(`setStatus(): unknown status '${String(status)}' (valid: ${RUN_STATUSES.join(', ')})`);
    const next: RunMeta = { ...this.#meta, status, updatedAt: new Date().toISOString() };
    if (error !== undefined) next.error = error;
    else delete next.error;
    if (status === 'running') {
      next.pid = process.pid;
      next.host = os.hostname();
      // The process that trains, not the one that planned the run: a worker has its own threads
      // (CLAB_THREADS), and a resumed run may train on another machine.
      next.environment = runEnvironment();
    }
    this.#commit(next);
  }

  /** Writes summary.json atomically and marks the run done (meta.json and index). */
  writeSummary(summary: RunSummary): void {
    const warnings = [...(this.#meta.warnings ?? []), ...(summary.warnings ?? [])];
    if (warnings.length > 0) summary = { ...summary, warnings };
    writeCheckedJson(path.join(this.dir, SUMMARY_FILE), summary);
    const next: RunMeta = {
      ...this.#meta,
      status: 'done',
      updatedAt: new Date().toISOString(),
      summary: structuredClone(summary),
    };
    delete next.error;
    this.#commit(next);
  }

  /** summary.json, or undefined before the run finished. */
  readSummary(): RunSummary | undefined {
    return readSummaryFile(this.dir);
  }

  #commit(next: RunMeta): void {
    writeCheckedJson(path.join(this.dir, META_FILE), metaForFile(next));
    this.#meta = next;
    this.#index?.upsert(next);
  }
}
