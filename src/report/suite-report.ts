// Gathers a suite's runs from the store into the report's input: each table cell's per-seed values
// next to the published ones, loss curves, and a view of recovered latents — the generic report —
// then hands it to the suite's own builder when it names one (`report:`, src/report/suites/).
//
// The runs of a cell are found by their run keys (spec and seed), not by labels: a report of the
// suite resolved with `--set train.batch=64` shows the batch-64 runs and nothing else.
import { expandRuns } from '../experiments/resolve.js';
import type { Suite } from '../experiments/suite.js';
import type { RunMeta, RunStore } from '../runs/index.js';
import type {
  CellResult,
  CurveInput,
  CurvePoint,
  LatentViewInput,
  LossCurveInput,
  ReportInput,
  TableInput,
  TheoryCurveInput,
} from './types.js';
import { runEnvironment } from '../runs/index.js';
import { suiteReports, type SuiteRunData } from './suites/index.js';
import { meanOf, notRunNote, sampleStdOf } from './suites/cells.js';
import { ownRecordedTable, recordedCells, recordedGroups, recordedNotes, withRecorded } from './recorded-tables.js';
import { ConstrainedSupport, RestrictedVonMisesFisher, VonMisesFisher } from '../latent/index.js';
import { differenceOf, estimateOnCommonSamples, hLambda, identityMap } from '../theory/index.js';

/**
 * Paper A's theory plot: Monte Carlo L(h_λ) − L(identity) (common random numbers, ± s.e.) under
 * the restricted conditional with full-sphere negatives (Thm 4.5) and with K(z) negatives
 * (Thm 4.6), and under vMF positives (diversity holds) for contrast.
 */
export function suiteTheory(suite: Suite): TheoryCurveInput[] {
  const t = suite.theory;
  if (t === undefined) return [];
  const maps = [identityMap, ...t.lambdas.map((l) => hLambda(l, t.fixedDims))];
  const settings = [
    {
      name: `first ${t.fixedDims} fixed, full-sphere negatives`,
      conditional: new RestrictedVonMisesFisher({ kappa: t.kappa, fixedDims: t.fixedDims }),
    },
    {
      name: `first ${t.fixedDims} fixed, K(z) negatives`,
      conditional: new RestrictedVonMisesFisher({ kappa: t.kappa, fixedDims: t.fixedDims }),
      negatives: new ConstrainedSupport({ fixedDims: t.fixedDims }),
    },
    { name: 'vMF (diversity holds)', conditional: new VonMisesFisher({ kappa: t.kappa }) },
  ];
  const series = settings.map((setting) => {
    const est = estimateOnCommonSamples(maps, {
      tau: t.tau,
      dim: t.dim,
      conditional: setting.conditional,
      ...(setting.negatives ? { negatives: setting.negatives } : {}),
      anchors: 400,
      positivesPerAnchor: 64,
      negativesPerAnchor: 1024,
      generator: 0,
    });
    const diffs = est.slice(1).map((e) => differenceOf(e, est[0]!));
    return { name: setting.name, diff: diffs.map((d) => d.meanDiff), stdErr: diffs.map((d) => d.stdErr) };
  });
  return [
    {
      title:
        'Asymptotic loss of h_λ(u, v) = (u, λv)/|(u, λv)| relative to the identity (negative: h_λ beats the identity)',
      lambdas: t.lambdas,
      series,
    },
  ];
}

/** The value of one metric in a run's summary ('loss' is the final training loss). */
export function metricOf(meta: RunMeta, metric: string): number | undefined {
  const s = meta.summary;
  if (s === undefined) return undefined;
  if (metric === 'loss') return s.finalLoss;
  return s.metrics[metric];
}

/** The finished runs of each cell of the suite as resolved (its specs and seeds), by `row/column`. */
export function suiteRuns(store: RunStore, suite: Suite): Map<string, RunMeta[]> {
  const byCell = new Map<string, RunMeta[]>();
  for (const cell of suite.cells) {
    const metas = expandRuns(cell.spec).flatMap((run) => {
      const meta = store.findByKey(store.runKey(run));
      return meta?.status === 'done' ? [meta] : [];
    });
    byCell.set(`${cell.row}/${cell.column}`, metas);
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
      // Rows and columns with a cell that runs (--cells may select a part of the suite).
      rows: suite.rows.filter((r) => suite.cells.some((c) => c.row === r)),
      columns: suite.columns.filter((col) => suite.cells.some((c) => c.column === col)),
      ours,
      published: withPublished ? suite.published : {},
      note: [`preset: ${preset}`, suite.metricNotes[metric]].filter((x) => x !== undefined).join('; '),
    };
  };
  return [
    table(suite.metric, true),
    ...suite.alsoReport.map((m) => {
      const t = table(m, false);
      return { ...t, published: suite.alsoPublished[m] ?? {} };
    }),
  ];
}

/** x of a published column that the suite does not run (e.g. the paper's d9, d10): its trailing number. */
function columnXOfPattern(col: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)$/.exec(col);
  return m === null ? undefined : Number(m[1]);
}

/** A point per column with values: the mean, and the sample std over them (0 for one value). */
function meanPoints(
  columns: string[],
  columnX: Record<string, number>,
  valuesOf: (col: string) => number[],
): CurvePoint[] {
  return columns.flatMap((col) => {
    const xv = columnX[col];
    const values = valuesOf(col);
    if (xv === undefined || values.length === 0) return [];
    return [{ x: xv, y: meanOf(values), yStd: sampleStdOf(values) }];
  });
}

/**
 * R² (the suite's metric) against the column variable, one series per row: ours (fresh runs), each
 * recorded file's (`recorded:`, marked with its preset) and the paper's.
 */
export function suiteCurves(suite: Suite, runs: Map<string, RunMeta[]>): CurveInput[] {
  if (suite.series === undefined) return [];
  const { columnX, x } = suite.series;
  const series: CurveInput['series'] = [];
  for (const row of suite.rows) {
    const ours = meanPoints(suite.columns, columnX, (col) =>
      (runs.get(`${row}/${col}`) ?? [])
        .map((m) => metricOf(m, suite.metric))
        .filter((v): v is number => v !== undefined),
    );
    const paperRow = suite.published[row] ?? {};
    const paper = Object.entries(paperRow).flatMap(([col, cell]) => {
      const xv = columnX[col] ?? columnXOfPattern(col);
      return cell === null || xv === undefined ? [] : [{ x: xv, y: cell.mean }];
    });
    if (ours.length > 0) series.push({ name: `${row} (ours)`, source: 'ours', points: ours });
    for (const r of recordedGroups(suite)) {
      const cells = new Map(recordedCells(r, suite.metric).map((c) => [`${c.row}/${c.column}`, c.values]));
      const points = meanPoints(suite.columns, columnX, (col) => cells.get(`${row}/${col}`) ?? []);
      if (points.length > 0) series.push({ name: `${row} (recorded, ${r.preset})`, source: 'recorded', points });
    }
    if (paper.length > 0)
      series.push({ name: `${row} (paper)`, source: 'paper', points: paper.sort((a, b) => a.x - b.x) });
  }
  return [
    { id: `${suite.id}-curve`.replace(/[^a-z0-9]+/gi, '-'), title: `${suite.title}`, x, y: suite.metric, series },
  ];
}

/** The generic report of a suite: its tables next to the paper, curves, loss curves, latent views. */
export function genericSuiteReport(store: RunStore, suite: Suite, preset: string): ReportInput {
  const runs = suiteRuns(store, suite);
  const lossCurves: LossCurveInput[] = [];
  const latentViews: LatentViewInput[] = [];
  for (const cell of suite.cells) {
    const first = runs.get(`${cell.row}/${cell.column}`)?.[0];
    if (first === undefined) continue;
    const handle = store.open(first.id);
    const rows = handle.readMetrics().filter((r) => Number.isFinite(r['loss']));
    lossCurves.push({
      runId: first.id,
      label: `${cell.row}/${cell.column}`,
      points: rows.map((r) => ({ step: r.step, loss: r['loss']! })),
    });
    const sample = first.summary?.['sample'] as { truth: number[][]; recovered: number[][] } | undefined;
    if (sample !== undefined && sample.truth[0]?.length === 3 && sample.recovered[0]?.length === 3)
      latentViews.push({
        runId: first.id,
        label: `${cell.row}/${cell.column}`,
        truth: sample.truth,
        recovered: sample.recovered,
      });
  }
  const total = suite.cells.length;
  const have = suite.cells.filter((c) => (runs.get(`${c.row}/${c.column}`)?.length ?? 0) > 0).length;
  return {
    title: suite.title,
    generatedAt: new Date().toISOString(),
    environment: runEnvironment(),
    tables: withRecorded(suite, suiteTables(suite, runs, preset), preset),
    curves: suiteCurves(suite, runs),
    lossCurves,
    latentViews,
    theory: suiteTheory(suite),
    notes: [
      ...(suite.claim ? [`Claim tested: ${suite.claim}`] : []),
      `Suite ${suite.id}, preset '${preset}': ${have} of ${total} cells have finished runs.`,
      ...notRunNote(suite.skipped, preset),
      ...(suite.description ? [suite.description] : []),
      ...recordedNotes(suite),
    ],
  };
}

/** The suite's report: its own builder's when it names one, else the generic one. */
export async function suiteReport(store: RunStore, suite: Suite, preset: string): Promise<ReportInput> {
  const generic = genericSuiteReport(store, suite, preset);
  if (suite.report === undefined) return generic;
  const builder = suiteReports[suite.report];
  if (builder === undefined)
    throw new Error(
      `suite ${suite.id}: unknown report builder '${suite.report}'; known: ${Object.keys(suiteReports).join(', ') || 'none'}`,
    );
  const byCell = suiteRuns(store, suite);
  const runs: SuiteRunData[] = suite.cells.flatMap(({ row, column }) =>
    (byCell.get(`${row}/${column}`) ?? []).map((meta) => ({
      row,
      column,
      meta,
      metrics: store.open(meta.id).readMetrics(),
    })),
  );
  const built = await builder({ suite, preset, runs, generic });
  // A builder's tables have their own layout: recorded results follow them as tables of their own.
  if (suite.recorded.length === 0) return built;
  return {
    ...built,
    tables: [...built.tables, ...recordedGroups(suite).map((g) => ownRecordedTable(suite, g))],
    notes: [...built.notes, ...recordedNotes(suite)],
  };
}
