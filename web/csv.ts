// CSV of the selected runs' final metrics and settings (RFC 4180: fields with a comma, quote or
// line break are quoted, quotes doubled).
import type { RunRow } from '../src/serve/api-types.js';

function field(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * @example
 * runsCsv(rows, ['loss.tau'], ['r2']) // "id,name,status,suite,cell,seed,loss.tau,r2\r\n…"
 */
export function runsCsv(rows: readonly RunRow[], paramKeys: readonly string[], metricKeys: readonly string[]): string {
  const head = ['id', 'name', 'status', 'suite', 'cell', 'seed', ...paramKeys, ...metricKeys];
  const lines = rows.map((r) =>
    [
      r.id,
      r.name,
      r.status,
      r.suite,
      r.cell,
      r.seed,
      ...paramKeys.map((k) => r.params[k]),
      ...metricKeys.map((k) => r.metrics[k]),
    ]
      .map(field)
      .join(','),
  );
  return [head.map(field).join(','), ...lines].join('\r\n') + '\r\n';
}
