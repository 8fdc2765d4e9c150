// How runs are listed: the columns of `clab ls` (name, status, overrides, seed, start, duration,
// headline metric), CSV for spreadsheets and pandas, and JSON lines that carry ids and numbers
// only (the summary's plotting sample of held-out points stays in summary.json).
import type { MetricsRow, RunMeta } from '../runs/index.js';

/** The metric `clab ls` shows: the first of these a run has (identifiability first, then probes). */
const HEADLINE = ['r2', 'mcc', 'probe', 'knn', 'ari', 'silhouette', 'evalLoss'];

/** Labels that name the source rather than say how a run differs (its name already says it). */
const QUIET_LABELS = new Set(['spec']);

/** The run's meta for --json: everything but the summary's `sample` of held-out points. */
export function jsonMeta(meta: RunMeta): RunMeta {
  if (meta.summary === undefined || !('sample' in meta.summary)) return meta;
  const { sample: _sample, ...summary } = meta.summary;
  return { ...meta, summary };
}

/** A summary without its sample (for `done` events and --json output). */
export function withoutSample<T extends Record<string, unknown>>(summary: T): Omit<T, 'sample'> {
  const { sample: _sample, ...rest } = summary;
  return rest;
}

/** What sets a run apart: its sweep point (`loss.tau=0.1`), then its labels (`cell=…`, `preset=quick`). */
export function overridesOf(meta: RunMeta): string {
  const point = Object.entries(meta.point).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const labels = Object.entries(meta.labels)
    .filter(([k]) => !QUIET_LABELS.has(k))
    .map(([k, v]) => `${k}=${v}`);
  return [...point, ...labels].join(' ');
}

/** Training seconds of a finished run; wall-clock time since the start otherwise. */
export function durationSeconds(meta: RunMeta, now = Date.now()): number {
  if (meta.summary !== undefined) return meta.summary.seconds;
  const end = meta.status === 'running' ? now : Date.parse(meta.updatedAt);
  return Math.max(0, (end - Date.parse(meta.createdAt)) / 1000);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60
    ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `2026-11-30 21:53` in local time (ls is for people; CSV and JSON keep ISO 8601). */
export function formatStart(iso: string): string {
  const d = new Date(iso);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** `r2=0.9912`, the final loss when no headline metric exists, '' before the run finished. */
export function headline(meta: RunMeta): string {
  const s = meta.summary;
  if (s === undefined) return '';
  const key = HEADLINE.find((k) => s.metrics[k] !== undefined);
  return key === undefined ? `loss=${s.finalLoss.toFixed(4)}` : `${key}=${s.metrics[key]!.toFixed(4)}`;
}

const LS_HEADER = ['id', 'status', 'name', 'overrides', 'seed', 'started', 'duration', 'metric'];

/** The `clab ls` table: aligned columns under a header. */
export function lsTable(metas: readonly RunMeta[], now = Date.now()): string {
  const rows = metas.map((m) => [
    m.id,
    m.status,
    m.name,
    overridesOf(m),
    String(m.seed),
    formatStart(m.createdAt),
    formatDuration(durationSeconds(m, now)),
    headline(m),
  ]);
  const widths = LS_HEADER.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: string[]): string =>
    r
      .map((s, k) => s.padEnd(widths[k]!))
      .join('  ')
      .trimEnd();
  return [line(LS_HEADER), ...rows.map(line)].join('\n');
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
function csvField(v: unknown): string {
  const s =
    v === undefined || v === null ? '' : typeof v === 'number' ? (Number.isNaN(v) ? 'NaN' : String(v)) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of values under a header as CSV text (ends with a newline). */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** `clab ls --csv`: one line per run, a column per final metric any of the runs has. */
export function lsCsv(metas: readonly RunMeta[], now = Date.now()): string {
  const metricKeys = [...new Set(metas.flatMap((m) => Object.keys(m.summary?.metrics ?? {})))].sort();
  const header = ['id', 'name', 'status', 'seed', 'overrides', 'created', 'seconds', 'finalLoss', ...metricKeys];
  const rows = metas.map((m) => [
    m.id,
    m.name,
    m.status,
    m.seed,
    overridesOf(m),
    m.createdAt,
    durationSeconds(m, now),
    m.summary?.finalLoss,
    ...metricKeys.map((k) => m.summary?.metrics[k]),
  ]);
  return toCsv(header, rows);
}

/** `clab show --csv`: the run's metrics.jsonl as a table, a column per key any row has. */
export function metricsCsv(rows: readonly MetricsRow[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'step' && k !== 'seconds');
  const ordered = [
    'step',
    'seconds',
    ...(keys.includes('loss') ? ['loss'] : []),
    ...keys.filter((k) => k !== 'loss').sort(),
  ];
  return toCsv(
    ordered,
    rows.map((r) => ordered.map((k) => r[k])),
  );
}
