// metrics.jsonl: one JSON object per line, appended and fsynced row by row. A kill -9 mid-append
// can leave a torn last line; readers ignore it and the next append cuts it off first.
import fs from 'node:fs';
import { writeFileAtomic } from '../io/index.js';
import type { MetricsRow } from './types.js';

const NEWLINE = 0x0a;

function encodeRow(row: MetricsRow): string {
  if (typeof row !== 'object' || row === null) throw new TypeError('appendMetrics(): a row must be an object');
  if (typeof row.step !== 'number' || !Number.isInteger(row.step) || row.step < 0)
    throw new TypeError(`appendMetrics(): 'step' must be a non-negative integer, got ${String(row.step)}`);
  if (typeof row.seconds !== 'number')
    throw new TypeError(`appendMetrics(): 'seconds' must be a number, got ${String(row.seconds)}`);
  for (const [name, value] of Object.entries(row))
    if (typeof value !== 'number')
      throw new TypeError(`appendMetrics(): metric '${name}' must be a number, got ${typeof value}`);
  // Non-finite numbers become null (JSON has no NaN); readMetrics turns them back into NaN.
  return JSON.stringify(row) + '\n';
}

function decodeRow(line: string): MetricsRow | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const row: Record<string, number> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'number') row[k] = v;
    else if (v === null) row[k] = NaN;
    else return undefined;
  }
  if (typeof row.step !== 'number' || typeof row.seconds !== 'number') return undefined;
  return row as MetricsRow;
}

/** Length of the file up to and including its last newline (0 if it has none). */
function completeLength(fd: number, size: number): number {
  const chunk = Buffer.alloc(4096);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const n = fs.readSync(fd, chunk, 0, end - start, start);
    const i = chunk.subarray(0, n).lastIndexOf(NEWLINE);
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}

/** Appends one row and fsyncs; first cuts off a torn last line left by a killed writer. */
export function appendMetricsRow(file: string, row: MetricsRow): void {
  const text = encodeRow(row);
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o666);
  try {
    const size = fs.fstatSync(fd).size;
    let at = size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== NEWLINE) {
        at = completeLength(fd, size);
        fs.ftruncateSync(fd, at);
      }
    }
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, at + done);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The rows of a metrics file ([] if it does not exist). A last line without its newline, or one
 * that does not parse, is a torn append and is ignored; a bad line before the last is an error.
 */
export function readMetricsRows(file: string): MetricsRow[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n');
  const torn = lines.pop(); // '' when the file ends with a newline; otherwise an unfinished line
  void torn;
  const rows: MetricsRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const row = decodeRow(line);
    if (row === undefined) {
      if (i === lines.length - 1) break; // a complete but garbled last line: also a torn write
      throw new Error(`${file}: line ${i + 1} is not a metrics row: ${line.slice(0, 120)}`);
    }
    rows.push(row);
  }
  return rows;
}

/** Atomically rewrites the file keeping only rows with step ≤ `step` (and dropping a torn tail). */
export function truncateMetricsRows(file: string, step: number): void {
  if (!fs.existsSync(file)) return;
  const kept = readMetricsRows(file).filter((r) => r.step <= step);
  writeFileAtomic(file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
}
