// Small helpers the report builders share: a table cell of one metric from a suite's finished runs,
// mean ± std formatting, the diversity verdict of a cell's spec, and the report of a suite with no
// finished run yet.
import { buildConditional, buildMarginal, latentSpaceOf, type ExperimentSpec } from '../../experiments/index.js';
import { describeSpace, diversityDiagnostic, UniformSphere, type Marginal } from '../../latent/index.js';
import { Generator } from '../../torch/index.js';
import type { CellResult, ReportInput } from '../types.js';
import type { SuiteReportContext, SuiteRunData } from './index.js';

export const meanOf = (xs: readonly number[]): number =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function sampleStdOf(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

export const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** The metric's value in every finished run of (row, column), by seed ('loss': the final training loss). */
export function valuesOf(runs: readonly SuiteRunData[], row: string, column: string, metric: string): number[] {
  return runs
    .filter((r) => r.row === row && r.column === column && r.meta.summary !== undefined)
    .sort((a, b) => a.meta.seed - b.meta.seed)
    .map((r) => (metric === 'loss' ? r.meta.summary!.finalLoss : (r.meta.summary!.metrics[metric] ?? Number.NaN)));
}

/** A table cell (labelled rowLabel/columnLabel) of one metric of the runs of (row, column). */
export function cellOf(
  runs: readonly SuiteRunData[],
  row: string,
  column: string,
  metric: string,
  labels: { row?: string; column?: string } = {},
): CellResult {
  const chosen = runs
    .filter((r) => r.row === row && r.column === column && r.meta.summary !== undefined)
    .sort((a, b) => a.meta.seed - b.meta.seed);
  return {
    row: labels.row ?? row,
    column: labels.column ?? column,
    values: valuesOf(runs, row, column, metric),
    runIds: chosen.map((r) => r.meta.id),
  };
}

/**
 * The diversity diagnostic of a cell's latent model (src/latent/diversity.ts) in words: 'holds', or
 * 'violated (k never-moved directions)'. A small sample: the verdict rests on exact zeros.
 */
export function diversityOf(spec: ExperimentSpec): string {
  if (spec.conditional === undefined) return 'n/a';
  const frozen = new Generator(1);
  const marginal: Marginal = buildMarginal(spec.latent, frozen) ?? new UniformSphere(spec.latent.dim);
  const conditional = buildConditional(spec.conditional, spec.latent.dim, spec.latent, frozen);
  try {
    const r = diversityDiagnostic(marginal, conditional, new Generator(0), { samples: 1024, localAnchors: 8 });
    return r.holds
      ? 'holds'
      : `violated (${r.unperturbed.length} never-moved direction${r.unperturbed.length === 1 ? '' : 's'})`;
  } finally {
    marginal.dispose?.();
    conditional.dispose?.();
  }
}

/** "box [0, 1]^10, uniform marginal" and the like. */
export function latentOf(spec: ExperimentSpec): string {
  const m = spec.latent.marginal;
  const law =
    m === undefined
      ? 'uniform'
      : Object.entries(m)
          .map(([k, v]) => (k === 'kind' ? v : `${k} ${v}`))
          .join(', ');
  return `${describeSpace(latentSpaceOf(spec.latent))}, ${law}`;
}

/** A tagged config as "kind (k v, …)". */
export function configOf(c: { kind: string } | undefined): string {
  if (c === undefined) return 'none';
  const rest = Object.entries(c).filter(([k]) => k !== 'kind');
  return rest.length === 0 ? c.kind : `${c.kind} (${rest.map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')})`;
}

/** A run's training-loss curve: (step, loss) of each logged row that has a finite loss. */
export function lossPointsOf(run: SuiteRunData): { step: number; loss: number }[] {
  return run.metrics.filter((m) => Number.isFinite(m['loss'])).map((m) => ({ step: m.step, loss: m['loss']! }));
}

/** The notes of a suite builder's report while no run has finished: the claim tested, if any, and that fact. */
export function noRunsNotes({ suite, preset }: Pick<SuiteReportContext, 'suite' | 'preset'>): string[] {
  const claim = suite.claim ? [`Claim tested: ${suite.claim}`] : [];
  return [...claim, `Suite ${suite.id}, preset '${preset}': no finished runs yet.`];
}

/** The rows and columns the suite declares but the preset does not run (presetCells): the tables show only the run cells. */
export function notRunNote(skipped: { rows: string[]; columns: string[] }, preset: string): string[] {
  const parts = [
    ...(skipped.rows.length > 0 ? [`rows ${skipped.rows.join(', ')}`] : []),
    ...(skipped.columns.length > 0 ? [`columns ${skipped.columns.join(', ')}`] : []),
  ];
  return parts.length === 0
    ? []
    : [
        `Not run at this preset ('${preset}'): ${parts.join('; ')}. The tables show the cells that ran; the full preset runs every cell.`,
      ];
}

/** The generic report with the claim and a note, while no run of the suite has finished. */
export function noRunsReport(ctx: SuiteReportContext): ReportInput {
  return { ...ctx.generic, notes: noRunsNotes(ctx) };
}
