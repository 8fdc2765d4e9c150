// The report of `loss-is-not-enough/table1-ablation` (issue #16; experiments/loss-is-not-enough/
// table1-ablation.yaml): rows are variants of the quick preset that change one choice each, columns
// the violated-InfoNCE cells of Paper A's Table 1. It shows
//   - R² per variant and cell, mean ± std over seeds, next to the paper's value of that cell (Table 1,
//     violated, InfoNCE, for the cell's process) with Table 1's agreement mark (✓: |Δ| within
//     2·sqrt(std_paper² + std_ours²), at least 0.01 — src/report/table.ts);
//   - the R² definitions every run also reports (pooled, without intercept, held out) on the
//     baseline and the rows that change the training budget;
//   - each variant's per-seed values per cell against the paper's band (a strip figure);
//   - which variant moves which cell: |mean − baseline mean| > 2 × the larger of the two seed stds,
//     computed here from the runs (never stated by hand).
import type { ExperimentSpec } from '../../experiments/index.js';
import type { Suite } from '../../experiments/suite.js';
import { agreementTolerance, formatNumber, formatPaper, summarise, summariseCell, type Summary } from '../table.js';
import type { ComparisonTable, PublishedCell, ReportInput, StripInput, TableInput } from '../types.js';
import { cellOf, valuesOf } from './cells.js';
import type { SuiteReportBuilder, SuiteReportContext, SuiteRunData } from './index.js';

/** The Table 1 column the ablation's cells are taken from. */
export const PAPER_COLUMN = 'violated-infonce';

/** The suite's spec of (row, column), or undefined for a cell that does not exist (null in the suite). */
const specOf = (suite: Suite, row: string, column: string): ExperimentSpec | undefined =>
  suite.cells.find((c) => c.row === row && c.column === column)?.spec;

/** The baseline: the suite's first row (every other row changes one choice from it). */
export const baselineOf = (suite: Suite): string => suite.rows[0] ?? '';

/**
 * The paper's value of a column: Table 1's violated-InfoNCE entry for the process the column's
 * cells train on (read from the baseline's cell, else any cell of the column); null when the cell
 * is not a violated-InfoNCE cell or the paper has no number.
 */
export function paperOf(suite: Suite, column: string): PublishedCell {
  const spec = specOf(suite, baselineOf(suite), column) ?? suite.cells.find((c) => c.column === column)?.spec;
  if (spec === undefined) return null;
  if (spec.conditional?.kind !== 'restricted-vmf' || spec.loss.kind !== 'infonce') return null;
  return suite.published[spec.process.kind]?.[PAPER_COLUMN] ?? null;
}

/** The paper's 2-std band of a cell as drawn in the figure: mean ± max(2·std, 0.01) (no std: ± 0.01). */
export function paperBand(p: { mean: number; std?: number }): { lo: number; hi: number } {
  const half = agreementTolerance(p.std ?? 0, null);
  return { lo: p.mean - half, hi: p.mean + half };
}

export type Verdict = 'moves' | 'does not move' | 'cannot tell' | 'not run';

/** How one variant's cell compares with the baseline's. */
export interface Movement {
  column: string;
  variant: string;
  baseline: Summary;
  ours: Summary;
  /** |mean − baseline mean|; null without runs on either side. */
  diff: number | null;
  /** 2 × the larger of the two sample stds; null when either side has fewer than two seeds. */
  threshold: number | null;
  verdict: Verdict;
  /** Whether the variant's cell is inside the paper's band (Table 1's mark); null without a paper value. */
  agrees: boolean | null;
}

/**
 * Every (column, variant ≠ baseline) cell of the suite: moves when |Δmean| > 2·max(std_variant,
 * std_baseline); 'cannot tell' when either side has fewer than two seeds (no std to compare with);
 * 'not run' when either side has no finished run.
 */
export function movements(suite: Suite, runs: readonly SuiteRunData[], metric = suite.metric): Movement[] {
  const base = baselineOf(suite);
  const out: Movement[] = [];
  for (const column of suite.columns) {
    const b = summarise(valuesOf(runs, base, column, metric));
    const paper = paperOf(suite, column);
    for (const variant of suite.rows) {
      if (variant === base || specOf(suite, variant, column) === undefined) continue;
      const values = valuesOf(runs, variant, column, metric);
      const v = summarise(values);
      const diff = v.mean === null || b.mean === null ? null : Math.abs(v.mean - b.mean);
      const threshold = v.std === null || b.std === null ? null : 2 * Math.max(v.std, b.std);
      const verdict: Verdict =
        diff === null ? 'not run' : threshold === null ? 'cannot tell' : diff > threshold ? 'moves' : 'does not move';
      const cell = summariseCell(variant, column, { row: variant, column, values, runIds: [] }, paper);
      const agrees = cell.agreement === 'agree' ? true : cell.agreement === 'disagree' ? false : null;
      out.push({ column, variant, baseline: b, ours: v, diff, threshold, verdict, agrees });
    }
  }
  return out;
}

const num = (x: number | null): string => (x === null ? '—' : formatNumber(x));
const meanStd = (s: Summary): string =>
  s.mean === null
    ? '—'
    : s.std === null
      ? `${formatNumber(s.mean)} (1 seed)`
      : `${formatNumber(s.mean)} ± ${formatNumber(s.std)}`;

/** The main table: variants × cells, the paper's value of each cell in every row that has it. */
export function mainTable(suite: Suite, runs: readonly SuiteRunData[], preset: string): TableInput {
  const published: TableInput['published'] = {};
  for (const row of suite.rows)
    published[row] = Object.fromEntries(
      suite.columns.map((c) => [c, specOf(suite, row, c) === undefined ? null : paperOf(suite, c)]),
    );
  return {
    id: 'table1-ablation-r2',
    title: `${suite.title}: linear R², variant × cell`,
    metric: suite.metric,
    rows: suite.rows,
    columns: suite.columns,
    ours: suite.cells.map((c) => cellOf(runs, c.row, c.column, suite.metric)),
    published,
    note: `preset ${preset}; paper = Table 1, violated, InfoNCE, of the cell's process (5 seeds); ✓ = |Δ| ≤ 2·sqrt(std_paper² + std_ours²) (at least 0.01), Table 1's mark`,
  };
}

/** An r2 metric's settings in words: averaging, fit, in-sample or held out. */
export function r2Definition(m: {
  average?: string | undefined;
  intercept?: boolean | undefined;
  testFraction?: number;
}): string {
  const tf = m.testFraction ?? 0;
  return [
    m.average === 'pooled' ? 'pooled (1 − ΣSS_res/ΣSS_tot)' : 'uniform average of per-coordinate R²',
    m.intercept === false ? 'linear fit without intercept' : 'affine fit',
    tf > 0 ? `fitted on ${formatNumber(1 - tf, 2)}, scored on the held-out ${formatNumber(tf, 2)}` : 'in-sample',
  ].join(', ');
}

/** The r2 metrics the baseline runs report: reported name and definition. */
export function r2Definitions(suite: Suite): { name: string; definition: string }[] {
  const spec = suite.cells.find((c) => c.row === baselineOf(suite))?.spec ?? suite.cells[0]?.spec;
  return (spec?.eval.metrics ?? [])
    .filter((m) => m.kind === 'r2')
    .map((m) => {
      const r = m as { as?: string; average?: string; intercept?: boolean; testFraction?: number };
      return { name: r.as ?? 'r2', definition: r2Definition(r) };
    });
}

/** The baseline and the rows whose training budget (steps, batch) differs from it: the paper-like rows. */
export function budgetRows(suite: Suite): string[] {
  const base = baselineOf(suite);
  const budget = (row: string): string | undefined => {
    const t = suite.cells.find((c) => c.row === row)?.spec.train;
    return t === undefined ? undefined : `${t.iterations}/${t.batch}`;
  };
  return suite.rows.filter((r) => r === base || budget(r) !== budget(base));
}

function definitionsTable(ctx: SuiteReportContext): ComparisonTable {
  const { suite } = ctx;
  const defs = r2Definitions(suite);
  const rows: string[][] = [
    ['paper (Table 1)', 'r2 as published', ...suite.columns.map((c) => formatPaper(paperOf(suite, c)))],
  ];
  for (const row of budgetRows(suite))
    for (const d of defs)
      rows.push([
        row,
        d.name,
        ...suite.columns.map((c) =>
          specOf(suite, row, c) === undefined ? 'n/a' : meanStd(summarise(valuesOf(ctx.runs, row, c, d.name))),
        ),
      ]);
  return {
    id: 'table1-ablation-r2-definitions',
    title: `R² definitions on the baseline and the budget rows (mean ± std over seeds): ${defs.map((d) => `${d.name} = ${d.definition}`).join('; ')}`,
    header: ['variant', 'R²', ...suite.columns],
    rows,
  };
}

function movementTable(moves: readonly Movement[]): ComparisonTable {
  const mark = (a: boolean | null): string => (a === null ? '' : a ? '✓' : '✗');
  return {
    id: 'table1-ablation-moves',
    title:
      'Which variant moves which cell: |Δ| = |mean − baseline mean|, moves when |Δ| > 2 × the larger of the two seed stds',
    header: ['cell', 'variant', 'baseline', 'variant', '|Δ|', '2·max std', 'verdict', 'in paper band'],
    rows: moves.map((m) => [
      m.column,
      m.variant,
      meanStd(m.baseline),
      meanStd(m.ours),
      num(m.diff),
      num(m.threshold),
      m.verdict,
      mark(m.agrees),
    ]),
  };
}

function strips(ctx: SuiteReportContext): StripInput[] {
  const { suite } = ctx;
  return suite.columns.map((column) => {
    const categories = suite.rows.filter((r) => specOf(suite, r, column) !== undefined);
    const points = ctx.runs
      .filter((r) => r.column === column && categories.includes(r.row) && r.meta.summary !== undefined)
      .sort((a, b) => a.meta.seed - b.meta.seed)
      .map((r) => ({
        category: r.row,
        y: r.meta.summary!.metrics[suite.metric] ?? Number.NaN,
        label: `seed ${r.meta.seed}`,
      }));
    const paper = paperOf(suite, column);
    return {
      id: `ablation-${column}`,
      title: `${column}: ${suite.metric} per seed, by variant`,
      x: 'variant',
      y: `linear R² (${suite.metric})`,
      categories,
      points,
      ...(paper === null
        ? {}
        : {
            band: {
              ...paperBand(paper),
              label: `paper ${formatPaper(paper)}: mean ± 2 std (at least ± 0.01)`,
            },
          }),
    };
  });
}

/** The generated text: per cell, the variants that move it and those that do not, with the numbers. */
export function movementText(suite: Suite, runs: readonly SuiteRunData[]): string[] {
  const moves = movements(suite, runs);
  const base = baselineOf(suite);
  const out: string[] = [];
  for (const column of suite.columns) {
    const here = moves.filter((m) => m.column === column);
    const paper = paperOf(suite, column);
    const b = summarise(valuesOf(runs, base, column, suite.metric));
    const say = (m: Movement): string =>
      `${m.variant} (${meanStd(m.ours)}, |Δ| ${num(m.diff)} vs ${num(m.threshold)}${m.agrees === null ? '' : m.agrees ? ', inside the paper band ✓' : ', outside the paper band ✗'})`;
    const group = (v: Verdict): string => {
      const list = here.filter((m) => m.verdict === v);
      return list.length === 0 ? 'none' : list.map(say).join('; ');
    };
    const cannot = here.filter((m) => m.verdict === 'cannot tell');
    const notRun = here.filter((m) => m.verdict === 'not run');
    out.push(
      `${column} (paper ${formatPaper(paper)}; baseline ${base} ${meanStd(b)}): moves — ${group('moves')}. Does not move — ${group('does not move')}.` +
        (cannot.length > 0 ? ` Cannot tell (fewer than two seeds on a side) — ${cannot.map(say).join('; ')}.` : '') +
        (notRun.length > 0 ? ` Not run yet — ${notRun.map((m) => m.variant).join(', ')}.` : ''),
    );
  }
  // Whether one setting (row) has every cell it runs inside the paper's band.
  const table = mainTable(suite, runs, '');
  const byRow = suite.rows.map((row) => {
    const cells = suite.columns
      .filter((c) => specOf(suite, row, c) !== undefined)
      .map((c) =>
        summariseCell(
          row,
          c,
          table.ours.find((o) => o.row === row && o.column === c),
          table.published[row]?.[c] ?? null,
        ),
      )
      .filter((c) => c.agreement === 'agree' || c.agreement === 'disagree');
    return { row, inside: cells.filter((c) => c.agreement === 'agree').length, of: cells.length };
  });
  const all = byRow.filter((r) => r.of === suite.columns.length && r.inside === r.of).map((r) => r.row);
  out.push(
    `Inside the paper's band, per variant (cells with runs): ${byRow.map((r) => `${r.row} ${r.of === 0 ? 'no runs' : `${r.inside}/${r.of}`}`).join(', ')}. ` +
      (all.length > 0
        ? `Every cell inside the band: ${all.join(', ')}.`
        : `No variant has all ${suite.columns.length} cells inside the band.`),
  );
  return out;
}

export const table1AblationReport: SuiteReportBuilder = (ctx) => {
  const moves = movements(ctx.suite, ctx.runs);
  const defs = r2Definitions(ctx.suite);
  return {
    ...ctx.generic,
    environment: { ...ctx.generic.environment, suite: ctx.suite.id, preset: ctx.preset },
    // Our main table replaces the generic one of the suite metric (its published values are keyed
    // by process, not by variant); the generic tables of the other metrics stay.
    tables: [
      mainTable(ctx.suite, ctx.runs, ctx.preset),
      ...ctx.generic.tables.filter((t) => t.metric !== ctx.suite.metric),
    ],
    comparisons: [movementTable(moves), definitionsTable(ctx)],
    strips: strips(ctx),
    notes: [
      ...(ctx.suite.description !== undefined ? [ctx.suite.description] : []),
      `What moves which cell (${ctx.preset} preset; baseline = ${baselineOf(ctx.suite)}; a variant moves a cell when its mean differs from the baseline's by more than 2 × the larger of the two seed stds):`,
      ...movementText(ctx.suite, ctx.runs).map((t) => `  ${t}`),
      `R² definitions reported by every run: ${defs.map((d) => `${d.name} = ${d.definition}`).join('; ')}.`,
    ],
  } satisfies ReportInput;
};
