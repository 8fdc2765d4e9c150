// The main page: the runs table, the live curves of the selected runs, and a CSV export of their
// final metrics. The table refreshes itself when the store's runs change.
import type { RunsResponse } from '../src/serve/api-types.js';
import { runsCsv } from './csv.js';
import { CurvesPanel } from './curves.js';
import { getJson, h } from './dom.js';
import { live } from './live.js';
import { RunsTable } from './runs-table.js';

export interface Page {
  el: HTMLElement;
  dispose(): void;
}

/** Kept across visits to a run's page, so coming back finds the same selection. */
let table: RunsTable | undefined;

export function runsPage(query: string): Page {
  const curves = new CurvesPanel();
  const exportLink = h(
    'a',
    { class: 'button', 'data-testid': 'export-csv', download: 'clab-runs.csv', href: '#' },
    'Export CSV of the selected runs',
  );
  const onSelect = (): void => {
    const rows = t.selectedRows();
    curves.setRuns(rows, t.data.paramKeys);
    const old = exportLink.getAttribute('href') ?? '';
    if (old.startsWith('blob:')) URL.revokeObjectURL(old);
    const blob = new Blob([runsCsv(rows, t.data.paramKeys, t.data.metricKeys)], { type: 'text/csv' });
    exportLink.setAttribute('href', URL.createObjectURL(blob));
  };
  const t = table ?? new RunsTable(() => onSelect());
  table = t;
  // A fresh page gets this page's handlers (the table outlives pages, its callback does not).
  t.onSelect = onSelect;
  if (query !== '') t.setQuery(query);
  const load = async (): Promise<void> => {
    t.setData(await getJson<RunsResponse>('/api/runs'));
    onSelect();
  };
  const stop = live.onRuns(() => void load());
  void load();
  const el = h(
    'div',
    { class: 'runs-page' },
    t.el,
    h('div', { class: 'curves-head' }, h('h2', {}, 'Curves of the selected runs'), exportLink),
    curves.el,
  );
  return {
    el,
    dispose: () => {
      stop();
      curves.dispose();
    },
  };
}
