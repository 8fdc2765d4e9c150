// checkpoints/step-<8 digits>.safetensors: the tensors, with the training state as JSON in the
// safetensors __metadata__ (one file, written atomically, so a checkpoint is whole or absent).
// The metadata also holds a sha256 of the tensors (names, dtypes, shapes, bytes) and the state:
// safetensors itself has no checksum, so a flipped byte in the data section would otherwise load
// and resume into different numbers. The newest two are kept; readers skip (and rename aside, as
// `<file>.damaged`) a file that does not load or does not match its checksum, and report it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadSafetensors, saveSafetensors } from '../io/index.js';
import { tensorBytes } from '../io/bytes.js';
import type { Tensor } from '../torch/index.js';

export const CHECKPOINTS_KEPT = 2;
const STATE_KEY = 'clab.state';
const STEP_KEY = 'clab.step';
const DIGEST_KEY = 'clab.sha256';
const FILE_RE = /^step-(\d+)\.safetensors$/;
/** Suffix given to a checkpoint file found damaged, so that it is kept for inspection but never loaded. */
export const DAMAGED_SUFFIX = '.damaged';

/** A checkpoint file that was skipped, and why. */
export interface DamagedCheckpoint {
  file: string;
  reason: string;
}

/** sha256 over the tensors (in name order: name, dtype, shape, bytes) and the state's JSON text. */
function checkpointDigest(tensors: Map<string, Tensor>, stateJson: string): string {
  const h = createHash('sha256');
  for (const name of [...tensors.keys()].sort()) {
    const t = tensors.get(name)!;
    h.update(`${name}\0${t.dtype}\0${t.shape.join(',')}\0`);
    h.update(tensorBytes(t));
  }
  h.update(stateJson);
  return h.digest('hex');
}

export interface Checkpoint {
  step: number;
  tensors: Map<string, Tensor>;
  state: Record<string, unknown>;
}

export function checkpointFileName(step: number): string {
  return `step-${String(step).padStart(8, '0')}.safetensors`;
}

/** The checkpoint files in `dir`, newest (highest step) first. */
export function listCheckpointFiles(dir: string): { step: number; file: string }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: { step: number; file: string }[] = [];
  for (const name of names) {
    const m = FILE_RE.exec(name);
    if (m?.[1] !== undefined) out.push({ step: Number(m[1]), file: path.join(dir, name) });
  }
  return out.sort((a, b) => b.step - a.step);
}

/**
 * Writes the checkpoint for `step`, then removes checkpoints of later steps (a resumed run's
 * abandoned future), all but the newest `CHECKPOINTS_KEPT`, and temporaries of killed writers.
 */
export function writeCheckpoint(
  dir: string,
  step: number,
  tensors: Map<string, Tensor>,
  state: Record<string, unknown>,
): string {
  if (!Number.isInteger(step) || step < 0)
    throw new TypeError(`saveCheckpoint(): step must be a non-negative integer, got ${step}`);
  const stateJson = JSON.stringify(state);
  if (stateJson === undefined || typeof state !== 'object' || state === null)
    throw new TypeError('saveCheckpoint(): state must be a JSON-serialisable object');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, checkpointFileName(step));
  saveSafetensors(file, tensors, {
    [STATE_KEY]: stateJson,
    [STEP_KEY]: String(step),
    [DIGEST_KEY]: checkpointDigest(tensors, stateJson),
  });
  const existing = listCheckpointFiles(dir);
  let kept = 0;
  for (const c of existing) {
    if (c.step > step) fs.rmSync(c.file, { force: true });
    else if (kept < CHECKPOINTS_KEPT) kept++;
    else fs.rmSync(c.file, { force: true });
  }
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('.step-') && name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
    // A damaged file of a later step belongs to the abandoned future too (it was reported when skipped).
    const damaged = name.endsWith(DAMAGED_SUFFIX) ? FILE_RE.exec(name.slice(0, -DAMAGED_SUFFIX.length)) : null;
    if (damaged?.[1] !== undefined && Number(damaged[1]) > step) fs.rmSync(path.join(dir, name), { force: true });
  }
  return file;
}

/** Loads one checkpoint file; throws if it is incomplete or not a clab checkpoint. */
export function readCheckpoint(file: string, step: number): Checkpoint {
  const { tensors, metadata } = loadSafetensors(file);
  try {
    const stateText = metadata[STATE_KEY];
    if (stateText === undefined || metadata[STEP_KEY] !== String(step))
      throw new Error(`${file}: not a clab checkpoint of step ${step}`);
    // Checkpoints written before checksums existed have no digest and are read as they are.
    const digest = metadata[DIGEST_KEY];
    if (digest !== undefined && digest !== checkpointDigest(tensors, stateText))
      throw new Error(`${file}: its tensors or state do not match its sha256 checksum`);
    const state = JSON.parse(stateText) as unknown;
    if (typeof state !== 'object' || state === null || Array.isArray(state))
      throw new Error(`${file}: checkpoint state is not an object`);
    return { step, tensors, state: state as Record<string, unknown> };
  } catch (err) {
    for (const t of tensors.values()) t.dispose();
    throw err;
  }
}

/**
 * The newest checkpoint that loads completely and matches its checksum (or undefined), and the
 * newer files that did not, each with the reason. With `setAside`, each damaged file is renamed to
 * `<file>.damaged` (kept for inspection, never loaded again). The caller disposes the tensors.
 */
export function scanCheckpoints(
  dir: string,
  options: { setAside?: boolean } = {},
): { checkpoint: Checkpoint | undefined; damaged: DamagedCheckpoint[] } {
  const damaged: DamagedCheckpoint[] = [];
  for (const c of listCheckpointFiles(dir)) {
    try {
      return { checkpoint: readCheckpoint(c.file, c.step), damaged };
    } catch (err) {
      // truncated, corrupt or tampered with: fall back to the previous one
      const reason = err instanceof Error ? err.message : String(err);
      damaged.push({
        file: c.file,
        reason: reason.startsWith(`${c.file}: `) ? reason.slice(c.file.length + 2) : reason,
      });
      if (options.setAside === true) fs.renameSync(c.file, c.file + DAMAGED_SUFFIX);
    }
  }
  return { checkpoint: undefined, damaged };
}

/** The newest checkpoint that loads completely and matches its checksum, or undefined; the caller disposes its tensors. */
export function readLatestCheckpoint(dir: string): Checkpoint | undefined {
  return scanCheckpoints(dir).checkpoint;
}
