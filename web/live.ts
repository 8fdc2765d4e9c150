// The metrics of the runs a page shows, kept current: each run's metrics.jsonl is fetched once,
// then one EventSource streams the rows appended after the offset each fetch ended at, and says
// when the store's runs change. The stream is reopened (with the current offsets) whenever the
// set of watched runs changes or the connection drops.
import type { MetricsEvent, MetricsResponse, ResetEvent } from '../src/serve/api-types.js';
import { getJson } from './dom.js';
import type { Columns } from './series.js';

export interface RunMetrics {
  columns: Columns;
  length: number;
  offset: number;
}

function fromResponse(r: MetricsResponse): RunMetrics {
  const columns: Columns = new Map(r.columns.map((c, i) => [c, r.data[i] ?? []]));
  return { columns, length: r.data[0]?.length ?? 0, offset: r.offset };
}

/** Appends rows, skipping any whose step is not after the last one (a row is never drawn twice). */
function appendRows(m: RunMetrics, rows: Record<string, number | null>[]): void {
  const steps = m.columns.get('step') ?? [];
  let last = m.length > 0 ? (steps[m.length - 1] ?? -1) : -1;
  for (const row of rows) {
    const step = row['step'];
    if (typeof step !== 'number' || step <= last) continue;
    last = step;
    for (const k of Object.keys(row))
      if (!m.columns.has(k)) m.columns.set(k, new Array<number | null>(m.length).fill(null));
    for (const [k, col] of m.columns) col.push(row[k] ?? null);
    m.length++;
  }
}

export class LiveData {
  readonly runs = new Map<string, RunMetrics>();
  #ids: string[] = [];
  #source: EventSource | undefined;
  #retry: number | undefined;
  #listeners = new Set<(changed: string[]) => void>();
  #runsListeners = new Set<() => void>();

  /** Called with the ids whose metrics changed. */
  onMetrics(fn: (changed: string[]) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Called when runs were created or changed status in the store. */
  onRuns(fn: () => void): () => void {
    this.#runsListeners.add(fn);
    return () => this.#runsListeners.delete(fn);
  }

  /** Watches exactly these runs: fetches the new ones, forgets the others, reopens the stream. */
  async watch(ids: string[]): Promise<void> {
    this.#ids = [...ids];
    for (const id of [...this.runs.keys()]) if (!ids.includes(id)) this.runs.delete(id);
    const missing = ids.filter((id) => !this.runs.has(id));
    const fetched = await Promise.all(
      missing.map((id) =>
        getJson<MetricsResponse>(`/api/runs/${encodeURIComponent(id)}/metrics`).catch(() => undefined),
      ),
    );
    missing.forEach((id, i) => {
      const r = fetched[i];
      if (r !== undefined && this.#ids.includes(id)) this.runs.set(id, fromResponse(r));
    });
    this.#open();
    this.#emit(missing);
  }

  #open(): void {
    this.#source?.close();
    clearTimeout(this.#retry);
    const watch = this.#ids.filter((id) => this.runs.has(id)).map((id) => `${id}@${this.runs.get(id)!.offset}`);
    const src = new EventSource(`/api/events?watch=${encodeURIComponent(watch.join(','))}`);
    this.#source = src;
    src.addEventListener('open', () => setLive(true));
    src.addEventListener('metrics', (ev) => {
      const e = JSON.parse((ev as MessageEvent<string>).data) as MetricsEvent;
      const m = this.runs.get(e.id);
      if (m === undefined) return;
      appendRows(m, e.rows);
      m.offset = e.offset;
      this.#emit([e.id]);
    });
    src.addEventListener('reset', (ev) => {
      const e = JSON.parse((ev as MessageEvent<string>).data) as ResetEvent;
      if (this.runs.has(e.id)) this.runs.set(e.id, { columns: new Map(), length: 0, offset: 0 });
      this.#emit([e.id]);
    });
    src.addEventListener('runs', () => {
      for (const fn of this.#runsListeners) fn();
    });
    // The browser would reconnect with the old offsets: reconnect ourselves with the current ones.
    src.addEventListener('error', () => {
      setLive(false);
      src.close();
      if (this.#source === src) this.#retry = window.setTimeout(() => this.#open(), 2000);
    });
  }

  #emit(ids: string[]): void {
    for (const fn of this.#listeners) fn(ids);
  }
}

function setLive(on: boolean): void {
  const el = document.getElementById('live');
  if (el === null) return;
  el.textContent = on ? '● live' : '○ reconnecting…';
  el.className = on ? 'live on' : 'live off';
}

/** The one live connection of the page. */
export const live = new LiveData();
