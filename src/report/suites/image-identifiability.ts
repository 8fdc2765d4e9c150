// The report of the `image-identifiability` suite: Paper A's synthetic finding tested on pixels
// (rendered shapes whose latents are known; rows cnn, mlp; columns holds, violated). Claim first,
// then the R², MCC and APE tables, the references of the original study — a linear readout of the
// raw pixels (top principal components → z, held out) and the untrained encoders (the weights each
// run started from) — the per-factor breakdown (x-position, y-position, hue), the renderer's blind
// spot (both poles render to the same image) and what the evidence shows.
import { shapePoleDifference } from '../../data/sources/shapes.js';
import { buildData, freshStream, runStreams, type RunSpec } from '../../experiments/index.js';
import { pixelReadoutR2 } from '../../metrics/pixel-readout.js';
import { readRunFolder } from '../../runs/index.js';
import type { ReportInput, TableInput } from '../types.js';
import { noRunsReport } from './cells.js';
import {
  cellsOf,
  encoderOf,
  FACTORS,
  type Grid,
  gridOf,
  type MetricKey,
  PIXEL_COMPONENTS,
  rowLabel,
  type Scores,
  scoresOf,
} from './image-identifiability-cells.js';
import { identifiabilityNotes } from './image-identifiability-notes.js';
import type { SuiteReportBuilder, SuiteReportContext } from './index.js';
import { untrainedByRow } from './untrained.js';

export { PIXEL_COMPONENTS };

/** Held-out R² of a seed's held-out latents from the top principal components of their images. */
export function shapesPixelReadout(run: RunSpec, components = PIXEL_COMPONENTS): { r2: number; r2PerDim: number[] } {
  const data = buildData(run.spec, runStreams(run.seed));
  try {
    const e = data.evalSet();
    if (e.latents === undefined)
      throw new RangeError(`image-identifiability report: data '${run.spec.data.kind}' has no latents`);
    return pixelReadoutR2(e.latents, e.inputs, components, freshStream(run.seed, 'metric'));
  } finally {
    data.dispose();
  }
}

/** The three scores' tables: key, metric name, title and note. */
const METRICS: { key: MetricKey; name: string; title: string; note: string }[] = [
  {
    key: 'r2',
    name: 'R²',
    title: 'R² of z from f(x) (affine, held-out)',
    note: 'Held-out R² of the affine regression ẑ → z (1 = z is an affine function of the embedding).',
  },
  {
    key: 'mcc',
    name: 'MCC',
    title: 'MCC of f(x) against z',
    note: 'Mean |Pearson correlation| after Hungarian matching of coordinates (1 = each coordinate recovered up to sign and scale, axis-aligned).',
  },
  {
    key: 'ape',
    name: 'APE',
    title: 'APE of f(x) against z',
    note: 'Mean |z_i·z_j − ẑ_i·ẑ_j| over pairs (0 = an isometry of the sphere).',
  },
];

/** What every part of the report reads: the finished runs' scores, the setting and the references. */
export interface IdentifiabilitySetting extends SuiteReportContext {
  grid: Grid;
  seeds: number[];
  /** The first run's spec, standing for the suite's setting. */
  spec0: RunSpec['spec'];
  loss: { tau?: number; count?: number };
  /** Per row, the untrained encoder's scores, one per seed. */
  untrained: Map<string, Scores[]>;
  /** The linear readout of the raw pixels, one per seed. */
  pixelReadout: { r2: number; r2PerDim: number[] }[];
  /** The largest pixel difference between the images of the two poles. */
  poleDifference: number;
}

export const imageIdentifiabilityReport: SuiteReportBuilder = (ctx): ReportInput => {
  const s = settingOf(ctx);
  if (s === undefined) return noRunsReport(ctx);
  return {
    title: s.suite.title,
    generatedAt: new Date().toISOString(),
    environment: identifiabilityEnvironment(s),
    tables: identifiabilityTables(s),
    curves: [],
    lossCurves: s.generic.lossCurves,
    latentViews: s.generic.latentViews,
    theory: [],
    notes: identifiabilityNotes(s),
  };
};

/** The setting and the references (computed here, once), or undefined when no run has finished. */
function settingOf(ctx: SuiteReportContext): IdentifiabilitySetting | undefined {
  const specs = new Map<string, RunSpec>(ctx.runs.map((r) => [r.meta.id, readRunFolder(r.meta.dir).run]));
  const first = specs.values().next().value;
  if (first === undefined) return undefined;
  const cells = cellsOf(ctx.runs);
  const seeds = [...new Set(cells.map((c) => c.seed))].sort((a, b) => a - b);
  return {
    ...ctx,
    grid: gridOf(cells),
    seeds,
    spec0: first.spec,
    loss: first.spec.loss as { tau?: number; count?: number },
    untrained: untrainedByRow(ctx.suite.rows, ctx.runs, specs, (u) => scoresOf(u.metrics)),
    pixelReadout: seeds.map((seed) => shapesPixelReadout([...specs.values()].find((s) => s.seed === seed)!)),
    poleDifference: shapePoleDifference(),
  };
}

/** The R², MCC and APE tables (encoder × condition), then the held-out R² per latent factor. */
function identifiabilityTables(s: IdentifiabilitySetting): TableInput[] {
  return [...METRICS.map((metric) => metricTable(s, metric)), perFactorTable(s)];
}

/** One metric's table: its values per seed in every cell. */
function metricTable(s: IdentifiabilitySetting, metric: (typeof METRICS)[number]): TableInput {
  const { rows, columns } = s.suite;
  return {
    id: `image-identifiability-${metric.key}`,
    title: metric.title,
    metric: metric.name,
    rows: rows.map(rowLabel),
    columns: [...columns],
    ours: rows.flatMap((row) =>
      columns.map((column) => {
        const sel = s.grid.runs(row, column);
        return { row: rowLabel(row), column, values: sel.map((c) => c[metric.key]), runIds: sel.map((c) => c.id) };
      }),
    ),
    published: {},
    note: `${metric.note} ${s.spec0.eval.samples} held-out rendered images; mean ± std over ${s.seeds.length} seed(s). The paper has no numbers for this study (it could not measure identifiability on images).`,
  };
}

/** The held-out R² of each latent factor, a column per condition and factor. */
function perFactorTable(s: IdentifiabilitySetting): TableInput {
  const { rows, columns } = s.suite;
  return {
    id: 'image-identifiability-r2-per-factor',
    title: 'Held-out R² per latent factor (z₀ x-position, z₁ y-position, z₂ hue)',
    metric: 'R²',
    rows: rows.map(rowLabel),
    columns: columns.flatMap((c) => FACTORS.map((f) => `${c}: ${f}`)),
    ours: rows.flatMap((row) =>
      columns.flatMap((column) =>
        FACTORS.map((f, j) => {
          const sel = s.grid.runs(row, column);
          return {
            row: rowLabel(row),
            column: `${column}: ${f}`,
            values: sel.map((c) => c.r2PerDim[j] ?? Number.NaN),
            runIds: sel.map((c) => c.id),
          };
        }),
      ),
    ),
    published: {},
    note: 'The aggregate R² is the mean of the three factors, so one lost factor caps it near 0.67.',
  };
}

/** The environment: the generic one, then the training, loss, evaluation and encoder setting. */
function identifiabilityEnvironment(s: IdentifiabilitySetting): Record<string, unknown> {
  const { suite, spec0 } = s;
  return {
    ...s.generic.environment,
    suite: suite.id,
    preset: s.preset,
    seeds: s.seeds.join(', '),
    steps: spec0.train.iterations,
    batch: spec0.train.batch,
    negatives: s.loss.count ?? spec0.train.batch,
    tau: s.loss.tau,
    evalSamples: spec0.eval.samples,
    pixelComponents: PIXEL_COMPONENTS,
    encoders: suite.rows.map((r) => `${rowLabel(r)} ${encoderOf(suite, r)}`).join('; '),
    loss: 'InfoNCE (shared uniform negatives)',
    embedDim: 3,
    trainingSeconds: Number(s.runs.reduce((a, r) => a + (r.meta.summary?.seconds ?? 0), 0).toFixed(1)),
  };
}
