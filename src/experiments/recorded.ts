// A suite's recorded results: the summaries of finished runs committed as data (`clab record`,
// e.g. experiments/loss-is-not-enough/results/table1-paper.json), so a table quoted in the README
// is backed by a file anyone can re-check. A suite names them by preset,
//   recorded: { paper: results/table1-paper.json }
// (or a list of files recording different cells, e.g. a column run with a setting of its own)
// and its report shows them next to fresh runs. The files are validated with the suite, before
// any work starts: a report must not quietly drop a table it was promised.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** mean ± sample std (n − 1) of a metric over a cell's runs; std is null with one run. */
const MetricStats = z.strictObject({ mean: z.number(), std: z.number().nullable() });

/** One run: its seed and id, then each reported metric's value (null when the run has none). */
const RecordedRun = z.object({ seed: z.number().int(), run: z.string() }).catchall(z.number().nullable());

/** A cell: n runs, the suite metric's statistics under its own name (e.g. r2), and the runs. */
const RecordedCell = z.object({ n: z.number().int().nonnegative(), runs: z.array(RecordedRun) }).catchall(MetricStats);

export const RecordedSchema = z.strictObject({
  suite: z.string(),
  preset: z.string(),
  /** Day (YYYY-MM-DD) the newest recorded run finished. */
  measured: z.string(),
  machine: z.string(),
  /** The engine the runs record (libtorch, threads, gemm, CPU, …). */
  engine: z.record(z.string(), z.unknown()),
  /** The clab commit the runs record. */
  clabCode: z.string(),
  /** The command that trains these runs. */
  command: z.string(),
  note: z.string(),
  /** By `row/column`. */
  cells: z.record(z.string(), RecordedCell),
});

export type RecordedResults = z.output<typeof RecordedSchema>;
export type RecordedCellData = RecordedResults['cells'][string];

/** A recorded-results file as a suite names it: the preset, the path as written, the data. */
export interface RecordedTable {
  preset: string;
  file: string;
  data: RecordedResults;
}

/** What a recorded file must agree with: the suite's id, metric, rows and columns. */
export interface RecordedContext {
  suite: string;
  metric: string;
  rows: string[];
  columns: string[];
}

/** The JSON of `file` (as the suite names it, relative to `dir`), or why it cannot be read. */
function readJson(dir: string, file: string): { value?: unknown; problem?: string } {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, file), 'utf8');
  } catch {
    return { problem: `${file}: no such file, or not readable (${path.resolve(dir, file)})` };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { problem: `${file}: not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** mean and sample std (null below two values) of a cell's recorded values. */
function meanStd(values: number[]): { mean: number; std: number | null } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: values.length < 2 ? null : Math.sqrt(ss / (values.length - 1)) };
}

const near = (a: number | null, b: number | null): boolean =>
  a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

/** A cell's n, mean and std must be those of its runs' values: the file is re-checkable. */
function cellIssues(key: string, cell: RecordedCellData, metric: string): string[] {
  const stats = cell[metric];
  if (stats === undefined || !('mean' in stats)) return [`cells.${key}: no '${metric}' (the suite's metric)`];
  const values = cell.runs.flatMap((r) => (typeof r[metric] === 'number' ? [r[metric]] : []));
  if (values.length !== cell.n) return [`cells.${key}.n: ${cell.n}, but ${values.length} runs have '${metric}'`];
  if (values.length === 0) return [`cells.${key}: no run has '${metric}'`];
  const ours = meanStd(values);
  if (!near(stats.mean, ours.mean) || !near(stats.std, ours.std))
    return [
      `cells.${key}.${metric}: mean ${stats.mean} ± ${stats.std} is not that of its runs (${ours.mean} ± ${ours.std})`,
    ];
  return [];
}

/** Problems of the file's content against the suite: wrong suite or preset, unknown cells, no metric. */
function contentIssues(data: RecordedResults, preset: string, ctx: RecordedContext): string[] {
  const out: string[] = [];
  if (data.suite !== ctx.suite) out.push(`suite: '${data.suite}', expected '${ctx.suite}'`);
  if (data.preset !== preset) out.push(`preset: '${data.preset}', expected '${preset}' (the key naming the file)`);
  for (const [key, cell] of Object.entries(data.cells)) {
    const [row, column, ...rest] = key.split('/');
    if (row === undefined || column === undefined || rest.length > 0) out.push(`cells.${key}: not row/column`);
    else if (!ctx.rows.includes(row) || !ctx.columns.includes(column))
      out.push(`cells.${key}: not a row/column of suite ${ctx.suite}`);
    out.push(...cellIssues(key, cell, ctx.metric));
  }
  return out;
}

/** One file's table, or its problems, named by key path (`at`). */
function loadFile(
  dir: string,
  at: string,
  preset: string,
  file: string,
  ctx: RecordedContext,
): RecordedTable | string[] {
  const json = readJson(dir, file);
  if (json.problem !== undefined) return [`${at}: ${json.problem}`];
  const parsed = RecordedSchema.safeParse(json.value);
  const issues = parsed.success
    ? contentIssues(parsed.data, preset, ctx)
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
  if (issues.length > 0 || !parsed.success) return issues.map((i) => `${at}: ${file}: ${i}`);
  return { preset, file, data: parsed.data };
}

/** A cell recorded by two files of one preset: which value would the table show? */
function overlapIssues(at: string, tables: RecordedTable[]): string[] {
  const owner = new Map<string, string>();
  const out: string[] = [];
  for (const t of tables)
    for (const key of Object.keys(t.data.cells)) {
      const first = owner.get(key);
      if (first !== undefined) out.push(`${at}: ${first} and ${t.file} both record cells.${key}`);
      else owner.set(key, t.file);
    }
  return out;
}

/**
 * Loads the recorded-results files a suite names (`recorded.<preset>`: a file or a list of files
 * recording different cells, paths relative to the suite file); problems are named by key path,
 * e.g. `recorded.paper: … cells.a/b.n: …` or `recorded.paper[1]: …`.
 */
export function loadRecorded(
  dir: string,
  recorded: Record<string, string | string[]>,
  ctx: RecordedContext,
): { tables: RecordedTable[]; problems: string[] } {
  const tables: RecordedTable[] = [];
  const problems: string[] = [];
  for (const [preset, named] of Object.entries(recorded)) {
    const single = typeof named === 'string';
    const files = single ? [named] : named;
    const loaded = files.map((file, i) =>
      loadFile(dir, single ? `recorded.${preset}` : `recorded.${preset}[${i}]`, preset, file, ctx),
    );
    const ok = loaded.filter((t): t is RecordedTable => !Array.isArray(t));
    problems.push(...loaded.filter((t) => Array.isArray(t)).flat(), ...overlapIssues(`recorded.${preset}`, ok));
    tables.push(...ok);
  }
  return { tables, problems };
}
