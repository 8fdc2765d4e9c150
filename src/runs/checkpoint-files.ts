// checkpoints/step-<8 digits>.safetensors: the tensors, with the training state as JSON in the
// safetensors __metadata__ (one file, written atomically, so a checkpoint is whole or absent).
// The newest two are kept; readers skip a file that does not load (truncated, corrupt).
import fs from 'node:fs';
import path from 'node:path';
import { loadSafetensors, saveSafetensors } from '../io/index.js';
import type { Tensor } from '../torch/index.js';

export const CHECKPOINTS_KEPT = 2;
const STATE_KEY = 'clab.state';
const STEP_KEY = 'clab.step';
const FILE_RE = /^step-(\d+)\.safetensors$/;

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
export function writeCheckpoint(dir: string, step: number, tensors: Map<string, Tensor>, state: Record<string, unknown>): string {
  if (!Number.isInteger(step) || step < 0) throw new TypeError(`saveCheckpoint(): step must be a non-negative integer, got ${step}`);
  const stateJson = JSON.stringify(state);
  if (stateJson === undefined || typeof state !== 'object' || state === null)
    throw new TypeError('saveCheckpoint(): state must be a JSON-serialisable object');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, checkpointFileName(step));
  saveSafetensors(file, tensors, { [STATE_KEY]: stateJson, [STEP_KEY]: String(step) });
  const existing = listCheckpointFiles(dir);
  let kept = 0;
  for (const c of existing) {
    if (c.step > step) fs.rmSync(c.file, { force: true });
    else if (kept < CHECKPOINTS_KEPT) kept++;
    else fs.rmSync(c.file, { force: true });
  }
  for (const name of fs.readdirSync(dir))
    if (name.startsWith('.step-') && name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
  return file;
}

/** Loads one checkpoint file; throws if it is incomplete or not a clab checkpoint. */
export function readCheckpoint(file: string, step: number): Checkpoint {
  const { tensors, metadata } = loadSafetensors(file);
  try {
    const stateText = metadata[STATE_KEY];
    if (stateText === undefined || metadata[STEP_KEY] !== String(step)) throw new Error(`${file}: not a clab checkpoint of step ${step}`);
    const state = JSON.parse(stateText) as unknown;
    if (typeof state !== 'object' || state === null || Array.isArray(state)) throw new Error(`${file}: checkpoint state is not an object`);
    return { step, tensors, state: state as Record<string, unknown> };
  } catch (err) {
    for (const t of tensors.values()) t.dispose();
    throw err;
  }
}

/** The newest checkpoint that loads completely, or undefined; the caller owns (disposes) its tensors. */
export function readLatestCheckpoint(dir: string): Checkpoint | undefined {
  for (const c of listCheckpointFiles(dir)) {
    try {
      return readCheckpoint(c.file, c.step);
    } catch {
      // truncated or corrupt: fall back to the previous one
    }
  }
  return undefined;
}
