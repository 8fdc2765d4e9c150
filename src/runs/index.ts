/**
 * The run store: one folder per run (spec.json, meta.json, metrics.jsonl, checkpoints/,
 * summary.json), written atomically, and a SQLite index of runs for listing and querying.
 *
 * @example
 * const store = new RunStore('runs');
 * const run = store.create(runSpec, { suite: 'table1' });
 * run.appendMetrics({ step: 100, seconds: 3.2, loss: 4.1 });
 * run.saveCheckpoint(100, params, { rng: 7 });
 * run.writeSummary({ steps: 100, seconds: 3.2, finalLoss: 4.1, metrics: { r2: 0.97 } });
 * store.list({ name: 'table1/spiral' });
 *
 * @packageDocumentation
 */
export type { RunStatus, MetricsRow, RunSummary, RunMeta } from './types.js';
export { RUN_STATUSES } from './types.js';
export { RunStore, RunLookupError, INDEX_FILE } from './store.js';
export { RunHandle } from './run-handle.js';
export type { ListFilter } from './index-db.js';
export type { Checkpoint } from './checkpoint-files.js';
export { CHECKPOINTS_KEPT, checkpointFileName } from './checkpoint-files.js';
export { canonicalJson, runKey, slugify, baseRunId } from './ids.js';
export { codeVersion, runEnvironment } from './environment.js';
export { readRunFolder, SPEC_FILE, META_FILE, METRICS_FILE, SUMMARY_FILE, CHECKPOINTS_DIR } from './folder.js';
