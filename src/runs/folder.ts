// The files of one run folder and how to read them back. meta.json and summary.json carry a
// checksum (checksum.ts); a file that does not parse or match is reported by path.
import fs from 'node:fs';
import path from 'node:path';
import type { RunSpec } from '../experiments/spec.js';
import { DamagedFileError, readCheckedJson } from './checksum.js';
import { runKey } from './ids.js';
import { RUN_STATUSES, type RunMeta, type RunSummary } from './types.js';

export const SPEC_FILE = 'spec.json';
export const META_FILE = 'meta.json';
export const METRICS_FILE = 'metrics.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const CHECKPOINTS_DIR = 'checkpoints';

function readJson(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DamagedFileError(
      file,
      text.trim() === '' ? 'the file is empty' : `not valid JSON, truncated? ${(err as Error).message}`,
    );
  }
}

/** summary.json, or undefined if the run has none; throws DamagedFileError if it is damaged. */
export function readSummaryFile(dir: string): RunSummary | undefined {
  const file = path.join(dir, SUMMARY_FILE);
  if (!fs.existsSync(file)) return undefined;
  return readCheckedJson(file) as RunSummary;
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
  const run = readSpecFile(abs);
  const meta = readCheckedJson(path.join(abs, META_FILE)) as unknown as RunMeta;
  if (
    typeof meta !== 'object' ||
    meta === null ||
    typeof meta.id !== 'string' ||
    typeof meta.key !== 'string' ||
    typeof meta.name !== 'string' ||
    typeof meta.createdAt !== 'string' ||
    !RUN_STATUSES.includes(meta.status)
  )
    throw new DamagedFileError(path.join(abs, META_FILE), "not a run's meta (needs id, key, name, status, createdAt)");
  // The key is the hash of spec.json: a spec.json changed since the run was created is damaged.
  if (meta.status !== 'damaged' && runKey(run) !== meta.key)
    throw new DamagedFileError(path.join(abs, SPEC_FILE), "its content does not match the run's key in meta.json");
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

/** spec.json of the run folder `dir`; throws DamagedFileError if it is not a run spec. */
export function readSpecFile(dir: string): RunSpec {
  const file = path.join(dir, SPEC_FILE);
  const run = readJson(file) as RunSpec;
  if (
    typeof run !== 'object' ||
    run === null ||
    typeof run.spec !== 'object' ||
    run.spec === null ||
    typeof run.seed !== 'number'
  )
    throw new DamagedFileError(file, 'not a run spec (needs spec and seed)');
  return run;
}

/**
 * The meta under which a run folder with a damaged file is listed: status 'damaged', the reason
 * as its error, and whatever of its identity can still be read (the key from spec.json if intact).
 */
export function damagedMeta(dir: string, err: unknown): RunMeta {
  const abs = path.resolve(dir);
  let run: RunSpec | undefined;
  try {
    run = readSpecFile(abs);
  } catch {
    // spec.json is damaged too: the run keeps no key (a rerun cannot match it)
  }
  const stat = fs.statSync(abs);
  const name = typeof run?.spec.name === 'string' ? run.spec.name : path.basename(abs);
  return {
    id: path.basename(abs),
    key: run !== undefined ? runKey(run) : '',
    name,
    seed: run?.seed ?? -1,
    point: run?.point ?? {},
    labels: {},
    status: 'damaged',
    createdAt: stat.birthtime.toISOString(),
    updatedAt: stat.mtime.toISOString(),
    codeVersion: 'unknown',
    environment: {},
    dir: abs,
    error: err instanceof Error ? err.message : String(err),
  };
}
