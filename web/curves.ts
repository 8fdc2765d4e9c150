// Live curves: one uPlot chart per metric (loss first) for the chosen runs, against step or wall
// time, with smoothing, a log y axis, and grouping by any column (e.g. all seeds of a cell) drawn
// as the group's mean with a min–max band. Charts update in place as rows stream in.
import uPlot from 'uplot';
import type { RunRow } from '../src/serve/api-types.js';
import { h, replace } from './dom.js';
import { live } from './live.js';
import { colorOf, forLog, groupBand, pointsOf, smooth, type Points } from './series.js';

const HIDDEN = new Set(['step', 'seconds']);
const MAX_CHARTS = 12;

interface Chart {
  plot: uPlot;
  signature: string;
  el: HTMLElement;
}

/** A column's value of a run, as a group name. */
export function groupValue(row: RunRow, key: string): string {
  if (key === 'name' || key === 'suite' || key === 'preset' || key === 'cell' || key === 'status')
    return String(row[key]);
  if (key === 'seed') return String(row.seed);
  const v = row.params[key];
  return v === undefined ? '—' : String(v);
}

export class CurvesPanel {
  readonly el: HTMLElement;
  #runs: RunRow[] = [];
  #charts = new Map<string, Chart>();
  #chartsEl: HTMLElement;
  #x: HTMLSelectElement;
  #smooth: HTMLInputElement;
  #log: HTMLInputElement;
  #group: HTMLSelectElement;
  #pending = false;
  #unsubscribe: () => void;

  constructor() {
    this.#x = h(
      'select',
      { 'data-testid': 'x-axis', onchange: () => this.redraw(true) },
      h('option', { value: 'step' }, 'step'),
      h('option', { value: 'seconds' }, 'wall time (s)'),
    );
    this.#smooth = h('input', {
      type: 'range',
      min: 0,
      max: 0.99,
      step: 0.01,
      value: 0,
      'data-testid': 'smoothing',
      oninput: () => this.redraw(false),
    });
    this.#log = h('input', { type: 'checkbox', 'data-testid': 'log-y', onchange: () => this.redraw(true) });
    this.#group = h(
      'select',
      { 'data-testid': 'group-by', onchange: () => this.redraw(true) },
      h('option', { value: '' }, 'none (one curve per run)'),
    );
    this.#chartsEl = h('div', { class: 'charts', 'data-testid': 'charts' });
    this.el = h(
      'section',
      { class: 'curves' },
      h(
        'div',
        { class: 'controls' },
        h('label', {}, 'x ', this.#x),
        h('label', {}, 'smoothing ', this.#smooth),
        h('label', {}, this.#log, ' log y'),
        h('label', {}, 'group by ', this.#group),
      ),
      this.#chartsEl,
    );
    this.#unsubscribe = live.onMetrics(() => this.redraw(false));
  }

  /** The runs to draw, and the columns they can be grouped by. */
  setRuns(runs: RunRow[], groupKeys: string[]): void {
    this.#runs = runs;
    const current = this.#group.value;
    const keys = ['name', 'cell', 'suite', 'seed', ...groupKeys];
    replace(
      this.#group,
      h('option', { value: '' }, 'none (one curve per run)'),
      ...keys.map((k) => h('option', { value: k, selected: k === current }, k)),
    );
    void live.watch(runs.map((r) => r.id));
    this.redraw(true);
  }

  dispose(): void {
    this.#unsubscribe();
    for (const c of this.#charts.values()) c.plot.destroy();
    this.#charts.clear();
  }

  /** Redraws on the next frame (once for a burst of updates); `rebuild` recreates the charts. */
  redraw(rebuild: boolean): void {
    if (rebuild) for (const c of this.#charts.values()) c.signature = '';
    if (this.#pending) return;
    this.#pending = true;
    requestAnimationFrame(() => {
      this.#pending = false;
      this.#draw();
    });
  }

  #metrics(): string[] {
    const names = new Set<string>();
    for (const r of this.#runs)
      for (const k of live.runs.get(r.id)?.columns.keys() ?? []) if (!HIDDEN.has(k)) names.add(k);
    return [...names].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b))).slice(0, MAX_CHARTS);
  }

  #draw(): void {
    const metrics = this.#metrics();
    if (this.#runs.length === 0 || metrics.length === 0) {
      for (const c of this.#charts.values()) c.plot.destroy();
      this.#charts.clear();
      replace(
        this.#chartsEl,
        h(
          'p',
          { class: 'empty' },
          this.#runs.length === 0 ? 'Select runs in the table to plot their curves.' : 'No metrics yet.',
        ),
      );
      return;
    }
    for (const [m, c] of this.#charts)
      if (!metrics.includes(m)) {
        c.plot.destroy();
        this.#charts.delete(m);
      }
    const els = metrics.map((m) => this.#drawMetric(m));
    const same =
      els.length === this.#chartsEl.children.length && els.every((el, i) => this.#chartsEl.children[i] === el);
    if (!same) replace(this.#chartsEl, ...els);
  }

  #drawMetric(metric: string): HTMLElement {
    const { data, series, bands, signature } = this.#dataOf(metric);
    const chart = this.#charts.get(metric);
    if (chart !== undefined && chart.signature === signature) {
      chart.plot.setData(data);
      chart.el.dataset['points'] = String(data[0]?.length ?? 0);
      return chart.el;
    }
    chart?.plot.destroy();
    // data-points (how many x values are drawn) lets the browser tests see the chart grow.
    const el = h('div', { class: 'chart', 'data-metric': metric, 'data-points': data[0]?.length ?? 0 });
    const width = Math.max(320, Math.min(560, (this.#chartsEl.clientWidth || 1100) / 2 - 24));
    const plot = new uPlot(
      {
        title: metric,
        width,
        height: 240,
        scales: { x: { time: false }, y: { distr: this.#log.checked ? 3 : 1 } },
        axes: [{ label: this.#x.value === 'step' ? 'step' : 'seconds' }, {}],
        series: [{ label: this.#x.value }, ...series],
        bands,
        legend: { show: true },
      },
      data,
      el,
    );
    this.#charts.set(metric, { plot, signature, el });
    return el;
  }

  #dataOf(metric: string): { data: uPlot.AlignedData; series: uPlot.Series[]; bands: uPlot.Band[]; signature: string } {
    const xKey = this.#x.value;
    const weight = Number(this.#smooth.value);
    const log = this.#log.checked;
    const yOf = (y: readonly (number | null)[]): (number | null)[] => (log ? forLog(y) : [...y]);
    const points = new Map<string, Points>();
    for (const r of this.#runs) {
      const cols = live.runs.get(r.id)?.columns;
      if (cols === undefined) continue;
      const p = pointsOf(cols, metric, xKey);
      if (p.x.length > 0) points.set(r.id, { x: p.x, y: smooth(p.y, weight) });
    }
    const groupKey = this.#group.value;
    if (groupKey === '') {
      const runs = this.#runs.filter((r) => points.has(r.id));
      const tables = runs.map((r) => [points.get(r.id)!.x, yOf(points.get(r.id)!.y)] as uPlot.AlignedData);
      const data = tables.length > 0 ? uPlot.join(tables) : ([[]] as uPlot.AlignedData);
      const series = runs.map((r) => ({
        label: r.id,
        stroke: colorOf(this.#runs.indexOf(r)),
        width: 1.5,
        spanGaps: true,
      }));
      return { data, series, bands: [], signature: `runs|${xKey}|${log}|${runs.map((r) => r.id).join(',')}` };
    }
    const groups = new Map<string, Points[]>();
    for (const r of this.#runs) {
      const p = points.get(r.id);
      if (p === undefined) continue;
      const g = groupValue(r, groupKey);
      groups.set(g, [...(groups.get(g) ?? []), p]);
    }
    const names = [...groups.keys()].sort();
    const tables = names.map((g) => {
      const b = groupBand(groups.get(g)!);
      return [b.x, yOf(b.mean), yOf(b.lo), yOf(b.hi)] as uPlot.AlignedData;
    });
    const data = tables.length > 0 ? uPlot.join(tables) : ([[]] as uPlot.AlignedData);
    const series: uPlot.Series[] = [];
    const bands: uPlot.Band[] = [];
    names.forEach((g, i) => {
      const color = colorOf(i);
      const n = groups.get(g)!.length;
      series.push({ label: `${groupKey}=${g} (mean of ${n})`, stroke: color, width: 2, spanGaps: true });
      series.push({ label: `${g} min`, stroke: `${color}55`, width: 0.5, spanGaps: true });
      series.push({ label: `${g} max`, stroke: `${color}55`, width: 0.5, spanGaps: true });
      bands.push({ series: [3 * i + 3, 3 * i + 2], fill: `${color}33` });
    });
    return {
      data,
      series,
      bands,
      signature: `groups|${groupKey}|${xKey}|${log}|${names.map((g) => `${g}:${groups.get(g)!.length}`).join(',')}`,
    };
  }
}
