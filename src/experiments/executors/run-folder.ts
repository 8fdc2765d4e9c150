// A run folder on its own, without the store's SQLite index: what a Slurm task or a queue worker
// touches. On a shared filesystem many hosts write run folders, but never one SQLite file (its
// locking is unreliable over NFS); whoever reads the store refreshes the index from the folders.
import fs from 'node:fs';
import path from 'node:path';
import {
  META_FILE,
  RunHandle,
  readRunFolder,
  type MetricsRow,
  type RunStore,
  type RunSummary,
} from '../../runs/index.js';

/** What a finished remote run sends back: enough for a coordinator without the folder to record it. */
export interface RemoteResult {
  summary: RunSummary;
  metrics: MetricsRow[];
  /** The host that trained it, and the folder it trained in there. */
  host: string;
  dir: string;
}

/** Opens the run folder `dir` with no index behind it (status changes go to meta.json only). */
export function openFolder(dir: string): RunHandle {
  const { run, meta } = readRunFolder(dir);
  return new RunHandle(dir, run, meta);
}

/** The folder of run `id` under `root` if it holds that run (same key), else undefined. */
export function existingFolder(root: string, id: string, key?: string): string | undefined {
  if (id.includes('/') || id.startsWith('.')) return undefined;
  const dir = path.join(root, id);
  if (!fs.existsSync(path.join(dir, META_FILE))) return undefined;
  if (key !== undefined && readRunFolder(dir).meta.key !== key) return undefined;
  return dir;
}

/** The summary and metrics of a finished folder. */
export function resultOf(handle: RunHandle, host: string): RemoteResult {
  const summary = handle.readSummary();
  if (summary === undefined) throw new Error(`run ${handle.id} has no summary.json`);
  return { summary, metrics: handle.readMetrics(), host, dir: handle.dir };
}

/**
 * Records a remote run's result in the coordinator's store. With a shared filesystem the folder is
 * already done (nothing to write); without one the metrics and summary are written here, so that
 * tables and reports read them like any run's. Returns the run's meta, from its folder.
 */
export function recordResult(store: RunStore, id: string, result: RemoteResult): ReturnType<RunHandle['meta']> {
  const handle = store.open(id);
  if (handle.meta().status === 'done' && handle.readSummary() !== undefined) return handle.meta();
  handle.truncateMetricsAfter(-1);
  for (const row of result.metrics) handle.appendMetrics(row);
  handle.writeSummary(result.summary);
  return handle.meta();
}
