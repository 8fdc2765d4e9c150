// Table summaries: our per-seed values as mean ± sample std (n), next to the paper's mean ± std,
// with the difference and whether the two agree; rendered as a terminal table or Markdown.
import type { CellResult, PublishedCell, TableInput } from './types.js';

/** Mean, sample standard deviation (n − 1 in the denominator) and count of a list of values. */
export interface Summary {
  n: number;
  /** null when n = 0. */
  mean: number | null;
  /** Sample std; null when n < 2 (one run says nothing about the spread: shown as "—"). */
  std: number | null;
}

/** How our cell compares to the paper's. */
export type Agreement = 'agree' | 'disagree' | 'no-paper' | 'no-runs';

export interface CellSummary extends Summary {
  row: string;
  column: string;
  values: number[];
  runIds: string[];
  paper: PublishedCell;
  /** ours.mean − paper.mean; null when either is missing. */
  delta: number | null;
  /** The |Δ| allowed for agreement (see `agreementTolerance`); null when Δ is null. */
  tolerance: number | null;
  agreement: Agreement;
}

export interface TableSummary {
  id: string;
  title: string;
  metric: string;
  rows: string[];
  columns: string[];
  /** cells[r][c] for rows[r], columns[c]. */
  cells: CellSummary[][];
  /** Recorded results of the same cells (TableInput.recorded), summarised the same way. */
  recorded?: { source: string; cells: CellSummary[][] };
  oursHeading?: string;
  note?: string;
}

/**
 * The smallest tolerance used for agreement: the paper prints two decimals, so a published
 * "1.00 ± 0.00" means a spread below 0.005, and a tolerance of 2·0.005 = 0.01 is the finest claim
 * the printed numbers support.
 */
export const MIN_TOLERANCE = 0.01;

/** Mean, sample std and n. Non-finite values are kept (a NaN run makes the mean NaN, visibly). */
export function summarise(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { n, mean: null, std: null };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { n, mean, std: null };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { n, mean, std: Math.sqrt(ss / (n - 1)) };
}

/**
 * Agreement tolerance for Δ = ours − paper: 2·sqrt(std_paper² + std_ours²) (two standard
 * deviations of the difference of two independent draws), never below MIN_TOLERANCE. With one run
 * our std is unknown and counts as 0.
 */
export function agreementTolerance(paperStd: number, oursStd: number | null): number {
  const s = Math.sqrt(paperStd * paperStd + (oursStd ?? 0) * (oursStd ?? 0));
  return Math.max(2 * s, MIN_TOLERANCE);
}

/** Summarises one cell of our results against the published value. */
export function summariseCell(
  row: string,
  column: string,
  ours: CellResult | undefined,
  paper: PublishedCell,
): CellSummary {
  const values = ours?.values ?? [];
  const runIds = ours?.runIds ?? [];
  const s = summarise(values);
  let delta: number | null = null;
  let tolerance: number | null = null;
  let agreement: Agreement;
  if (s.mean === null) agreement = 'no-runs';
  else if (paper === null) agreement = 'no-paper';
  else {
    delta = s.mean - paper.mean;
    tolerance = agreementTolerance(paper.std ?? 0, s.std);
    agreement = Math.abs(delta) <= tolerance ? 'agree' : 'disagree';
  }
  return { row, column, ...s, values: [...values], runIds: [...runIds], paper, delta, tolerance, agreement };
}

function appendMissing(list: string[], extra: Iterable<string>): string[] {
  const out = [...list];
  for (const e of extra) if (!out.includes(e)) out.push(e);
  return out;
}

/** Cells by row and column, several CellResults for the same cell pooled. */
function pool(results: readonly CellResult[]): Map<string, CellResult> {
  const pooled = new Map<string, CellResult>();
  for (const cell of results) {
    const k = cellKey(cell.row, cell.column);
    const prev = pooled.get(k);
    if (prev) {
      prev.values.push(...cell.values);
      prev.runIds.push(...cell.runIds);
    } else {
      pooled.set(k, { row: cell.row, column: cell.column, values: [...cell.values], runIds: [...cell.runIds] });
    }
  }
  return pooled;
}

const cellKey = (r: string, c: string): string => JSON.stringify([r, c]);

/** Every cell of rows × columns summarised against the published value. */
function summariseGrid(
  table: TableInput,
  rows: string[],
  columns: string[],
  results: readonly CellResult[],
): CellSummary[][] {
  const pooled = pool(results);
  return rows.map((row) =>
    columns.map((column) =>
      summariseCell(row, column, pooled.get(cellKey(row, column)), table.published[row]?.[column] ?? null),
    ),
  );
}

/**
 * Summarises a table. Several CellResults for the same cell are pooled. Rows or columns present
 * in `ours` but not listed in the table are appended, so no result is silently dropped.
 */
export function summariseTable(table: TableInput): TableSummary {
  const rows = appendMissing(
    table.rows,
    table.ours.map((c) => c.row),
  );
  const columns = appendMissing(
    table.columns,
    table.ours.map((c) => c.column),
  );
  const cells = summariseGrid(table, rows, columns, table.ours);
  const out: TableSummary = { id: table.id, title: table.title, metric: table.metric, rows, columns, cells };
  if (table.recorded !== undefined)
    out.recorded = {
      source: table.recorded.source,
      cells: summariseGrid(table, rows, columns, table.recorded.cells),
    };
  if (table.oursHeading !== undefined) out.oursHeading = table.oursHeading;
  if (table.note !== undefined) out.note = table.note;
  return out;
}

// ---- formatting ----------------------------------------------------------------------------------

/** Digits for our numbers and the differences. */
export const DIGITS = 3;

/** A number with `digits` decimals; the minus sign is ASCII so output stays greppable. */
export function formatNumber(x: number, digits = DIGITS): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A published number with as many decimals as it was printed with (at least 2, at most 4). */
export function formatPublished(x: number): string {
  for (let d = 2; d < 4; d++) if (Number(x.toFixed(d)) === x) return x.toFixed(d);
  return x.toFixed(4);
}

/** Our cell: "mean ± std (n)", "mean (1)" with one run, "—" with none. */
export function formatOurs(c: Summary): string {
  if (c.mean === null) return '—';
  if (c.std === null) return `${formatNumber(c.mean)} (${c.n})`;
  return `${formatNumber(c.mean)} ± ${formatNumber(c.std)} (${c.n})`;
}

/** The paper's cell: "mean ± std", "mean" where it prints no std, or "n/a" where it has none. */
export function formatPaper(p: PublishedCell): string {
  if (p === null) return 'n/a';
  return p.std === undefined ? formatPublished(p.mean) : `${formatPublished(p.mean)} ± ${formatPublished(p.std)}`;
}

/** Δ with an explicit sign; "" when undefined. */
export function formatDelta(c: CellSummary): string {
  if (c.delta === null) return '';
  const s = formatNumber(c.delta);
  return c.delta > 0 && !/^0\.0*$/.test(s) ? `+${s}` : s;
}

const MARK: Record<Agreement, string> = { agree: '✓', disagree: '✗', 'no-paper': '', 'no-runs': '' };

/** Display width of a string (every code point counts as one column; enough for our symbols). */
function width(s: string): number {
  return [...s].length;
}
function padEnd(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)));
}
function padCenter(s: string, w: number): string {
  const total = Math.max(0, w - width(s));
  const left = Math.floor(total / 2);
  return ' '.repeat(left) + s + ' '.repeat(total - left);
}

export interface TerminalTableOptions {
  /**
   * 'grid' (default): rows × columns, each column a block "ours (n) | paper | Δ" (wide: about
   * 45 characters per column). 'long': one line per cell (row, column, ours, paper, Δ), for narrow
   * terminals.
   */
  layout?: 'grid' | 'long';
}

const FOOTER = [
  'ours: mean ± sample std (n runs); paper: published mean ± std (a mean alone: no std printed, counted as 0); Δ = ours − paper;',
  '✓ |Δ| ≤ 2·sqrt(std_paper² + std_ours²) (at least 0.01), ✗ otherwise; — no runs; n/a not in the paper.',
];

function deltaText(c: CellSummary): string {
  return `${formatDelta(c)}${MARK[c.agreement] ? ` ${MARK[c.agreement]}` : ''}`;
}

/** The sub-columns of every table column: ours, paper, Δ, and with recorded results theirs and their Δ. */
export function subColumns(t: TableSummary): string[] {
  const ours = [t.oursHeading ?? 'ours (n)', 'paper', 'Δ'];
  return t.recorded === undefined ? ours : [...ours, 'recorded (n)', 'Δ rec.'];
}

/** The texts of cell (i, j) under `subColumns`. */
function cellTexts(t: TableSummary, i: number, j: number): string[] {
  const c = t.cells[i]?.[j];
  if (c === undefined) return [];
  const ours = [formatOurs(c), formatPaper(c.paper), deltaText(c)];
  const rec = t.recorded?.cells[i]?.[j];
  return rec === undefined ? ours : [...ours, formatOurs(rec), deltaText(rec)];
}

/** The footer: how to read the table, and where recorded results come from. */
function footer(t: TableSummary): string[] {
  const rec =
    t.recorded === undefined
      ? []
      : [`recorded: ${t.recorded.source}; mean ± sample std (n runs), Δ rec. = recorded − paper, marked the same way.`];
  return [...FOOTER, ...rec, ...(t.note ? [t.note] : [])];
}

/** Aligned columns separated by two spaces, with a rule under the header. */
function formatLong(t: TableSummary): string {
  const head = [t.metric === '' ? 'row' : `row [${t.metric}]`, 'column', ...subColumns(t)];
  const body = t.cells.flatMap((row, i) => row.map((c, j) => [c.row, c.column, ...cellTexts(t, i, j)]));
  const w = head.map((h, k) => Math.max(width(h), ...body.map((r) => width(r[k] ?? ''))));
  const fmt = (r: string[]): string =>
    r
      .map((s, k) => padEnd(s, w[k] ?? 0))
      .join('  ')
      .trimEnd();
  return [t.title, fmt(head), w.map((x) => '─'.repeat(x)).join('  '), ...body.map(fmt), ...footer(t)].join('\n');
}

/**
 * A plain-text table with box-drawing borders: one block per column with "ours (n) | paper | Δ"
 * (and "recorded (n) | Δ rec." with recorded results); Δ is followed by ✓ when |Δ| is within the
 * agreement tolerance and ✗ when it is not.
 */
export function formatTerminalTable(table: TableInput | TableSummary, options: TerminalTableOptions = {}): string {
  const t = 'ours' in table ? summariseTable(table) : table;
  if (options.layout === 'long') return formatLong(t);
  const sub = subColumns(t);
  const body = t.rows.map((_, i) => t.columns.map((_c, j) => cellTexts(t, i, j)));
  const labelW = Math.max(width(t.metric), ...t.rows.map(width));
  // Each sub-column is padded by a space on either side and separated by '│'.
  const blockOf = (w: number[]): number => w.reduce((a, b) => a + b, 0) + 3 * w.length - 1;
  // Widths of each column's sub-columns; widen the last one if the column title needs it.
  const subW = t.columns.map((col, j) => {
    const w = sub.map((h, k) => Math.max(width(h), ...body.map((r) => width(r[j]?.[k] ?? ''))));
    const need = width(col) - blockOf(w);
    if (need > 0) w[w.length - 1]! += need;
    return w;
  });
  const blockW = subW.map(blockOf);
  const line = (l: string, m: string, r: string, inner: (j: number) => string): string =>
    l + '─'.repeat(labelW + 2) + t.columns.map((_, j) => m + inner(j)).join('') + r;
  const out: string[] = [];
  out.push(`${t.title}  [${t.metric}]`);
  out.push(line('┌', '┬', '┐', (j) => '─'.repeat(blockW[j]!)));
  out.push('│ ' + padEnd('', labelW) + ' ' + t.columns.map((c, j) => '│' + padCenter(c, blockW[j]!)).join('') + '│');
  out.push(line('├', '┼', '┤', (j) => subW[j]!.map((w) => '─'.repeat(w + 2)).join('┬')));
  out.push(
    '│ ' +
      padEnd(t.metric, labelW) +
      ' ' +
      t.columns.map((_, j) => '│' + sub.map((h, k) => ` ${padEnd(h, subW[j]![k]!)} `).join('│')).join('') +
      '│',
  );
  out.push(line('├', '┼', '┤', (j) => subW[j]!.map((w) => '─'.repeat(w + 2)).join('┼')));
  t.rows.forEach((r, i) => {
    out.push(
      '│ ' +
        padEnd(r, labelW) +
        ' ' +
        t.columns
          .map((_, j) => '│' + (body[i]?.[j] ?? []).map((s, k) => ` ${padEnd(s, subW[j]![k]!)} `).join('│'))
          .join('') +
        '│',
    );
  });
  out.push(line('└', '┴', '┘', (j) => subW[j]!.map((w) => '─'.repeat(w + 2)).join('┴')));
  out.push(...footer(t));
  return out.join('\n');
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** The table as GitHub-flavoured Markdown: ours, paper, Δ (and recorded, Δ rec.) per table column. */
export function tableToMarkdown(table: TableInput | TableSummary): string {
  const t = 'ours' in table ? summariseTable(table) : table;
  const [first, ...rest] = subColumns(t);
  const head = [mdEscape(t.metric), ...t.columns.flatMap((c) => [`${mdEscape(c)}: ${first}`, ...rest])];
  const lines = [`**${mdEscape(t.title)}**`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  t.rows.forEach((r, i) => {
    const cells = t.columns.flatMap((_, j) => cellTexts(t, i, j));
    lines.push(`| ${[mdEscape(r), ...cells.map(mdEscape)].join(' | ')} |`);
  });
  if (t.recorded) lines.push('', mdEscape(`recorded: ${t.recorded.source}`));
  if (t.note) lines.push('', mdEscape(t.note));
  return lines.join('\n');
}
