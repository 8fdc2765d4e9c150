// The report: one self-contained HTML file (inline CSS and SVG; no scripts, no external URLs)
// with each table (ours next to the paper's, and the difference), the figures, notes and the
// environment; `writeReport` also writes each figure as its own SVG file.
import { encodePng } from './png.js';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/index.js';
import { comparisonHtml } from './comparison-format.js';
import { renderFigures, type Figure } from './figures.js';
import {
  formatDelta,
  formatNumber,
  formatOurs,
  formatPaper,
  subColumns,
  summariseTable,
  type CellSummary,
  type TableSummary,
} from './table.js';
import type { ImageGalleryInput, ReportInput } from './types.js';

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );
}

const CSS = `
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
.meta { color: #666; font-size: 0.9em; }
div.wide { overflow-x: auto; } /* a wide table scrolls on its own; the page keeps its width */
table.results, table.env { border-collapse: collapse; margin: 0.8em 0; font-size: 0.88em; }
table.results th, table.results td, table.env th, table.env td { border: 1px solid #ccc; padding: 0.3em 0.5em; }
table.results th { background: #f3f3f3; }
table.results td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.results td.row { text-align: left; font-weight: bold; }
table.results td.paper { color: #555; }
td.agree { background: #dff3df; }
td.disagree { background: #f8dcdc; }
td.no-paper, td.no-runs { background: #f6f6f6; color: #888; }
.legend span { display: inline-block; padding: 0.1em 0.5em; margin-right: 0.6em; border: 1px solid #ccc; }
figure { margin: 1.5em 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.88em; max-width: 60em; }
table.env td { vertical-align: top; }
table.env pre { margin: 0; font-size: 0.95em; white-space: pre-wrap; }
.empty { color: #888; font-style: italic; }
`;

function cellTitle(c: CellSummary): string {
  if (c.values.length === 0) return 'no runs';
  const parts = c.values.map((v, i) => `${c.runIds[i] ?? `run ${i + 1}`}: ${formatNumber(v)}`);
  return parts.join('\n');
}

const AGREEMENT_TEXT: Record<CellSummary['agreement'], string> = {
  agree: 'agrees',
  disagree: 'differs',
  'no-paper': 'not in the paper',
  'no-runs': 'no runs',
};

/** A cell's summary (ours or recorded) and its Δ, coloured by agreement; with the paper's value between. */
function cellHtml(c: CellSummary, paper: boolean): string {
  const e = escapeHtml;
  const cls = e(c.agreement);
  const tip =
    c.tolerance === null
      ? AGREEMENT_TEXT[c.agreement]
      : `${AGREEMENT_TEXT[c.agreement]} (tolerance ${formatNumber(c.tolerance)})`;
  return (
    `<td class="${cls}" title="${e(cellTitle(c))}">${e(formatOurs(c))}</td>` +
    (paper ? `<td class="paper ${cls}">${e(formatPaper(c.paper))}</td>` : '') +
    `<td class="${cls}" title="${e(tip)}">${e(formatDelta(c))}</td>`
  );
}

/** One results table as HTML (with recorded results, two more sub-columns per column). */
export function tableToHtml(t: TableSummary): string {
  const e = escapeHtml;
  const sub = subColumns(t);
  const out: string[] = [];
  out.push(`<section class="table" id="table-${e(t.id)}">`);
  out.push(`<h3>${e(t.title)}</h3>`);
  out.push('<div class="wide"><table class="results"><thead>');
  out.push(
    `<tr><th rowspan="2">${e(t.metric)}</th>${t.columns.map((c) => `<th colspan="${sub.length}">${e(c)}</th>`).join('')}</tr>`,
  );
  out.push(`<tr>${t.columns.map(() => sub.map((h) => `<th>${e(h)}</th>`).join('')).join('')}</tr>`);
  out.push('</thead><tbody>');
  t.rows.forEach((r, i) => {
    const cells = (t.cells[i] ?? [])
      .map((c, j) => {
        const rec = t.recorded?.cells[i]?.[j];
        return cellHtml(c, true) + (rec === undefined ? '' : cellHtml(rec, false));
      })
      .join('');
    out.push(`<tr><td class="row">${e(r)}</td>${cells}</tr>`);
  });
  out.push('</tbody></table></div>');
  if (t.recorded) out.push(`<p class="meta">recorded: ${e(t.recorded.source)}; Δ rec. = recorded − paper</p>`);
  if (t.note) out.push(`<p class="meta">${e(t.note)}</p>`);
  out.push('</section>');
  return out.join('\n');
}

function envValue(v: unknown): string {
  if (typeof v === 'string') return escapeHtml(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return escapeHtml(String(v));
  let s: string;
  try {
    s = JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    s = String(v);
  }
  return `<pre>${escapeHtml(s)}</pre>`;
}

/** Removes anything that would make an inline SVG reach outside the file (defensive: Vega emits none). */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/\s(?:xlink:)?href="(?:https?:)?\/\/[^"]*"/g, '');
}

/** The document's head and the report's title and generation time. */
function headHtml(input: ReportInput): string[] {
  const e = escapeHtml;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(input.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<h1>${e(input.title)}</h1>`,
    `<p class="meta">Generated ${e(input.generatedAt)}</p>`,
  ];
}

/** How to read the results tables: what ours, paper and Δ show and what the colours mean. */
const TABLE_LEGEND =
  '<p class="legend meta">ours: mean ± sample std (n runs; one run shows no std). paper: published mean ± std (a mean alone where the paper prints no std; it counts as 0). Δ = ours − paper. ' +
  '<span class="agree-legend" style="background:#dff3df">agrees: |Δ| ≤ 2·√(std<sub>paper</sub>² + std<sub>ours</sub>²), at least 0.01</span>' +
  '<span style="background:#f8dcdc">differs</span><span style="background:#f6f6f6">— no runs · n/a not in the paper</span></p>';

/** The Tables section: the comparison tables, then the results tables under their legend. */
function tablesHtml(input: ReportInput): string[] {
  const comparisons = input.comparisons ?? [];
  const out = ['<h2>Tables</h2>', ...comparisons.map((c) => comparisonHtml(c))];
  if (input.tables.length === 0 && comparisons.length === 0) out.push('<p class="empty">No tables.</p>');
  else if (input.tables.length > 0) out.push(TABLE_LEGEND, ...input.tables.map((t) => tableToHtml(summariseTable(t))));
  return out;
}

/** The Figures section: each figure's inline SVG with its caption and file name. */
function figuresHtml(figures: readonly Figure[]): string[] {
  const e = escapeHtml;
  const out = ['<h2>Figures</h2>'];
  if (figures.length === 0) out.push('<p class="empty">No figures.</p>');
  for (const f of figures)
    out.push(
      `<figure id="figure-${e(f.id)}">`,
      `<h3>${e(f.title)}</h3>`,
      inlineSvg(f.svg),
      `<figcaption>${e(f.caption)} <span class="meta">(figures/${e(f.id)}.svg)</span></figcaption>`,
      '</figure>',
    );
  return out;
}

/** One image gallery: a table row per label of inline PNGs, drawn at twice their size. */
function galleryHtml(g: ImageGalleryInput): string[] {
  const e = escapeHtml;
  const rows = g.rows.map((row) => {
    const cells = row.images.map((im) => {
      const png = encodePng(im.pixels, im.channels, im.height, im.width).toString('base64');
      return `<td><img alt="${e(row.label)}" width="${im.width * 2}" height="${im.height * 2}" style="image-rendering:pixelated" src="data:image/png;base64,${png}"></td>`;
    });
    return `<tr><th>${e(row.label)}</th>${cells.join('')}</tr>`;
  });
  return [
    `<figure class="gallery"><h3>${e(g.title)}</h3><table>`,
    ...rows,
    `</table><figcaption>${e(g.caption)}</figcaption></figure>`,
  ];
}

/** The Notes section: a list of the notes, in their order. */
function notesHtml(notes: readonly string[]): string[] {
  if (notes.length === 0) return ['<h2>Notes</h2>', '<p class="empty">No notes.</p>'];
  return ['<h2>Notes</h2>', `<ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`];
}

/** The Environment section: a table of its keys and values (objects as indented JSON). */
function environmentHtml(environment: Record<string, unknown>): string[] {
  const env = Object.entries(environment);
  if (env.length === 0) return ['<h2>Environment</h2>', '<p class="empty">Not recorded.</p>'];
  const rows = env.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${envValue(v)}</td></tr>`);
  return ['<h2>Environment</h2>', `<table class="env"><tbody>${rows.join('')}</tbody></table>`];
}

/** The HTML of a report from its input and already rendered figures. */
export function reportHtml(input: ReportInput, figures: readonly Figure[]): string {
  const out = [
    ...headHtml(input),
    ...tablesHtml(input),
    ...figuresHtml(figures),
    ...(input.galleries ?? []).flatMap(galleryHtml),
    ...notesHtml(input.notes),
    ...environmentHtml(input.environment),
    '</body></html>',
  ];
  return out.join('\n') + '\n';
}

/** Renders the report as one self-contained HTML string. */
export async function renderReport(input: ReportInput): Promise<string> {
  return reportHtml(input, await renderFigures(input));
}

export interface WrittenReport {
  /** Absolute path of report.html. */
  reportPath: string;
  /** Absolute paths of figures/<id>.svg, in the report's order. */
  figurePaths: string[];
  figures: Figure[];
}

/** Writes `<dir>/report.html` and `<dir>/figures/<id>.svg`, each atomically; creates `dir`. */
export async function writeReport(dir: string, input: ReportInput): Promise<WrittenReport> {
  const figures = await renderFigures(input);
  const root = path.resolve(dir);
  const figDir = path.join(root, 'figures');
  fs.mkdirSync(figDir, { recursive: true });
  const figurePaths = figures.map((f) => {
    const p = path.join(figDir, `${f.id}.svg`);
    writeFileAtomic(p, f.svg);
    return p;
  });
  const reportPath = path.join(root, 'report.html');
  writeFileAtomic(reportPath, reportHtml(input, figures));
  return { reportPath, figurePaths, figures };
}
