// The report of Paper A's image study (design/papers.md, "CIFAR-10") and of its MNIST variant: the
// suites `loss-is-not-enough/cifar10` and `mnist-regimes` (rows: encoders resnet18, vit, mlp;
// columns: augmentation regimes all, crop-only, all-without-crop). It shows, claim first, the
// linear-probe accuracy grid next to the paper's approximate figure readings, the k-NN and loss
// grids, the same encoders at their random initialisation (the weights each run started from,
// scored on the same held-out images), the paper's pattern checked on our grid and on the paper's
// own readings, and a gallery of the positive pairs each regime produces.
import type { RunSpec } from '../../experiments/index.js';
import { readRunFolder } from '../../runs/index.js';
import type { CellResult, CurveInput, ImageGalleryInput, PublishedCell, ReportInput, TableInput } from '../types.js';
import { augmentationGallery, galleryImages } from './augmentation-gallery.js';
import { meanOf, noRunsReport, sampleStdOf } from './cells.js';
import { regimesNotes } from './image-regimes-notes.js';
import { ENCODER_LABELS, label, REGIME_LABELS } from './image-regimes-pattern.js';
import type { SuiteReportBuilder, SuiteReportContext, SuiteRunData } from './index.js';
import { untrainedByRow } from './untrained.js';

const DATASETS: Record<string, string> = { cifar10: 'CIFAR-10', mnist: 'MNIST' };

/** One finished run's scores: probe and k-NN accuracy (%), final loss. */
interface RunView {
  row: string;
  column: string;
  seed: number;
  id: string;
  probe: number;
  knn: number;
  loss: number;
}

/** The finished runs' scores, in seed order. */
function views(runs: SuiteRunData[]): RunView[] {
  return runs
    .filter((r) => r.meta.summary !== undefined)
    .map((r) => ({
      row: r.row,
      column: r.column,
      seed: r.meta.seed,
      id: r.meta.id,
      probe: 100 * (r.meta.summary!.metrics['probe'] ?? Number.NaN),
      knn: 100 * (r.meta.summary!.metrics['knn'] ?? Number.NaN),
      loss: r.meta.summary!.finalLoss,
    }))
    .sort((a, b) => a.seed - b.seed);
}

/** The data fields of the image suites' specs. */
interface ImageData {
  kind: string;
  train?: number;
  test?: number;
  path?: string;
  augmentation?: string;
}

/** A row's encoder at its random initialisation, for one seed: probe and k-NN accuracy (%). */
interface Reference {
  seed: number;
  id: string;
  probe: number;
  knn: number;
  parameters: number;
}

/** What every part of the report reads: the finished runs, their setting and the untrained reference. */
export interface RegimesSetting extends SuiteReportContext {
  all: RunView[];
  specs: Map<string, RunSpec>;
  /** The first run: its spec (spec0) stands for the suite's setting, its images fill the gallery. */
  first: RunSpec;
  spec0: RunSpec['spec'];
  data: ImageData;
  dataset: string;
  encoderSize: string;
  trainN: number;
  epochs: number;
  seeds: number[];
  /** The paper's size and epochs: agreement marks against its figure compare like budgets. */
  samePaper: boolean;
  /** The paper's figure readings under display labels ({} when the suite has none). */
  published: Record<string, Record<string, PublishedCell>>;
  hasPaper: boolean;
  /** Per row, its encoder at random initialisation, one entry per seed. */
  reference: Map<string, Reference[]>;
}

export const imageRegimesReport: SuiteReportBuilder = (ctx): ReportInput => {
  const s = settingOf(ctx);
  if (s === undefined) return noRunsReport(ctx);
  const tables = regimesTables(s);
  const curves = regimesCurves(s);
  const notes = regimesNotes(s);
  const { gallery, shape } = regimesGallery(s);
  return {
    title: s.suite.title,
    generatedAt: new Date().toISOString(),
    environment: regimesEnvironment(s, shape),
    tables,
    curves,
    lossCurves: s.generic.lossCurves,
    latentViews: [],
    theory: [],
    notes,
    galleries: [gallery],
  };
};

/** The setting read off the finished runs, or undefined when there are none. */
function settingOf(ctx: SuiteReportContext): RegimesSetting | undefined {
  const specs = new Map<string, RunSpec>(ctx.runs.map((r) => [r.meta.id, readRunFolder(r.meta.dir).run]));
  const first = specs.values().next().value;
  if (first === undefined) return undefined;
  const all = views(ctx.runs);
  const spec0 = first.spec;
  const data = spec0.data as ImageData;
  const encoderSize = (spec0.encoder as { size?: string }).size ?? 'cpu';
  const trainN = data.train ?? Number.NaN;
  const perEpoch = Math.max(1, Math.floor(trainN / Math.min(spec0.train.batch, trainN)));
  const epochs = spec0.train.iterations / perEpoch;
  const published = publishedByLabel(ctx.suite.published);
  return {
    ...ctx,
    all,
    specs,
    first,
    spec0,
    data,
    dataset: DATASETS[data.kind] ?? data.kind,
    encoderSize,
    trainN,
    epochs,
    seeds: [...new Set(all.map((v) => v.seed))].sort((a, b) => a - b),
    samePaper: encoderSize === 'paper' && epochs >= 200,
    published,
    hasPaper: Object.keys(published).length > 0,
    reference: untrainedByRow(ctx.suite.rows, ctx.runs, specs, (u, r) => ({
      seed: r.meta.seed,
      id: r.meta.id,
      probe: 100 * (u.metrics['probe'] ?? Number.NaN),
      knn: 100 * (u.metrics['knn'] ?? Number.NaN),
      parameters: u.parameters,
    })),
  };
}

/** The suite's published cells keyed by display labels (encoder, regime), as the tables show them. */
function publishedByLabel(
  published: Record<string, Record<string, PublishedCell>>,
): Record<string, Record<string, PublishedCell>> {
  const out: Record<string, Record<string, PublishedCell>> = {};
  for (const [row, byColumn] of Object.entries(published))
    out[label(ENCODER_LABELS, row)] = Object.fromEntries(
      Object.entries(byColumn).map(([c, v]) => [label(REGIME_LABELS, c), v]),
    );
  return out;
}

/** The augmentation a column's runs use (the column's name when it has no run). */
function regimeOf(s: RegimesSetting, column: string): string {
  const run = s.runs.find((r) => r.column === column);
  return run === undefined ? column : ((s.specs.get(run.meta.id)!.spec.data as ImageData).augmentation ?? column);
}

/** The k of the spec's k-NN metric and the epochs of its linear probe (the metrics' defaults when unset). */
const knnK = (spec: RunSpec['spec']): number =>
  (spec.eval.metrics.find((m) => m.kind === 'knn') as { k?: number } | undefined)?.k ?? 20;
const probeEpochs = (spec: RunSpec['spec']): number =>
  (spec.eval.metrics.find((m) => m.kind === 'linear-probe') as { epochs?: number } | undefined)?.epochs ?? 300;

/** The probe, k-NN and loss grids (encoder × regime), then the untrained encoders for reference. */
function regimesTables(s: RegimesSetting): TableInput[] {
  const on = `on ${s.dataset}`;
  return [
    gridTable(s, 'probe', `Linear-probe test accuracy (%) ${on}: encoder × augmentation regime`, {
      metric: 'probe accuracy (%)',
      value: (v) => v.probe,
      published: s.published,
      note: probeNote(s),
    }),
    gridTable(s, 'knn', `Cosine k-NN (k = ${knnK(s.spec0)}) test accuracy (%) ${on}: encoder × augmentation regime`, {
      metric: 'k-NN accuracy (%)',
      value: (v) => v.knn,
      published: {},
      note: 'No published numbers: the paper reports the linear probe only.',
    }),
    gridTable(s, 'loss', `Final NT-Xent loss (mean over the last ≤ 100 steps) ${on}`, {
      metric: 'NT-Xent loss',
      value: (v) => v.loss,
      published: {},
      note: 'Not comparable across regimes: harder augmentations make a higher loss at the same quality.',
    }),
    randomInitTable(s),
  ];
}

/** One encoder × regime table of a run value (its id is `<dataset kind>-<key>`). */
function gridTable(
  s: RegimesSetting,
  key: string,
  title: string,
  t: { metric: string; value: (v: RunView) => number; published: TableInput['published']; note: string },
): TableInput {
  return {
    id: `${s.data.kind}-${key}`,
    title,
    metric: t.metric,
    rows: s.suite.rows.map((r) => label(ENCODER_LABELS, r)),
    columns: s.suite.columns.map((c) => label(REGIME_LABELS, c)),
    ours: gridCells(s, t.value),
    published: t.published,
    note: t.note,
  };
}

/** Every cell of the grid with one value per finished run. */
function gridCells(s: RegimesSetting, value: (v: RunView) => number): CellResult[] {
  return s.suite.rows.flatMap((row) =>
    s.suite.columns.map((column) => {
      const sel = s.all.filter((v) => v.row === row && v.column === column);
      return {
        row: label(ENCODER_LABELS, row),
        column: label(REGIME_LABELS, column),
        values: sel.map(value),
        runIds: sel.map((v) => v.id),
      };
    }),
  );
}

/** The probe table's note: how approximate the paper's readings are and whether the budgets compare. */
function probeNote(s: RegimesSetting): string {
  return s.hasPaper
    ? `Paper values are APPROXIMATE, read off the paper's figure (no table, no std given; std shown as 0). ${s.samePaper ? '' : 'Our runs use a smaller setting than the paper (see environment), so agreement marks compare unlike budgets; read the pattern, not the Δ.'}`
    : 'No published numbers: the paper studies CIFAR-10 only.';
}

/** The untrained encoders' probe and k-NN accuracy: what training has to beat. */
function randomInitTable(s: RegimesSetting): TableInput {
  return {
    id: `${s.data.kind}-random-init`,
    title: `Reference: the untrained (random-init) encoders on ${s.dataset}, accuracy (%)`,
    metric: 'accuracy (%)',
    rows: s.suite.rows.map((r) => label(ENCODER_LABELS, r)),
    columns: ['probe, random init', 'k-NN, random init'],
    ours: s.suite.rows.flatMap((row) => {
      const ref = s.reference.get(row) ?? [];
      const runIds = ref.map((r) => r.id);
      return [
        { row: label(ENCODER_LABELS, row), column: 'probe, random init', values: ref.map((r) => r.probe), runIds },
        { row: label(ENCODER_LABELS, row), column: 'k-NN, random init', values: ref.map((r) => r.knn), runIds },
      ];
    }),
    published: {},
    note: 'The weights each run of the row started from (its init stream), scored on the same images with the same probe and k-NN, zero training steps: what SimCLR has to beat.',
  };
}

/** The probe accuracy by regime, one series per encoder: ours (mean ± std) and the paper's readings. */
function regimesCurves(s: RegimesSetting): CurveInput[] {
  const { rows, columns, published } = s.suite;
  const series: CurveInput['series'] = [];
  for (const row of rows) {
    series.push({
      name: `${label(ENCODER_LABELS, row)} (ours)`,
      source: 'ours',
      points: columns.map((column, i) => {
        const vs = s.all.filter((v) => v.row === row && v.column === column).map((v) => v.probe);
        return { x: i + 1, y: meanOf(vs), yStd: sampleStdOf(vs) };
      }),
    });
    const paperRow = published[row];
    if (paperRow !== undefined)
      series.push({
        name: `${label(ENCODER_LABELS, row)} (paper, approx.)`,
        source: 'paper',
        points: columns.flatMap((c, i) => (paperRow[c] ? [{ x: i + 1, y: paperRow[c]!.mean }] : [])),
      });
  }
  const regimes = columns.map((c, i) => `${i + 1} = ${label(REGIME_LABELS, c)}`).join(', ');
  return [
    {
      id: `${s.data.kind}-probe-by-regime`,
      title: `Linear-probe accuracy (%) on ${s.dataset} by augmentation regime (${regimes})`,
      x: 'augmentation regime',
      y: 'probe accuracy (%)',
      series,
    },
  ];
}

/** The gallery of positive pairs each regime makes of the first run's images, and the image shape. */
function regimesGallery(s: RegimesSetting): { gallery: ImageGalleryInput; shape: readonly number[] } {
  const regimes = s.suite.columns.map((c) => regimeOf(s, c));
  return galleryImages(s.first, (images, inputShape) => ({
    gallery: augmentationGallery(images, regimes, s.dataset),
    shape: inputShape,
  }));
}

/** The environment: the generic one, then the data, encoders, training and evaluation setting. */
function regimesEnvironment(s: RegimesSetting, shape: readonly number[]): Record<string, unknown> {
  const { suite, spec0, data } = s;
  const params = suite.rows.map(
    (r) =>
      `${label(ENCODER_LABELS, r)} ${(s.reference.get(r)?.[0]?.parameters ?? Number.NaN).toLocaleString('en-US')} parameters`,
  );
  return {
    ...s.generic.environment,
    suite: suite.id,
    preset: s.preset,
    dataset: s.dataset,
    ...(data.path !== undefined ? { data: data.path } : {}),
    train: s.trainN,
    test: data.test,
    imageShape: [...shape],
    encoders: `${s.encoderSize} size: ${params.join('; ')}; L2-normalised embedding, no projection head`,
    regimes: suite.columns.map((c) => label(REGIME_LABELS, regimeOf(s, c))),
    loss: `${spec0.loss.kind === 'nt-xent' ? 'NT-Xent (SimCLR)' : spec0.loss.kind}, τ = ${(spec0.loss as { tau?: number }).tau}`,
    optimizer: `${spec0.train.optimizer.kind}, lr ${spec0.train.optimizer.lr}`,
    batchSize: spec0.train.batch,
    steps: spec0.train.iterations,
    epochs: s.epochs,
    seeds: s.seeds,
    probe: `multinomial logistic regression on frozen embeddings, full-batch Adam, ${probeEpochs(spec0)} epochs`,
    knn: `cosine k-NN, k = ${knnK(spec0)}, majority vote`,
    trainingSeconds: Number(s.runs.reduce((a, r) => a + (r.meta.summary?.seconds ?? 0), 0).toFixed(1)),
  };
}
