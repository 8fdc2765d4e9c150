// The files of one run folder and how to read them back.
import fs from 'node:fs';
import path from 'node:path';
import type { RunSpec } from '../experiments/spec.js';
import { RUN_STATUSES, type RunMeta, type RunSummary } from './types.js';

export const SPEC_FILE = 'spec.json';
export const META_FILE = 'meta.json';
export const METRICS_FILE = 'metrics.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const CHECKPOINTS_DIR = 'checkpoints';

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

/** summary.json, or undefined if the run has none. */
export function readSummaryFile(dir: string): RunSummary | undefined {
  const file = path.join(dir, SUMMARY_FILE);
  if (!fs.existsSync(file)) return undefined;
  return readJson(file) as RunSummary;
}

/** The meta to write to meta.json: everything but the folder path and summary (stored beside it). */
export function metaForFile(meta: RunMeta): Omit<RunMeta, 'dir' | 'summary'> {
  const { dir: _dir, summary: _summary, ...rest } = meta;
  return rest;
}

/**
 * Reads spec.json, meta.json and summary.json of the run folder `dir`; throws with the file name
 * if one is missing or malformed. `dir` (absolute) and the summary are filled in.
 */
export function readRunFolder(dir: string): { run: RunSpec; meta: RunMeta } {
  const abs = path.resolve(dir);
  const run = readJson(path.join(abs, SPEC_FILE)) as RunSpec;
  if (typeof run !== 'object' || run === null || typeof run.spec !== 'object' || typeof run.seed !== 'number')
    throw new Error(`${path.join(abs, SPEC_FILE)}: not a run spec (needs spec and seed)`);
  const meta = readJson(path.join(abs, META_FILE)) as RunMeta;
  if (
    typeof meta !== 'object' ||
    meta === null ||
    typeof meta.id !== 'string' ||
    typeof meta.key !== 'string' ||
    typeof meta.name !== 'string' ||
    typeof meta.createdAt !== 'string' ||
    !RUN_STATUSES.includes(meta.status)
  )
    throw new Error(`${path.join(abs, META_FILE)}: not a run's meta (needs id, key, name, status, createdAt)`);
  meta.id = path.basename(abs); // the folder name is the id, even if the folder was renamed
  meta.dir = abs;
  meta.labels ??= {};
  meta.point ??= {};
  meta.environment ??= {};
  delete meta.summary;
  const summary = readSummaryFile(abs);
  if (summary !== undefined) meta.summary = summary;
  return { run, meta };
}
