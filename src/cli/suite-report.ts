// Gathers a suite's runs from the store into the report's input: each table cell's per-seed values
// next to the published ones, loss curves, and a view of recovered latents.
import type { Suite } from '../experiments/suite.js';
import type { RunMeta, RunStore } from '../runs/index.js';
import type { CellResult, LatentViewInput, LossCurveInput, ReportInput, TableInput } from '../report/index.js';
import { runEnvironment } from '../runs/index.js';

/** The value of one metric in a run's summary ('loss' is the final training loss). */
export function metricOf(meta: RunMeta, metric: string): number | undefined {
  const s = meta.summary;
  if (s === undefined) return undefined;
  if (metric === 'loss') return s.finalLoss;
  return s.metrics[metric];
}

/** The finished runs of each cell of a suite (for one preset), from the store's labels. */
export function suiteRuns(store: RunStore, suite: Suite, preset: string): Map<string, RunMeta[]> {
  const byCell = new Map<string, RunMeta[]>();
  for (const meta of store.list({ label: ['suite', suite.id], status: 'done' })) {
    if ((meta.labels['preset'] ?? '') !== preset) continue;
    const cell = meta.labels['cell'];
    if (cell === undefined) continue;
    byCell.set(cell, [...(byCell.get(cell) ?? []), meta]);
  }
  return byCell;
}

export function suiteTables(suite: Suite, runs: Map<string, RunMeta[]>, preset: string): TableInput[] {
  const table = (metric: string, withPublished: boolean): TableInput => {
    const ours: CellResult[] = [];
    for (const cell of suite.cells) {
      const metas = (runs.get(`${cell.row}/${cell.column}`) ?? []).sort((a, b) => a.seed - b.seed);
      const values: number[] = [];
      const runIds: string[] = [];
      for (const m of metas) {
        const v = metricOf(m, metric);
        if (v !== undefined) {
          values.push(v);
          runIds.push(m.id);
        }
      }
      ours.push({ row: cell.row, column: cell.column, values, runIds });
    }
    return {
      id: `${suite.id}/${metric}`.replace(/[^a-z0-9]+/gi, '-'),
      title: withPublished ? suite.title : `${suite.title.replace(/ — .*$/, '')} — ${metric}`,
      metric,
      rows: suite.rows,
      columns: suite.columns,
      ours,
      published: withPublished ? suite.published : {},
      note: `preset: ${preset}`,
    };
  };
  return [table(suite.metric, true), ...suite.alsoReport.map((m) => table(m, false))];
}

export function suiteReportInput(store: RunStore, suite: Suite, preset: string): ReportInput {
  const runs = suiteRuns(store, suite, preset);
  const lossCurves: LossCurveInput[] = [];
  const latentViews: LatentViewInput[] = [];
  for (const cell of suite.cells) {
    const first = runs.get(`${cell.row}/${cell.column}`)?.[0];
    if (first === undefined) continue;
    const handle = store.open(first.id);
    const rows = handle.readMetrics().filter((r) => Number.isFinite(r['loss']));
    lossCurves.push({ runId: first.id, label: `${cell.row}/${cell.column}`, points: rows.map((r) => ({ step: r.step, loss: r['loss']! })) });
    const sample = first.summary?.['sample'] as { truth: number[][]; recovered: number[][] } | undefined;
    if (sample !== undefined && sample.truth[0]?.length === 3 && sample.recovered[0]?.length === 3)
      latentViews.push({ runId: first.id, label: `${cell.row}/${cell.column}`, truth: sample.truth, recovered: sample.recovered });
  }
  const total = suite.cells.length;
  const have = suite.cells.filter((c) => (runs.get(`${c.row}/${c.column}`)?.length ?? 0) > 0).length;
  return {
    title: suite.title,
    generatedAt: new Date().toISOString(),
    environment: runEnvironment(),
    tables: suiteTables(suite, runs, preset),
    curves: [],
    lossCurves,
    latentViews,
    theory: [],
    notes: [
      `Suite ${suite.id}, preset '${preset}': ${have} of ${total} cells have finished runs.`,
      ...(suite.description ? [suite.description] : []),
    ],
  };
}
