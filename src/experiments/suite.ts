// A suite is a table of experiments: a base spec, rows and columns that override it, per-cell
// overrides, and the published numbers the cells are compared with. Each cell's spec is
//   base ⊕ row ⊕ column ⊕ cell      (deep merge of plain mappings; later wins)
// named `<suite>/<row>/<column>`, then resolved (preset, --set) and validated like any spec.
// A suite may run only some rows and columns under a preset (`presetCells`), e.g.
//   presetCells: { quick: { rows: [linear, small-mlp], columns: [iota=0, iota=1] } }
// runs those 2 × 2 cells at --preset quick and every cell at any other preset; a list left out
// keeps every row (or column). The loaded suite lists the rows and columns that run, and names the
// others in `skipped` (reports mark them "not run at this preset").
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { dataKinds } from '../data/kinds.js';
import type { PlannedRun } from './executor.js';
import { loadRecorded, type RecordedTable } from './recorded.js';
import { columnValues, loadPublished, renameRows, type PublishedCells } from './suite-published.js';
import { expandRuns, parseSpecText, resolveSpec, SpecError } from './resolve.js';
import type { ExperimentSpec } from './spec.js';

const Mapping = z.record(z.string(), z.unknown());

export const SuiteSchema = z.strictObject({
  suite: z.string(),
  title: z.string(),
  description: z.string().optional(),
  /** Spec file (relative to the suite file) every cell starts from. */
  base: z.string(),
  /** The report builder (src/report/suites/index.ts) when the generic table is not enough. */
  report: z.string().optional(),
  /** The paper's claim the suite tests, stated first in its report. */
  claim: z.string().optional(),
  /** The metric the table reports (a key of the run's final metrics, e.g. r2). */
  metric: z.string(),
  /** Extra metrics to report for every cell (e.g. mcc, ape, loss). */
  alsoReport: z.array(z.string()).default([]),
  /** Published values of the extra metrics: metric → `file.json#dotted.key` of a { cells } table. */
  alsoPublished: z.record(z.string(), z.string()).default({}),
  /** A note for a metric's table in the report, where ours and the published value differ in definition. */
  metricNotes: z.record(z.string(), z.string()).default({}),
  /** Published row names where they differ from the suite's (suite row → published row). */
  publishedRows: z.record(z.string(), z.string()).default({}),
  /** The theory plot for the report: L(h_λ) − L(identity) along λ under this conditional. */
  theory: z
    .strictObject({
      tau: z.number().positive(),
      kappa: z.number().positive(),
      fixedDims: z.number().int().positive(),
      dim: z.number().int().default(3),
      lambdas: z.array(z.number().positive()),
    })
    .optional(),
  rows: z.record(z.string(), Mapping),
  columns: z.record(z.string(), Mapping),
  /**
   * The rows and columns that run under a preset (preset → { rows, columns }, names of this suite's
   * rows and columns); a preset not listed, or a list left out, runs every row (column).
   */
  presetCells: z
    .record(
      z.string(),
      z.strictObject({
        rows: z
          .array(z.string())
          .min(1, { error: 'name at least one row (leave rows out to run every row)' })
          .optional(),
        columns: z
          .array(z.string())
          .min(1, { error: 'name at least one column (leave columns out to run every column)' })
          .optional(),
      }),
    )
    .default({}),
  /** Per-cell overrides, keyed `row/column`; null marks a cell that does not exist. */
  cells: z.record(z.string(), Mapping.nullable()).default({}),
  /** The published numbers: `file.json#key` (relative to the suite file). */
  published: z.string().optional(),
  /**
   * When the published data are curves ({ row: { <x>: [...], <y>: [...] } }) rather than cells:
   * which arrays to read and how an x value names a column (`{x}` is replaced), e.g. d{x}; `std`
   * names an optional array of the seeds' standard deviations (without it they are reported as 0).
   */
  publishedSeries: z
    .strictObject({ x: z.string(), y: z.string(), std: z.string().optional(), column: z.string() })
    .optional(),
  /**
   * Recorded results (`clab record`): preset → JSON file (relative to the suite file), or a list of
   * files recording different cells (one table), shown in its report.
   */
  recorded: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).default({}),
});

export interface SuiteCell {
  row: string;
  column: string;
  spec: ExperimentSpec;
}

export interface Suite {
  id: string;
  title: string;
  description?: string;
  metric: string;
  report?: string;
  claim?: string;
  alsoReport: string[];
  /** The rows and columns that run at the preset the suite was loaded with, in the file's order. */
  rows: string[];
  columns: string[];
  /** Rows and columns the suite declares that do not run at this preset (presetCells); empty when all run. */
  skipped: { rows: string[]; columns: string[] };
  cells: SuiteCell[];
  /** The paper's cells; `std` is absent where no source gives one (e.g. a figure's series). */
  published: PublishedCells;
  /** Published values of the extra metrics, by metric, in the same layout. */
  alsoPublished: Record<string, PublishedCells>;
  /** metric → a note its report table carries (e.g. a definition that differs from the paper's). */
  metricNotes: Record<string, string>;
  theory?: { tau: number; kappa: number; fixedDims: number; dim: number; lambdas: number[] };
  /** For curve suites (publishedSeries): the x value of each column and the axis names. */
  series?: { x: string; y: string; columnX: Record<string, number> };
  /** Committed results of earlier runs (`recorded:`), in the file's order. */
  recorded: RecordedTable[];
  file: string;
}

type Json = Record<string, unknown>;
const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Deep merge of plain mappings (arrays and scalars are replaced, not merged). */
export function deepMerge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    // A different `kind` replaces a tagged variant whole instead of mixing two variants' keys.
    const sameVariant = !(isRecord(v) && isRecord(prev) && 'kind' in v && 'kind' in prev && v['kind'] !== prev['kind']);
    out[k] = isRecord(v) && isRecord(prev) && sameVariant ? deepMerge(prev, v) : v;
  }
  return out;
}

/** Whether a (merged, unvalidated) cell's data kind has a `path` setting. */
function dataTakesPath(spec: Json): boolean {
  const data = spec['data'];
  const kind = isRecord(data) && typeof data['kind'] === 'string' ? data['kind'] : 'latents';
  const entry = (dataKinds as Record<string, { schema: { shape: Record<string, unknown> } }>)[kind];
  return entry !== undefined && 'path' in entry.schema.shape;
}

/** Every run of every cell, labelled with the suite, the cell and the preset. */
export function planSuite(suite: Suite, preset: string): PlannedRun[] {
  return suite.cells.flatMap((cell) =>
    expandRuns(cell.spec).map((run) => ({
      run,
      labels: { suite: suite.id, cell: `${cell.row}/${cell.column}`, preset },
    })),
  );
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new SpecError(file, [`cannot read the file`]);
  }
  return parseSpecText(text, file);
}

export interface SuiteOptions {
  /** A preset of the base spec (e.g. quick, paper), applied to every cell. */
  preset?: string;
  /** `key.path=value` overrides applied to every cell after the preset. */
  set?: string[];
  /** Run seeds 0..seeds−1 in every cell instead of the spec's seeds. */
  seeds?: number;
  /** A dataset path for suites whose data the user supplies (sets data.path in every cell). */
  data?: string;
  /**
   * Only these cells: `row/column` selectors where either part may be a star (every row, every
   * column), e.g. a whole column, to run a table's missing cells first. Default: every cell.
   */
  cells?: string[];
}

/** A predicate for --cells selectors, or the problems with them (a name the suite does not have). */
function cellSelector(
  selectors: string[] | undefined,
  rows: string[],
  columns: string[],
): { problems: string[]; selects: (row: string, column: string) => boolean } {
  if (selectors === undefined) return { problems: [], selects: () => true };
  const problems: string[] = [];
  const parsed = selectors.map((sel) => {
    const [r, c, ...rest] = sel.split('/');
    if (r === undefined || c === undefined || rest.length > 0 || r === '' || c === '')
      problems.push(`--cells: '${sel}' is not row/column (either part may be *)`);
    else {
      if (r !== '*' && !rows.includes(r)) problems.push(`--cells: '${sel}': no row '${r}' (rows: ${rows.join(', ')})`);
      if (c !== '*' && !columns.includes(c))
        problems.push(`--cells: '${sel}': no column '${c}' (columns: ${columns.join(', ')})`);
    }
    return [r, c] as const;
  });
  const matches = (part: string | undefined, name: string): boolean => part === '*' || part === name;
  return { problems, selects: (row, column) => parsed.some(([r, c]) => matches(r, row) && matches(c, column)) };
}

/** A cell's name part: lowercase, with anything a spec name cannot hold turned into '-'. */
const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9._=-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'x';

/** The `--set` overrides that --seeds and --data stand for. */
function optionOverrides(options: SuiteOptions): string[] {
  const set = [...(options.set ?? [])];
  if (options.seeds !== undefined) set.push(`seeds=[${Array.from({ length: options.seeds }, (_, i) => i).join(',')}]`);
  if (options.data !== undefined) set.push(`data.path=${JSON.stringify(options.data)}`);
  return set;
}

/** Loads and validates a suite; every cell is resolved (preset, overrides) before any work starts. */
export function loadSuite(file: string, options: SuiteOptions = {}): Suite {
  const set = optionOverrides(options);
  const raw = readYaml(file);
  const parsed = SuiteSchema.safeParse(raw);
  if (!parsed.success)
    throw new SpecError(
      file,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
    );
  const s = parsed.data;
  const dir = path.dirname(file);
  const base = readYaml(path.join(dir, s.base));
  if (!isRecord(base)) throw new SpecError(path.join(dir, s.base), ['(top level): expected a mapping of settings']);
  const cells: SuiteCell[] = [];
  const problems: string[] = [];
  for (const key of Object.keys(s.cells)) {
    const [r, c] = key.split('/');
    if (r === undefined || c === undefined || !(r in s.rows) || !(c in s.columns))
      problems.push(
        `cells.${key}: not a row/column of this suite (rows: ${Object.keys(s.rows).join(', ')}; columns: ${Object.keys(s.columns).join(', ')})`,
      );
  }
  problems.push(...presetCellIssues(s, base));
  const only = options.preset === undefined ? undefined : s.presetCells[options.preset];
  const rows = Object.keys(s.rows).filter((r) => only?.rows === undefined || only.rows.includes(r));
  const columns = Object.keys(s.columns).filter((c) => only?.columns === undefined || only.columns.includes(c));
  const chosen = cellSelector(options.cells, Object.keys(s.rows), Object.keys(s.columns));
  problems.push(...chosen.problems);
  for (const row of rows) {
    const rowOver = s.rows[row]!;
    for (const column of columns) {
      const colOver = s.columns[column]!;
      const cellOver = s.cells[`${row}/${column}`];
      if (cellOver === null || !chosen.selects(row, column)) continue;
      const merged = deepMerge(deepMerge(deepMerge(base, rowOver), colOver), cellOver ?? {});
      merged['name'] = `${s.suite}/${slug(row)}/${slug(column)}`;
      if (options.data !== undefined && !dataTakesPath(merged)) {
        problems.push(
          `--data: the cells of suite ${s.suite} do not read a dataset from a path (data.kind '${String((merged['data'] as Json | undefined)?.['kind'] ?? 'latents')}')`,
        );
        continue;
      }
      try {
        cells.push({
          row,
          column,
          spec: resolveSpec(merged, {
            source: `${file} [${row}/${column}]`,
            ...(options.preset !== undefined ? { preset: options.preset } : {}),
            set,
          }),
        });
      } catch (e) {
        if (e instanceof SpecError)
          problems.push(...e.issues.map((i) => (i.startsWith('--') ? i : `${row}/${column}: ${i}`)));
        else throw e;
      }
    }
  }
  const recorded = loadRecorded(dir, s.recorded, {
    suite: s.suite,
    metric: s.metric,
    rows: Object.keys(s.rows),
    columns: Object.keys(s.columns),
  });
  problems.push(...recorded.problems);
  if (options.cells !== undefined && cells.length === 0 && problems.length === 0)
    problems.push(`--cells: ${options.cells.join(',')} selects no cell that runs at this preset`);
  if (problems.length > 0) throw new SpecError(file, [...new Set(problems)]);
  return {
    id: s.suite,
    title: s.title,
    ...(s.description !== undefined ? { description: s.description } : {}),
    metric: s.metric,
    ...(s.report !== undefined ? { report: s.report } : {}),
    ...(s.claim !== undefined ? { claim: s.claim } : {}),
    alsoReport: s.alsoReport,
    rows,
    columns,
    skipped: {
      rows: Object.keys(s.rows).filter((r) => !rows.includes(r)),
      columns: Object.keys(s.columns).filter((c) => !columns.includes(c)),
    },
    cells,
    published: renameRows(
      s.published === undefined ? {} : loadPublished(dir, s.published, s.publishedSeries),
      s.publishedRows,
    ),
    metricNotes: s.metricNotes,
    alsoPublished: Object.fromEntries(
      Object.entries(s.alsoPublished).map(([m, ref]) => [m, renameRows(loadPublished(dir, ref), s.publishedRows)]),
    ),
    ...(s.theory !== undefined ? { theory: s.theory } : {}),
    ...(s.publishedSeries !== undefined
      ? {
          series: {
            x: s.publishedSeries.x,
            y: s.publishedSeries.y,
            columnX: columnValues(Object.keys(s.columns), s.publishedSeries.column),
          },
        }
      : {}),
    recorded: recorded.tables,
    file,
  };
}

/** The presets a suite's cells know: the base spec's and those its rows, columns and cells add. */
function presetNames(s: z.output<typeof SuiteSchema>, base: Json): Set<string> {
  const names = new Set<string>();
  for (const over of [base, ...Object.values(s.rows), ...Object.values(s.columns), ...Object.values(s.cells)])
    if (over !== null && isRecord(over['presets'])) for (const p of Object.keys(over['presets'])) names.add(p);
  return names;
}

/**
 * presetCells names presets the cells know and rows and columns the suite has: a misspelt name
 * would otherwise silently run nothing (or everything) at that preset.
 */
function presetCellIssues(s: z.output<typeof SuiteSchema>, base: Json): string[] {
  const out: string[] = [];
  const presets = presetNames(s, base);
  for (const [preset, only] of Object.entries(s.presetCells)) {
    if (!presets.has(preset))
      out.push(
        `presetCells.${preset}: not a preset of this suite's cells (presets: ${[...presets].join(', ') || 'none'})`,
      );
    for (const [what, names, declared] of [
      ['rows', only.rows, Object.keys(s.rows)],
      ['columns', only.columns, Object.keys(s.columns)],
    ] as const)
      (names ?? []).forEach((name, i) => {
        if (!declared.includes(name))
          out.push(
            `presetCells.${preset}.${what}.${i}: '${name}' is not a ${what.slice(0, -1)} of this suite (allowed: ${declared.join(', ')})`,
          );
      });
  }
  return out;
}
