// Checksums of the files of a run folder, so that a damaged file is found and named instead of
// being read into different numbers. meta.json and summary.json carry a `sha256` member: the hash
// of the canonical JSON of the rest of the object. Files written before checksums existed (no
// `sha256` member) are read as they are.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { writeJsonAtomic } from '../io/index.js';
import { canonicalJson } from './ids.js';

/** The member of a checked JSON file that holds its checksum. */
export const CHECKSUM_KEY = 'sha256';

/** A file of a run folder that cannot be trusted: truncated, not JSON, or not matching its checksum. */
export class DamagedFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: damaged (${reason})`);
    this.name = 'DamagedFileError';
  }
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes `value` (an object) atomically as JSON with its checksum appended. */
export function writeCheckedJson(file: string, value: object): void {
  const { [CHECKSUM_KEY]: _old, ...rest } = value as Record<string, unknown>;
  writeJsonAtomic(file, { ...rest, [CHECKSUM_KEY]: sha256Hex(canonicalJson(rest)) });
}

/**
 * Reads a JSON object written by writeCheckedJson and verifies its checksum; the checksum member
 * is removed from the result. Throws DamagedFileError naming the file when it does not parse, is
 * not an object, or does not match. A missing file throws the usual ENOENT error.
 */
export function readCheckedJson(file: string): Record<string, unknown> {
  const text = fs.readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = text.trim() === '' ? 'the file is empty' : `not valid JSON, truncated? ${(err as Error).message}`;
    throw new DamagedFileError(file, why);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DamagedFileError(file, 'not a JSON object');
  const { [CHECKSUM_KEY]: stored, ...rest } = value as Record<string, unknown>;
  if (stored !== undefined && stored !== sha256Hex(canonicalJson(rest)))
    throw new DamagedFileError(file, 'its content does not match its sha256 checksum');
  return rest;
}
