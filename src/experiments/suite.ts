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
import { dataKinds } from '../data/kinds.js';
import type { PlannedRun } from './executor.js';
import { loadRecorded, type RecordedTable } from './recorded.js';
import { SuiteSchema, type Suite, type SuiteCell, type SuiteFile } from './suite-schema.js';
import { columnValues, loadPublished, renameRows, type PublishedCells } from './suite-published.js';
import { expandRuns, parseSpecText, resolveSpec, SpecError } from './resolve.js';

export { SuiteSchema, type Suite, type SuiteCell };

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
  const s = readSuiteFile(file);
  const base = readBaseSpec(file, s.base);
  const problems = [...cellKeyIssues(s), ...presetCellIssues(s, base)];
  const grid = gridAtPreset(s, options.preset);
  const chosen = cellSelector(options.cells, Object.keys(s.rows), Object.keys(s.columns));
  const resolved = resolveCells({ file, s, base, options, set, selects: chosen.selects }, grid);
  const recorded = loadRecorded(path.dirname(file), s.recorded, {
    suite: s.suite,
    metric: s.metric,
    rows: Object.keys(s.rows),
    columns: Object.keys(s.columns),
  });
  problems.push(...chosen.problems, ...resolved.problems, ...recorded.problems);
  if (options.cells !== undefined && resolved.cells.length === 0 && problems.length === 0)
    problems.push(`--cells: ${options.cells.join(',')} selects no cell that runs at this preset`);
  if (problems.length > 0) throw new SpecError(file, [...new Set(problems)]);
  return suiteOf(s, file, grid, resolved.cells, recorded.tables);
}

/** The rows and columns that run, in the file's order. */
interface Grid {
  rows: string[];
  columns: string[];
}

/** What resolving a cell needs: the suite, its base spec, the options and the `--set` overrides they stand for. */
interface CellContext {
  file: string;
  s: SuiteFile;
  base: Json;
  options: SuiteOptions;
  set: string[];
  selects: (row: string, column: string) => boolean;
}

/** The suite file, parsed; a SpecError lists every schema problem at its key path. */
function readSuiteFile(file: string): SuiteFile {
  const parsed = SuiteSchema.safeParse(readYaml(file));
  if (!parsed.success)
    throw new SpecError(
      file,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
    );
  return parsed.data;
}

/** The base spec (`base`, relative to the suite file) as a mapping of settings, not yet validated. */
function readBaseSpec(file: string, base: string): Json {
  const baseFile = path.join(path.dirname(file), base);
  const spec = readYaml(baseFile);
  if (!isRecord(spec)) throw new SpecError(baseFile, ['(top level): expected a mapping of settings']);
  return spec;
}

/** `cells:` keys that are not `row/column` of this suite (one problem each). */
function cellKeyIssues(s: SuiteFile): string[] {
  const rows = Object.keys(s.rows);
  const columns = Object.keys(s.columns);
  return Object.keys(s.cells)
    .filter((key) => {
      const [r, c] = key.split('/');
      return r === undefined || c === undefined || !(r in s.rows) || !(c in s.columns);
    })
    .map(
      (key) =>
        `cells.${key}: not a row/column of this suite (rows: ${rows.join(', ')}; columns: ${columns.join(', ')})`,
    );
}

/** The rows and columns that run at the preset (presetCells); every one without a preset or a list. */
function gridAtPreset(s: SuiteFile, preset: string | undefined): Grid {
  const only = preset === undefined ? undefined : s.presetCells[preset];
  return {
    rows: Object.keys(s.rows).filter((r) => only?.rows === undefined || only.rows.includes(r)),
    columns: Object.keys(s.columns).filter((c) => only?.columns === undefined || only.columns.includes(c)),
  };
}

/** The grid's existing, selected cells, resolved row by row, and the problems of those that do not resolve. */
function resolveCells(ctx: CellContext, grid: Grid): { cells: SuiteCell[]; problems: string[] } {
  const cells: SuiteCell[] = [];
  const problems: string[] = [];
  for (const row of grid.rows)
    for (const column of grid.columns) {
      const cellOver = ctx.s.cells[`${row}/${column}`];
      if (cellOver === null || !ctx.selects(row, column)) continue;
      const outcome = resolveCell(ctx, row, column, mergedCell(ctx, row, column, cellOver));
      if (Array.isArray(outcome)) problems.push(...outcome);
      else cells.push(outcome);
    }
  return { cells, problems };
}

/** A cell's unvalidated spec: base ⊕ row ⊕ column ⊕ cell, named `<suite>/<row>/<column>`. */
function mergedCell(ctx: CellContext, row: string, column: string, cellOver: Json | undefined): Json {
  const { s, base } = ctx;
  const merged = deepMerge(deepMerge(deepMerge(base, s.rows[row]!), s.columns[column]!), cellOver ?? {});
  merged['name'] = `${s.suite}/${slug(row)}/${slug(column)}`;
  return merged;
}

/** The cell with its resolved spec (preset, overrides), or the problems that keep it from running. */
function resolveCell(ctx: CellContext, row: string, column: string, merged: Json): SuiteCell | string[] {
  if (ctx.options.data !== undefined && !dataTakesPath(merged))
    return [
      `--data: the cells of suite ${ctx.s.suite} do not read a dataset from a path (data.kind '${String((merged['data'] as Json | undefined)?.['kind'] ?? 'latents')}')`,
    ];
  const { preset } = ctx.options;
  try {
    const source = `${ctx.file} [${row}/${column}]`;
    return {
      row,
      column,
      spec: resolveSpec(merged, { source, ...(preset !== undefined ? { preset } : {}), set: ctx.set }),
    };
  } catch (e) {
    // An issue with an option itself (`--preset: …`) is the same for every cell: unprefixed, it is listed once.
    if (e instanceof SpecError) return e.issues.map((i) => (i.startsWith('--') ? i : `${row}/${column}: ${i}`));
    throw e;
  }
}

/** The loaded suite: the file's settings, the cells that run, and the published and recorded numbers. */
function suiteOf(s: SuiteFile, file: string, grid: Grid, cells: SuiteCell[], recorded: RecordedTable[]): Suite {
  const { published, alsoPublished } = publishedOf(s, path.dirname(file));
  const series = seriesOf(s);
  return {
    id: s.suite,
    title: s.title,
    ...(s.description !== undefined ? { description: s.description } : {}),
    metric: s.metric,
    ...(s.report !== undefined ? { report: s.report } : {}),
    ...(s.claim !== undefined ? { claim: s.claim } : {}),
    alsoReport: s.alsoReport,
    rows: grid.rows,
    columns: grid.columns,
    skipped: {
      rows: Object.keys(s.rows).filter((r) => !grid.rows.includes(r)),
      columns: Object.keys(s.columns).filter((c) => !grid.columns.includes(c)),
    },
    cells,
    published,
    metricNotes: s.metricNotes,
    alsoPublished,
    ...(s.theory !== undefined ? { theory: s.theory } : {}),
    ...(series !== undefined ? { series } : {}),
    recorded,
    file,
  };
}

/** The published cells of the metric and of the extra metrics, under the suite's row names. */
function publishedOf(s: SuiteFile, dir: string): Pick<Suite, 'published' | 'alsoPublished'> {
  const rename = (cells: PublishedCells): PublishedCells => renameRows(cells, s.publishedRows);
  return {
    published: rename(s.published === undefined ? {} : loadPublished(dir, s.published, s.publishedSeries)),
    alsoPublished: Object.fromEntries(
      Object.entries(s.alsoPublished).map(([m, ref]) => [m, rename(loadPublished(dir, ref))]),
    ),
  };
}

/** For a curve suite (publishedSeries): the axis names and each column's x value; otherwise undefined. */
function seriesOf(s: SuiteFile): Suite['series'] {
  if (s.publishedSeries === undefined) return undefined;
  const { x, y, column } = s.publishedSeries;
  return { x, y, columnX: columnValues(Object.keys(s.columns), column) };
}

/** The presets a suite's cells know: the base spec's and those its rows, columns and cells add. */
function presetNames(s: SuiteFile, base: Json): Set<string> {
  const names = new Set<string>();
  for (const over of [base, ...Object.values(s.rows), ...Object.values(s.columns), ...Object.values(s.cells)])
    if (over !== null && isRecord(over['presets'])) for (const p of Object.keys(over['presets'])) names.add(p);
  return names;
}

/**
 * presetCells names presets the cells know and rows and columns the suite has: a misspelt name
 * would otherwise silently run nothing (or everything) at that preset.
 */
function presetCellIssues(s: SuiteFile, base: Json): string[] {
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
