// The report's input: plain data, independent of how runs are stored. A caller (the CLI's
// `report` command) gathers run folders into this shape; the report layer only formats it.

/** Our per-seed values of a table's metric for one cell. */
export interface CellResult {
  row: string;
  column: string;
  /** One value per run (seed); may be empty when no run finished. */
  values: number[];
  /** The runs the values came from, in the same order. */
  runIds: string[];
}

/**
 * A published mean ± std, or null where the paper has no number ("n/a"). `std` is absent where the
 * paper prints a mean only (e.g. Paper A's Table 7, values read from a figure): it then counts as 0
 * in the agreement tolerance and is not shown as "± 0.00".
 */
export type PublishedCell = { mean: number; std?: number } | null;

/** A table of one metric: our cells next to the paper's. */
export interface TableInput {
  id: string;
  title: string;
  metric: string;
  rows: string[];
  columns: string[];
  ours: CellResult[];
  /** published[row][column]; a missing entry is treated like null (the paper has no number). */
  published: Record<string, Record<string, PublishedCell>>;
  /** Recorded results of the same cells (a committed file of earlier runs), shown beside ours. */
  recorded?: RecordedColumn;
  /** Heading of the column of `ours` (default "ours (n)"), e.g. "recorded (n)" for a recorded table. */
  oursHeading?: string;
  note?: string;
}

/** Recorded per-seed values of a table's cells, with where they come from (file and date). */
export interface RecordedColumn {
  /** e.g. "results/table1-paper.json, measured 2026-12-01". */
  source: string;
  cells: CellResult[];
}

/** One point of a curve; yStd draws an error bar (ours) when present. */
export interface CurvePoint {
  x: number;
  y: number;
  yStd?: number;
}

/** A curve figure, e.g. R² vs ρ or R² vs fixedDims, ours next to the paper's. */
export interface CurveInput {
  id: string;
  title: string;
  /** Axis titles. */
  x: string;
  y: string;
  /** ours: fresh runs; recorded: a suite's committed results (`clab record`); paper: published values. */
  series: { name: string; source: 'ours' | 'recorded' | 'paper'; points: CurvePoint[] }[];
}

/** The training loss of one run (or a group's mean: `std` then draws a ±std band). */
export interface LossCurveInput {
  runId: string;
  label: string;
  points: { step: number; loss: number; std?: number }[];
}

/** A plain table of text cells (e.g. runs compared by the settings that differ between them). */
export interface ComparisonTable {
  id: string;
  title: string;
  header: string[];
  rows: string[][];
}

/** Recovered latents of one run next to the true ones: n×3, points on S². */
export interface LatentViewInput {
  runId: string;
  label: string;
  truth: number[][];
  recovered: number[][];
}

/** The theory plot: L(h_λ) − L(id) against λ, with standard errors. */
export interface TheoryCurveInput {
  title: string;
  lambdas: number[];
  series: { name: string; diff: number[]; stdErr: number[] }[];
}

/** A row of small images shown inline (e.g. augmented views of the same inputs under each regime). */
export interface ImageGalleryInput {
  title: string;
  caption: string;
  rows: { label: string; images: { channels: 1 | 3; height: number; width: number; pixels: number[] }[] }[];
}

/**
 * Per-run values of one quantity by category (e.g. each variant's seeds), with an optional shaded
 * reference band across every category (e.g. the paper's mean ± 2 std).
 */
export interface StripInput {
  id: string;
  title: string;
  /** Axis titles. */
  x: string;
  y: string;
  /** The categories on the x axis, in this order (a category without points keeps its place). */
  categories: string[];
  /** One point per run: its category, value and label (e.g. "seed 2"). */
  points: { category: string; y: number; label: string }[];
  band?: { lo: number; hi: number; label: string };
}

export interface ReportInput {
  title: string;
  /** ISO timestamp shown in the header. */
  generatedAt: string;
  environment: Record<string, unknown>;
  tables: TableInput[];
  /** Tables without a paper to compare with (`clab report <ids…>`), shown before the figures. */
  comparisons?: ComparisonTable[];
  curves: CurveInput[];
  lossCurves: LossCurveInput[];
  latentViews: LatentViewInput[];
  theory: TheoryCurveInput[];
  notes: string[];
  /** Optional image galleries (rendered as inline PNGs). */
  galleries?: ImageGalleryInput[];
  /** Optional strip plots (per-run values by category, with a reference band). */
  strips?: StripInput[];
}
