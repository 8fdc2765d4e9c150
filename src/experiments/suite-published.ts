// How a suite reads the paper's published numbers (`published:` / `alsoPublished:`): a table of cells
// `{ row: { column: { mean, std } } }`, or curves (`publishedSeries:`) turned into such cells.
import fs from 'node:fs';
import path from 'node:path';
import { SpecError } from './resolve.js';

/** row → column → the published mean (and std where the source gives one); null: not in the paper. */
export type PublishedCells = Record<string, Record<string, { mean: number; std?: number } | null>>;

type Json = Record<string, unknown>;
const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Reads each column's x back from the column naming pattern (e.g. d{x}: d3 → 3). */
export function columnValues(columns: string[], pattern: string): Record<string, number> {
  const [pre, post] = pattern.split('{x}') as [string, string | undefined];
  const out: Record<string, number> = {};
  for (const c of columns) {
    if (c.startsWith(pre) && c.endsWith(post ?? '')) {
      const x = Number(c.slice(pre.length, c.length - (post ?? '').length));
      if (Number.isFinite(x)) out[c] = x;
    }
  }
  return out;
}

/** Published rows under the suite's row names. */
export function renameRows<T>(published: Record<string, T>, alias: Record<string, string>): Record<string, T> {
  const out: Record<string, T> = { ...published };
  for (const [row, source] of Object.entries(alias)) if (published[source] !== undefined) out[row] = published[source]!;
  return out;
}

/** The cells of `file.json#dotted.key` (relative to dir); with `series`, its curves read as cells. */
export function loadPublished(
  dir: string,
  ref: string,
  series?: { x: string; y: string; std?: string; column: string },
): PublishedCells {
  const [file, key] = ref.split('#');
  const data = JSON.parse(fs.readFileSync(path.join(dir, file ?? ''), 'utf8')) as Json;
  // `#a.b.c` selects a nested table.
  const table =
    key === undefined ? data : key.split('.').reduce<unknown>((t, k) => (isRecord(t) ? t[k] : undefined), data);
  if (series !== undefined && isRecord(table)) {
    const cells: PublishedCells = {};
    for (const [row, curve] of Object.entries(table)) {
      if (!isRecord(curve) || !Array.isArray(curve[series.x]) || !Array.isArray(curve[series.y])) continue;
      const xs = curve[series.x] as number[];
      const ys = curve[series.y] as number[];
      // The std is optional: a series printed as means alone gets cells without one.
      const stds = series.std !== undefined && Array.isArray(curve[series.std]) ? (curve[series.std] as number[]) : [];
      const cellAt = (i: number) => (stds[i] === undefined ? { mean: ys[i]! } : { mean: ys[i]!, std: stds[i] });
      cells[row] = Object.fromEntries(xs.map((x, i) => [series.column.replace('{x}', String(x)), cellAt(i)]));
    }
    return cells;
  }
  if (!isRecord(table) || !isRecord(table['cells']))
    throw new SpecError(ref, [`published data '${ref}' has no 'cells' mapping`]);
  return table['cells'] as PublishedCells;
}
