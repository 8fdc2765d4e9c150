// A comparison table (types.ts, ComparisonTable) as HTML for the report and as aligned text for
// the terminal.
import type { ComparisonTable } from './types.js';

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/** The table as an HTML section (classes shared with the report's results tables). */
export function comparisonHtml(t: ComparisonTable): string {
  const head = t.header.map((h) => `<th>${escape(h)}</th>`).join('');
  const body = t.rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? ' class="row"' : ''}>${escape(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<section class="table" id="table-${escape(t.id)}">\n<h3>${escape(t.title)}</h3>\n<table class="results"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>\n</section>`;
}

/** Display width (code points; enough for ±, τ and the like). */
const width = (s: string): number => [...s].length;

/** The table as aligned columns under its title, separated by two spaces. */
export function comparisonText(t: ComparisonTable): string {
  const w = t.header.map((h, k) => Math.max(width(h), ...t.rows.map((r) => width(r[k] ?? ''))));
  const line = (r: readonly string[]): string =>
    r
      .map((s, k) => s + ' '.repeat(Math.max(0, w[k]! - width(s))))
      .join('  ')
      .trimEnd();
  return [t.title, line(t.header), w.map((n) => '─'.repeat(n)).join('  '), ...t.rows.map(line)].join('\n');
}
