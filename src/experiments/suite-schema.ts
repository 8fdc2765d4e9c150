// What a suite file may say (SuiteSchema, checked with zod: a bad key is named with its path) and
// what a loaded suite is (Suite, SuiteCell). Loading — merging base ⊕ row ⊕ column ⊕ cell, presets,
// --set, published and recorded numbers — is suite.ts.
import { z } from 'zod';
import type { RecordedTable } from './recorded.js';
import type { PublishedCells } from './suite-published.js';
import type { ExperimentSpec } from './spec.js';

const Mapping = z.record(z.string(), z.unknown());

export const SuiteSchema = z.strictObject({
  suite: z.string(),
  title: z.string(),
  description: z.string().optional(),
  /** Spec file (relative to the suite file) every cell starts from. */
  base: z.string(),
  /** The report builder (src/report/suites/index.ts) when the generic table is not enough. */
  report: z.string().optional(),
  /** The paper's claim the suite tests, stated first in its report. */
  claim: z.string().optional(),
  /** The metric the table reports (a key of the run's final metrics, e.g. r2). */
  metric: z.string(),
  /** Extra metrics to report for every cell (e.g. mcc, ape, loss). */
  alsoReport: z.array(z.string()).default([]),
  /** Published values of the extra metrics: metric → `file.json#dotted.key` of a { cells } table. */
  alsoPublished: z.record(z.string(), z.string()).default({}),
  /** A note for a metric's table in the report, where ours and the published value differ in definition. */
  metricNotes: z.record(z.string(), z.string()).default({}),
  /** Published row names where they differ from the suite's (suite row → published row). */
  publishedRows: z.record(z.string(), z.string()).default({}),
  /** The theory plot for the report: L(h_λ) − L(identity) along λ under this conditional. */
  theory: z
    .strictObject({
      tau: z.number().positive(),
      kappa: z.number().positive(),
      fixedDims: z.number().int().positive(),
      dim: z.number().int().default(3),
      lambdas: z.array(z.number().positive()),
    })
    .optional(),
  rows: z.record(z.string(), Mapping),
  columns: z.record(z.string(), Mapping),
  /**
   * The rows and columns that run under a preset (preset → { rows, columns }, names of this suite's
   * rows and columns); a preset not listed, or a list left out, runs every row (column).
   */
  presetCells: z
    .record(
      z.string(),
      z.strictObject({
        rows: z
          .array(z.string())
          .min(1, { error: 'name at least one row (leave rows out to run every row)' })
          .optional(),
        columns: z
          .array(z.string())
          .min(1, { error: 'name at least one column (leave columns out to run every column)' })
          .optional(),
      }),
    )
    .default({}),
  /** Per-cell overrides, keyed `row/column`; null marks a cell that does not exist. */
  cells: z.record(z.string(), Mapping.nullable()).default({}),
  /** The published numbers: `file.json#key` (relative to the suite file). */
  published: z.string().optional(),
  /**
   * When the published data are curves ({ row: { <x>: [...], <y>: [...] } }) rather than cells:
   * which arrays to read and how an x value names a column (`{x}` is replaced), e.g. d{x}; `std`
   * names an optional array of the seeds' standard deviations (without it they are reported as 0).
   */
  publishedSeries: z
    .strictObject({ x: z.string(), y: z.string(), std: z.string().optional(), column: z.string() })
    .optional(),
  /**
   * Recorded results (`clab record`): preset → JSON file (relative to the suite file), or a list of
   * files recording different cells (one table), shown in its report.
   */
  recorded: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).default({}),
});

export interface SuiteCell {
  row: string;
  column: string;
  spec: ExperimentSpec;
}

export interface Suite {
  id: string;
  title: string;
  description?: string;
  metric: string;
  report?: string;
  claim?: string;
  alsoReport: string[];
  /** The rows and columns that run at the preset the suite was loaded with, in the file's order. */
  rows: string[];
  columns: string[];
  /** Rows and columns the suite declares that do not run at this preset (presetCells); empty when all run. */
  skipped: { rows: string[]; columns: string[] };
  cells: SuiteCell[];
  /** The paper's cells; `std` is absent where no source gives one (e.g. a figure's series). */
  published: PublishedCells;
  /** Published values of the extra metrics, by metric, in the same layout. */
  alsoPublished: Record<string, PublishedCells>;
  /** metric → a note its report table carries (e.g. a definition that differs from the paper's). */
  metricNotes: Record<string, string>;
  theory?: { tau: number; kappa: number; fixedDims: number; dim: number; lambdas: number[] };
  /** For curve suites (publishedSeries): the x value of each column and the axis names. */
  series?: { x: string; y: string; columnX: Record<string, number> };
  /** Committed results of earlier runs (`recorded:`), in the file's order. */
  recorded: RecordedTable[];
  file: string;
}

/** A suite file as SuiteSchema reads it. */
export type SuiteFile = z.output<typeof SuiteSchema>;
