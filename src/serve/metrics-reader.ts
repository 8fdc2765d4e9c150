// Reads metrics.jsonl from a byte offset up to its last complete line: the dashboard's first load
// reads from 0, and the live stream then reads only what was appended after the offset it got.
// A line without its newline is an append in progress and is left for the next read.
import fs from 'node:fs';

export type Row = Record<string, number | null>;

export interface MetricsChunk {
  rows: Row[];
  /** Offset just past the last complete line read (where the next read starts). */
  offset: number;
  /** The file is shorter than the offset asked for: it was rewritten (a resumed run truncates it). */
  rewritten: boolean;
}

function parseLine(line: string): Row | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const row: Row = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    if (typeof v === 'number' || v === null) row[k] = v;
  return typeof row['step'] === 'number' ? row : undefined;
}

/** The complete rows of `file` after byte `offset` (none if the file does not exist yet). */
export function readMetricsFrom(file: string, offset = 0): MetricsChunk {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { rows: [], offset: 0, rewritten: offset > 0 };
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size < offset) return { rows: [], offset: 0, rewritten: true };
    if (size === offset) return { rows: [], offset, rewritten: false };
    const buf = Buffer.alloc(size - offset);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    const end = buf.subarray(0, got).lastIndexOf(0x0a);
    if (end < 0) return { rows: [], offset, rewritten: false };
    const rows: Row[] = [];
    for (const line of buf.toString('utf8', 0, end).split('\n')) {
      if (line.trim() === '') continue;
      const row = parseLine(line);
      if (row !== undefined) rows.push(row);
    }
    return { rows, offset: offset + end + 1, rewritten: false };
  } finally {
    fs.closeSync(fd);
  }
}

/** Rows as columns: every key in first-seen order (step first), null where a row lacks it. */
export function toColumns(rows: readonly Row[]): { columns: string[]; data: (number | null)[][] } {
  const columns = ['step'];
  const seen = new Set(columns);
  for (const r of rows)
    for (const k of Object.keys(r))
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
  const data = columns.map((c) => rows.map((r) => r[c] ?? null));
  return { columns, data };
}
