// The runs table: every run with its status, suite, seed, the settings that differ between runs
// and the final metrics. Sort by any column, filter by text (everywhere, or per column) and by
// numeric ranges, select rows. Only one page of rows is in the DOM at a time, so a store of
// thousands of runs stays quick.
import type { RunRow, RunsResponse } from '../src/serve/api-types.js';
import { fmt, h, replace, runHref } from './dom.js';

export const PAGE_SIZE = 50;

type Kind = 'text' | 'number';

interface Column {
  key: string;
  label: string;
  kind: Kind;
  get: (r: RunRow) => string | number | boolean | null | undefined;
  group: 'run' | 'param' | 'metric';
}

interface ColumnFilter {
  text?: string;
  min?: number;
  max?: number;
}

function columnsOf(data: RunsResponse): Column[] {
  const numeric = (get: Column['get']): Kind =>
    data.runs.some((r) => typeof get(r) === 'number') &&
    data.runs.every((r) => get(r) == null || typeof get(r) === 'number')
      ? 'number'
      : 'text';
  const base: Column[] = [
    { key: 'id', label: 'run', kind: 'text', get: (r) => r.id, group: 'run' },
    { key: 'status', label: 'status', kind: 'text', get: (r) => r.status, group: 'run' },
    { key: 'suite', label: 'suite', kind: 'text', get: (r) => r.suite, group: 'run' },
    { key: 'name', label: 'name', kind: 'text', get: (r) => r.name, group: 'run' },
    { key: 'seed', label: 'seed', kind: 'number', get: (r) => r.seed, group: 'run' },
  ];
  const params = data.paramKeys.map((k): Column => {
    const get = (r: RunRow): RunRow['params'][string] | undefined => r.params[k];
    return { key: `p:${k}`, label: k, kind: numeric(get), get, group: 'param' };
  });
  const metrics = data.metricKeys.map((k): Column => ({
    key: `m:${k}`,
    label: k,
    kind: 'number',
    get: (r) => r.metrics[k],
    group: 'metric',
  }));
  return [...base, ...params, ...metrics];
}

function compare(a: unknown, b: unknown): number {
  const na = a === null || a === undefined || a === '';
  const nb = b === null || b === undefined || b === '';
  if (na || nb) return na === nb ? 0 : na ? 1 : -1; // blanks last
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export class RunsTable {
  readonly el: HTMLElement;
  data: RunsResponse = { runs: [], paramKeys: [], metricKeys: [] };
  readonly selected = new Set<string>();
  #columns: Column[] = [];
  #query = '';
  #filters = new Map<string, ColumnFilter>();
  #sort: { key: string; dir: 1 | -1 } = { key: 'created', dir: -1 };
  #page = 0;
  #table: HTMLTableElement;
  #info: HTMLElement;
  #pager: HTMLElement;
  #search: HTMLInputElement;

  constructor(public onSelect: (rows: RunRow[]) => void) {
    this.#search = h('input', {
      type: 'search',
      placeholder: 'filter runs: text anywhere in a row',
      'data-testid': 'filter',
      class: 'search',
      oninput: () => {
        this.#query = this.#search.value.trim().toLowerCase();
        this.#page = 0;
        this.render();
      },
    });
    this.#table = h('table', { class: 'runs', 'data-testid': 'runs-table' });
    this.#info = h('span', { class: 'info', 'data-testid': 'runs-info' });
    this.#pager = h('span', { class: 'pager' });
    this.el = h(
      'section',
      { class: 'table-panel' },
      h('div', { class: 'toolbar' }, this.#search, this.#info, this.#pager),
      h('div', { class: 'table-scroll' }, this.#table),
    );
  }

  /** Sets the text filter (e.g. from the suites page's "runs of this suite" link). */
  setQuery(q: string): void {
    this.#search.value = q;
    this.#query = q.trim().toLowerCase();
    this.#page = 0;
  }

  setData(data: RunsResponse): void {
    const known = new Set(data.runs.map((r) => r.id));
    for (const id of [...this.selected]) if (!known.has(id)) this.selected.delete(id);
    const keys = this.#columns.map((c) => c.key).join('|');
    this.data = data;
    this.#columns = columnsOf(data);
    this.render(keys !== this.#columns.map((c) => c.key).join('|'));
  }

  selectedRows(): RunRow[] {
    return this.data.runs.filter((r) => this.selected.has(r.id));
  }

  /** The runs that pass the text and column filters, in the table's order. */
  filtered(): RunRow[] {
    const q = this.#query;
    const rows = this.data.runs.filter((r) => {
      if (q !== '' && !this.#haystack(r).includes(q)) return false;
      for (const [key, f] of this.#filters) {
        const col = this.#columns.find((c) => c.key === key);
        if (col === undefined) continue;
        const v = col.get(r);
        if (
          f.text !== undefined &&
          f.text !== '' &&
          !String(v ?? '')
            .toLowerCase()
            .includes(f.text.toLowerCase())
        )
          return false;
        if (f.min !== undefined && !(typeof v === 'number' && v >= f.min)) return false;
        if (f.max !== undefined && !(typeof v === 'number' && v <= f.max)) return false;
      }
      return true;
    });
    const col = this.#columns.find((c) => c.key === this.#sort.key);
    if (col !== undefined) rows.sort((a, b) => this.#sort.dir * compare(col.get(a), col.get(b)) || compare(a.id, b.id));
    // else: the server's order, newest first
    else if (this.#sort.dir === 1) rows.reverse();
    return rows;
  }

  #haystack(r: RunRow): string {
    return [r.id, r.name, r.status, r.suite, r.cell, r.preset, ...Object.values(r.params)].join('\u0000').toLowerCase();
  }

  render(rebuildHeader = true): void {
    const rows = this.filtered();
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    this.#page = Math.min(this.#page, pages - 1);
    const shown = rows.slice(this.#page * PAGE_SIZE, (this.#page + 1) * PAGE_SIZE);
    if (rebuildHeader || this.#table.tHead === null) this.#table.replaceChildren(this.#head(rows), h('tbody'));
    else this.#syncSelectAll(rows);
    const body = this.#table.tBodies[0]!;
    replace(body, ...shown.map((r) => this.#row(r)));
    replace(this.#info, `${rows.length} of ${this.data.runs.length} runs · ${this.selected.size} selected`);
    replace(
      this.#pager,
      h(
        'button',
        {
          type: 'button',
          disabled: this.#page === 0,
          'data-testid': 'prev-page',
          onclick: () => this.#go(this.#page - 1),
        },
        '‹ prev',
      ),
      ` page ${this.#page + 1} of ${pages} `,
      h(
        'button',
        {
          type: 'button',
          disabled: this.#page >= pages - 1,
          'data-testid': 'next-page',
          onclick: () => this.#go(this.#page + 1),
        },
        'next ›',
      ),
    );
  }

  #go(page: number): void {
    this.#page = page;
    this.render(false);
  }

  #head(rows: RunRow[]): HTMLTableSectionElement {
    const all = h('input', {
      type: 'checkbox',
      title: 'select every run that passes the filters',
      'data-testid': 'select-all',
      onchange: (ev) => {
        const on = (ev.target as HTMLInputElement).checked;
        for (const r of this.filtered()) {
          if (on) this.selected.add(r.id);
          else this.selected.delete(r.id);
        }
        this.#changed();
      },
    });
    all.checked = rows.length > 0 && rows.every((r) => this.selected.has(r.id));
    const titles = h(
      'tr',
      {},
      h('th', {}, all),
      ...this.#columns.map((c) => {
        const arrow = this.#sort.key === c.key ? (this.#sort.dir === 1 ? ' ▲' : ' ▼') : '';
        return h(
          'th',
          { class: `sortable ${c.group}`, 'data-col': c.key, title: 'sort', onclick: () => this.#sortBy(c.key) },
          c.label,
          arrow,
        );
      }),
    );
    const filters = h(
      'tr',
      { class: 'filters' },
      h('th', {}),
      ...this.#columns.map((c) => h('th', {}, this.#filterInput(c))),
    );
    return h('thead', {}, titles, filters);
  }

  #filterInput(c: Column): HTMLElement {
    const f = this.#filters.get(c.key) ?? {};
    const set = (patch: ColumnFilter): void => {
      const next = { ...(this.#filters.get(c.key) ?? {}), ...patch };
      this.#filters.set(c.key, next);
      this.#page = 0;
      this.render(false);
    };
    if (c.kind === 'text')
      return h('input', {
        type: 'text',
        class: 'col-text',
        placeholder: 'contains',
        value: f.text ?? '',
        'data-filter': c.key,
        oninput: (ev) => set({ text: (ev.target as HTMLInputElement).value }),
      });
    const num = (which: 'min' | 'max'): HTMLInputElement =>
      h('input', {
        type: 'number',
        step: 'any',
        class: 'col-range',
        placeholder: which,
        value: f[which] ?? '',
        'data-filter': `${c.key}:${which}`,
        oninput: (ev) => {
          const s = (ev.target as HTMLInputElement).value;
          set({ [which]: s === '' ? undefined : Number(s) });
        },
      });
    return h('span', { class: 'range' }, num('min'), num('max'));
  }

  #sortBy(key: string): void {
    this.#sort = this.#sort.key === key ? { key, dir: this.#sort.dir === 1 ? -1 : 1 } : { key, dir: 1 };
    this.render(true);
  }

  #syncSelectAll(rows: RunRow[]): void {
    const all = this.#table.querySelector<HTMLInputElement>('[data-testid="select-all"]');
    if (all !== null) all.checked = rows.length > 0 && rows.every((r) => this.selected.has(r.id));
  }

  #row(r: RunRow): HTMLTableRowElement {
    const box = h('input', {
      type: 'checkbox',
      class: 'select',
      'aria-label': `select ${r.id}`,
      onchange: (ev) => {
        if ((ev.target as HTMLInputElement).checked) this.selected.add(r.id);
        else this.selected.delete(r.id);
        this.#changed();
      },
    });
    box.checked = this.selected.has(r.id);
    const cells = this.#columns.map((c) => {
      const v = c.get(r);
      if (c.key === 'id') return h('td', { class: 'id' }, h('a', { href: runHref(r.id) }, r.id));
      if (c.key === 'status') return h('td', { class: `status status-${r.status}`, title: r.error }, r.status);
      return h('td', { class: c.kind === 'number' ? 'num' : 'text' }, fmt(v));
    });
    return h(
      'tr',
      { 'data-run-id': r.id, class: this.selected.has(r.id) ? 'selected' : undefined },
      h('td', {}, box),
      ...cells,
    );
  }

  #changed(): void {
    this.render(false);
    this.onSelect(this.selectedRows());
  }
}
