// The scores of the image-identifiability suite's finished runs by cell (row × column) and the
// labels and number formats the report prints them with: shared by the report
// (image-identifiability.ts) and its notes (image-identifiability-notes.ts).
import type { Suite } from '../../experiments/suite.js';
import type { SuiteRunData } from './index.js';

/** Principal components of the raw pixels for the readout reference. */
export const PIXEL_COMPONENTS = 32;
const ROW_LABELS: Record<string, string> = { cnn: 'CNN', mlp: 'MLP' };
export const FACTORS = ['x-position', 'y-position', 'hue'];
export const rowLabel = (r: string): string => ROW_LABELS[r] ?? r;

export interface Scores {
  r2: number;
  r2PerDim: number[];
  mcc: number;
  ape: number;
}

export interface Cell extends Scores {
  row: string;
  column: string;
  seed: number;
  id: string;
  finalLoss: number;
}

export type MetricKey = 'r2' | 'mcc' | 'ape';

export const scoresOf = (m: Record<string, number>): Scores => ({
  r2: m['r2'] ?? Number.NaN,
  r2PerDim: [0, 1, 2].map((j) => m[`r2_${j}`] ?? Number.NaN),
  mcc: m['mcc'] ?? Number.NaN,
  ape: m['ape'] ?? Number.NaN,
});

export const meanStd = (v: number[]): { mean: number; std: number } => {
  const m = v.length === 0 ? Number.NaN : v.reduce((p, q) => p + q, 0) / v.length;
  const s = v.length > 1 ? Math.sqrt(v.reduce((p, q) => p + (q - m) ** 2, 0) / (v.length - 1)) : 0;
  return { mean: m, std: s };
};
export const fmt = (v: number[], d = 3): string => {
  const { mean, std } = meanStd(v);
  return `${mean.toFixed(d)} ± ${std.toFixed(d)}`;
};

/** A row's encoder spec as JSON (the first cell of the row). */
export const encoderOf = (suite: Suite, row: string): string =>
  JSON.stringify(suite.cells.find((c) => c.row === row)?.spec.encoder ?? {});

/** The finished runs' scores, in seed order. */
export function cellsOf(runs: SuiteRunData[]): Cell[] {
  return runs
    .filter(
      (r): r is SuiteRunData & { meta: { summary: NonNullable<SuiteRunData['meta']['summary']> } } =>
        r.meta.summary !== undefined,
    )
    .map((r) => ({
      row: r.row,
      column: r.column,
      seed: r.meta.seed,
      id: r.meta.id,
      finalLoss: r.meta.summary.finalLoss,
      ...scoresOf(r.meta.summary.metrics),
    }))
    .sort((a, b) => a.seed - b.seed);
}

/** The scores at a position of the grid (row, column). */
export interface Grid {
  /** The cell's runs, in seed order. */
  runs(row: string, column: string): Cell[];
  /** One score of the cell, per seed. */
  values(row: string, column: string, key: MetricKey): number[];
  /** One score of the cell, mean over seeds. */
  mean(row: string, column: string, key: MetricKey): number;
  /** The held-out R² of latent coordinate j, mean over seeds. */
  dim(row: string, column: string, j: number): number;
}

/** The grid of the cells. */
export function gridOf(cells: Cell[]): Grid {
  const runs = (row: string, column: string): Cell[] => cells.filter((c) => c.row === row && c.column === column);
  const values = (row: string, column: string, key: MetricKey): number[] => runs(row, column).map((c) => c[key]);
  return {
    runs,
    values,
    mean: (row, column, key) => meanStd(values(row, column, key)).mean,
    dim: (row, column, j) => meanStd(runs(row, column).map((c) => c.r2PerDim[j] ?? Number.NaN)).mean,
  };
}
