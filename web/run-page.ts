// A run's page: status (and error), the resolved spec, environment, summary, live curves, the
// metrics table, checkpoints, the latent-view figure and the run's files to download.
import type { RunDetail } from '../src/serve/api-types.js';
import { CurvesPanel } from './curves.js';
import { fmt, getJson, h, replace } from './dom.js';
import { live } from './live.js';
import type { Page } from './runs-page.js';

const METRIC_ROWS = 50;

function kvTable(entries: [string, unknown][]): HTMLTableElement {
  return h(
    'table',
    { class: 'kv' },
    h(
      'tbody',
      {},
      ...entries.map(([k, v]) =>
        h('tr', {}, h('th', {}, k), h('td', {}, typeof v === 'object' && v !== null ? JSON.stringify(v) : fmt(v))),
      ),
    ),
  );
}

/** The run's metrics rows, newest first, one page at a time. */
function metricsTable(id: string): HTMLElement {
  const el = h('div', { class: 'metrics-table', 'data-testid': 'metrics-table' });
  let page = 0;
  const draw = (): void => {
    const m = live.runs.get(id);
    if (m === undefined || m.length === 0) return replace(el, h('p', { class: 'empty' }, 'No metrics yet.'));
    const cols = [...m.columns.keys()];
    const pages = Math.ceil(m.length / METRIC_ROWS);
    page = Math.min(page, pages - 1);
    const idx = Array.from(
      { length: Math.min(METRIC_ROWS, m.length - page * METRIC_ROWS) },
      (_, i) => m.length - 1 - page * METRIC_ROWS - i,
    );
    replace(
      el,
      h(
        'table',
        { class: 'runs' },
        h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', {}, c)))),
        h(
          'tbody',
          {},
          ...idx.map((i) => h('tr', {}, ...cols.map((c) => h('td', { class: 'num' }, fmt(m.columns.get(c)![i]))))),
        ),
      ),
      h(
        'div',
        { class: 'pager' },
        h('button', { type: 'button', disabled: page === 0, onclick: () => ((page -= 1), draw()) }, '‹ newer'),
        ` rows ${m.length - page * METRIC_ROWS - idx.length + 1}–${m.length - page * METRIC_ROWS} of ${m.length} `,
        h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => ((page += 1), draw()) }, 'older ›'),
      ),
    );
  };
  const stop = live.onMetrics((ids) => ids.includes(id) && draw());
  el.addEventListener('dispose', stop);
  draw();
  return el;
}

export function runPage(id: string): Page {
  const el = h('div', { class: 'run-page' }, h('p', { class: 'empty' }, 'Loading…'));
  const curves = new CurvesPanel();
  let metrics: HTMLElement | undefined;
  const load = async (): Promise<void> => {
    let d: RunDetail;
    try {
      d = await getJson<RunDetail>(`/api/runs/${encodeURIComponent(id)}`);
    } catch (err) {
      replace(el, h('p', { class: 'error' }, `Cannot load run ${id}: ${(err as Error).message}`));
      return;
    }
    const base = `/runs/${encodeURIComponent(id)}/files/`;
    const env = d.meta['environment'];
    metrics?.dispatchEvent(new Event('dispose'));
    metrics = metricsTable(id);
    replace(
      el,
      h('p', {}, h('a', { href: '#/' }, '← all runs')),
      h('h1', { 'data-testid': 'run-title' }, d.row.id),
      h(
        'p',
        { class: 'meta' },
        h('span', { class: `status status-${d.row.status}`, 'data-testid': 'run-status' }, d.row.status),
        ` · ${d.row.name} · seed ${d.row.seed}`,
        d.row.suite ? ` · suite ${d.row.suite} (${d.row.preset}) ${d.row.cell}` : '',
      ),
      d.row.error ? h('pre', { class: 'error', 'data-testid': 'run-error' }, d.row.error) : null,
      h(
        'p',
        { class: 'files' },
        'Download: ',
        ...d.files.flatMap((f) => [h('a', { href: base + encodeURIComponent(f), download: `${id}-${f}` }, f), ' ']),
      ),
      h('h2', {}, 'Curves'),
      curves.el,
      h('h2', {}, 'Summary'),
      d.summary
        ? kvTable(
            Object.entries(d.summary).flatMap(([k, v]) =>
              k === 'metrics' && typeof v === 'object' && v !== null
                ? Object.entries(v)
                : [[k, v] as [string, unknown]],
            ),
          )
        : h('p', { class: 'empty' }, 'No summary yet (the run has not finished).'),
      d.hasLatentView
        ? h(
            'figure',
            {},
            h('img', {
              src: `/api/runs/${encodeURIComponent(id)}/latent.svg`,
              alt: `latents of ${id}`,
              'data-testid': 'latent-view',
            }),
            h('figcaption', {}, 'True latents (top) and recovered ones (bottom), coloured by the true latent.'),
          )
        : null,
      h('h2', {}, 'Spec (resolved)'),
      h('pre', { class: 'spec', 'data-testid': 'run-spec' }, JSON.stringify(d.run, null, 2)),
      h('h2', {}, 'Metrics'),
      metrics,
      h('h2', {}, 'Checkpoints'),
      d.checkpoints.length === 0
        ? h('p', { class: 'empty' }, 'None.')
        : kvTable(d.checkpoints.map((c) => [`step ${c.step}`, `${c.file} (${(c.bytes / 1024).toFixed(1)} KiB)`])),
      h('h2', {}, 'Environment'),
      kvTable([
        ['code version', d.meta['codeVersion']],
        ['host', d.meta['host']],
        ['created', d.row.createdAt],
        ['updated', d.row.updatedAt],
        ...Object.entries(typeof env === 'object' && env !== null ? env : {}),
      ]),
    );
    curves.setRuns([d.row], []);
  };
  void load();
  // The status line and summary change when the run finishes: reload the page's data then.
  const stop = live.onRuns(() => void load());
  return {
    el,
    dispose: () => {
      stop();
      metrics?.dispatchEvent(new Event('dispose'));
      curves.dispose();
    },
  };
}
