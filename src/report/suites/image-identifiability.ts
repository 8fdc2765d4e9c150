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
import type { CellResult, ReportInput, TableInput } from '../types.js';
import type { SuiteReportBuilder, SuiteRunData } from './index.js';
import { untrainedMetrics } from './untrained.js';

/** Principal components of the raw pixels for the readout reference. */
export const PIXEL_COMPONENTS = 32;
const ROW_LABELS: Record<string, string> = { cnn: 'CNN', mlp: 'MLP' };
const FACTORS = ['x-position', 'y-position', 'hue'];
const rowLabel = (r: string): string => ROW_LABELS[r] ?? r;

interface Scores {
  r2: number;
  r2PerDim: number[];
  mcc: number;
  ape: number;
}

interface Cell extends Scores {
  row: string;
  column: string;
  seed: number;
  id: string;
  finalLoss: number;
}

const scoresOf = (m: Record<string, number>): Scores => ({
  r2: m['r2'] ?? Number.NaN,
  r2PerDim: [0, 1, 2].map((j) => m[`r2_${j}`] ?? Number.NaN),
  mcc: m['mcc'] ?? Number.NaN,
  ape: m['ape'] ?? Number.NaN,
});

const meanStd = (v: number[]): { mean: number; std: number } => {
  const m = v.length === 0 ? Number.NaN : v.reduce((p, q) => p + q, 0) / v.length;
  const s = v.length > 1 ? Math.sqrt(v.reduce((p, q) => p + (q - m) ** 2, 0) / (v.length - 1)) : 0;
  return { mean: m, std: s };
};
const fmt = (v: number[], d = 3): string => {
  const { mean, std } = meanStd(v);
  return `${mean.toFixed(d)} ± ${std.toFixed(d)}`;
};

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

type MetricKey = 'r2' | 'mcc' | 'ape';
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

export const imageIdentifiabilityReport: SuiteReportBuilder = ({ suite, preset, runs, generic }): ReportInput => {
  const specs = new Map<string, RunSpec>(runs.map((r) => [r.meta.id, readRunFolder(r.meta.dir).run]));
  const cells: Cell[] = runs
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
  const rows = suite.rows;
  const columns = suite.columns;
  const seeds = [...new Set(cells.map((c) => c.seed))].sort((a, b) => a - b);
  const first = specs.values().next().value;
  const claim = suite.claim ? [`Claim tested: ${suite.claim}`] : [];
  if (first === undefined)
    return { ...generic, notes: [...claim, `Suite ${suite.id}, preset '${preset}': no finished runs yet.`] };

  // References: the untrained encoders (per row and seed) and the pixel readout (per seed).
  const untrained = new Map<string, Scores[]>();
  for (const row of rows) {
    const done = new Set<number>();
    for (const r of runs.filter((x) => x.row === row).sort((a, b) => a.meta.seed - b.meta.seed)) {
      if (done.has(r.meta.seed)) continue;
      done.add(r.meta.seed);
      untrained.set(row, [...(untrained.get(row) ?? []), scoresOf(untrainedMetrics(specs.get(r.meta.id)!).metrics)]);
    }
  }
  const pixelReadout = seeds.map((seed) => shapesPixelReadout([...specs.values()].find((s) => s.seed === seed)!));
  const poleDifference = shapePoleDifference();

  const cell = (row: string, column: string): Cell[] => cells.filter((c) => c.row === row && c.column === column);
  const v = (row: string, column: string, k: MetricKey): number[] => cell(row, column).map((c) => c[k]);
  const m = (row: string, column: string, k: MetricKey): number => meanStd(v(row, column, k)).mean;
  const dim = (row: string, column: string, j: number): number =>
    meanStd(cell(row, column).map((c) => c.r2PerDim[j] ?? Number.NaN)).mean;
  const perDim = (row: string, column: string): string =>
    [0, 1, 2].map((j) => dim(row, column, j).toFixed(2)).join(' / ');

  const spec0 = first.spec;
  const enc = (row: string): string => JSON.stringify(suite.cells.find((c) => c.row === row)?.spec.encoder ?? {});
  const evalSamples = spec0.eval.samples;
  const tables: TableInput[] = METRICS.map((metric) => {
    const ours: CellResult[] = rows.flatMap((row) =>
      columns.map((column) => {
        const sel = cell(row, column);
        return { row: rowLabel(row), column, values: sel.map((c) => c[metric.key]), runIds: sel.map((c) => c.id) };
      }),
    );
    return {
      id: `image-identifiability-${metric.key}`,
      title: metric.title,
      metric: metric.name,
      rows: rows.map(rowLabel),
      columns: [...columns],
      ours,
      published: {},
      note: `${metric.note} ${evalSamples} held-out rendered images; mean ± std over ${seeds.length} seed(s). The paper has no numbers for this study (it could not measure identifiability on images).`,
    };
  });
  tables.push({
    id: 'image-identifiability-r2-per-factor',
    title: 'Held-out R² per latent factor (z₀ x-position, z₁ y-position, z₂ hue)',
    metric: 'R²',
    rows: rows.map(rowLabel),
    columns: columns.flatMap((c) => FACTORS.map((f) => `${c}: ${f}`)),
    ours: rows.flatMap((row) =>
      columns.flatMap((column) =>
        FACTORS.map((f, j) => {
          const sel = cell(row, column);
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
  });

  const notes: string[] = [...claim];
  notes.push(
    'Claim tested in detail (Paper A, synthetic finding, here on pixels): when positive pairs satisfy the diversity condition (vMF around the anchor, full support), InfoNCE recovers the latents up to an orthogonal map (R² ≈ 1, APE ≈ 0); ' +
      'when the first latent coordinate is held fixed in every pair (restricted vMF), identifiability is lost and R² collapses; a stronger architectural inductive bias can compensate in part. ' +
      'The paper tested this only with latents fed to encoders directly (x = g(z) in R^3..R^7); it had no ground truth on images.',
  );
  const loss = spec0.loss as { tau?: number; count?: number };
  notes.push(
    `Setup (ours): z uniform on S²; image = render(x-position = (z₀+1)/2, y-position = (z₁+1)/2, object hue = (z₂+1)/2; size 0.5, rotation 0, background hue 0.6), 3×32×32. ` +
      `InfoNCE with ${loss.count ?? spec0.train.batch} shared uniform negatives (one fresh batch per step), τ = ${loss.tau}, κ = 1/τ; batch ${spec0.train.batch} anchors; ${spec0.train.optimizer.kind} lr ${spec0.train.optimizer.lr}, ${spec0.train.iterations} steps; ` +
      `encoders ${rows.map((r) => `${rowLabel(r)} = ${enc(r)}`).join(', ')}; L2-normalised 3-d outputs on S². ` +
      `Violated = restricted vMF with the first coordinate (the x-position) fixed in each pair. Seeds ${seeds.join(', ')}. ` +
      `Far fewer steps and smaller batches than the paper's synthetic runs (5000 steps, batch 2000, 2000 negatives): a CPU budget.`,
  );
  const has = (row: string): boolean => rows.includes(row);
  if (has('cnn') && has('mlp') && columns.includes('holds') && columns.includes('violated')) {
    notes.push(
      `Ours, R² (held-out) — CNN: holds ${fmt(v('cnn', 'holds', 'r2'))}, violated ${fmt(v('cnn', 'violated', 'r2'))}; MLP: holds ${fmt(v('mlp', 'holds', 'r2'))}, violated ${fmt(v('mlp', 'violated', 'r2'))}. ` +
        `MCC — CNN ${fmt(v('cnn', 'holds', 'mcc'))} / ${fmt(v('cnn', 'violated', 'mcc'))}; MLP ${fmt(v('mlp', 'holds', 'mcc'))} / ${fmt(v('mlp', 'violated', 'mcc'))}. ` +
        `APE — CNN ${fmt(v('cnn', 'holds', 'ape'))} / ${fmt(v('cnn', 'violated', 'ape'))}; MLP ${fmt(v('mlp', 'holds', 'ape'))} / ${fmt(v('mlp', 'violated', 'ape'))} (holds / violated). ` +
        `Final training loss (mean of the last ≤ 100 steps) — CNN ${fmt(cell('cnn', 'holds').map((c) => c.finalLoss))} / ${fmt(cell('cnn', 'violated').map((c) => c.finalLoss))}; MLP ${fmt(cell('mlp', 'holds').map((c) => c.finalLoss))} / ${fmt(cell('mlp', 'violated').map((c) => c.finalLoss))}: a lower loss within a column with a worse R² would be the paper's point; a higher loss with a worse R² means under-training.`,
    );
  }
  notes.push(
    `References: a linear readout of the raw pixels (top ${PIXEL_COMPONENTS} principal components → z, held-out) reaches R² ${fmt(pixelReadout.map((p) => p.r2))} ` +
      `(per coordinate x / y / hue: ${[0, 1, 2].map((j) => meanStd(pixelReadout.map((p) => p.r2PerDim[j] ?? Number.NaN)).mean.toFixed(2)).join(' / ')}); ` +
      `the untrained encoders (the weights each run started from, eval mode) reach R² ${rows.map((r) => `${rowLabel(r)} ${fmt((untrained.get(r) ?? []).map((s) => s.r2))}`).join(', ')}. Training should be judged against these.`,
  );
  for (const column of columns)
    notes.push(
      `Per-coordinate held-out R² (z₀ x-position / z₁ y-position / z₂ hue), ${column}: ${rows.map((r) => `${rowLabel(r)} ${perDim(r, column)}`).join('; ')}.`,
    );
  const lost: string[] = [];
  for (const column of columns)
    for (const row of rows) {
      const low = [0, 1, 2].filter((j) => dim(row, column, j) < 0.5).map((j) => FACTORS[j]);
      if (low.length > 0) lost.push(`${rowLabel(row)} ${column}: ${low.join(', ')}`);
    }
  notes.push(
    lost.length > 0
      ? `Coordinates NOT recovered (held-out R² < 0.5): ${lost.join('; ')}. The aggregate R² is the mean of the three coordinates, so one lost factor caps it near 0.67; read the aggregate together with this breakdown.`
      : 'Every coordinate is recovered with held-out R² ≥ 0.5 in every cell.',
  );
  notes.push(
    `Invisible direction of the renderer: hue is periodic (hue 0 and hue 1 are the same colour) and at z₂ = ±1 the object is centred, so the north and south poles render to the same image ` +
      `(max pixel difference ${poleDifference.toExponential(1)}). The map z ↦ image is injective everywhere else but glues the two poles, so no encoder can be exactly orthogonal near them; ` +
      `points near the poles (|z₂| → 1) are the hardest to separate. The per-coordinate R² of z₂ above measures what this costs.`,
  );
  if (has('cnn') && has('mlp') && columns.includes('holds') && columns.includes('violated')) {
    const gap = (row: string): number => m(row, 'holds', 'r2') - m(row, 'violated', 'r2');
    const collapse = gap('cnn') > 0.2 && gap('mlp') > 0.2;
    const cnnBetter = m('cnn', 'violated', 'r2') > m('mlp', 'violated', 'r2');
    const holdsHigh = m('cnn', 'holds', 'r2') > 0.9 && m('mlp', 'holds', 'r2') > 0.9;
    const fixedKept = ['cnn', 'mlp'].every((row) => dim(row, 'violated', 0) > 0.9);
    const varyingLost = ['cnn', 'mlp'].every((row) => dim(row, 'violated', 1) < 0.5 && dim(row, 'violated', 2) < 0.5);
    const cnnHue = dim('cnn', 'holds', 2);
    notes.push(
      `What the evidence shows: with diversity, R² is ${holdsHigh ? 'high for both encoders (≥ 0.9): the latents are recovered from pixels up to an affine (near-orthogonal, by APE) map' : `CNN ${m('cnn', 'holds', 'r2').toFixed(2)} and MLP ${m('mlp', 'holds', 'r2').toFixed(2)} — not the paper's ≈ 1 at this budget`}. ` +
        `With the x-position fixed in pairs, R² ${collapse ? 'drops sharply for both encoders' : 'does not collapse for both encoders'} (CNN −${gap('cnn').toFixed(2)}, MLP −${gap('mlp').toFixed(2)}), ` +
        `and the CNN ${cnnBetter ? 'keeps more' : 'does NOT keep more'} of the latents than the MLP under violation (R² ${m('cnn', 'violated', 'r2').toFixed(2)} vs ${m('mlp', 'violated', 'r2').toFixed(2)}). ` +
        (collapse
          ? "This matches the direction of the paper's synthetic finding. "
          : "Where this differs from the paper, the short CPU budget (few steps, small batches) and the renderer (a nonlinear g with a glued pair of poles) are the first suspects; the paper's numbers come from x = g(z) in low dimension with 5000 steps of batch 2000. ") +
        (fixedKept && varyingLost
          ? "Which factor is lost under violation: NOT the fixed one. The x-position (held fixed in pairs) is kept (R² > 0.9) and the coordinates that vary within pairs (y-position, hue) are lost: perfect alignment is reached by encoding only what positives share, and the shared negatives do not force the rest back. This is the extreme of the paper's h_λ (the varying part v shrunk, λ → 0), not a rotation of all coordinates. "
          : "Which factor is lost under violation: see the per-coordinate R² above (the paper's h_λ predicts the varying coordinates, not the fixed one, lose weight). ") +
        (cnnHue < 0.5
          ? `Surprise: with diversity the CNN recovers position but not hue (R² ${cnnHue.toFixed(2)}) — under-training of colour at this budget (BatchNorm + small width, ${spec0.train.iterations} steps), not a lower-loss alternative solution; so at this budget the CNN's inductive bias favours spatial factors rather than compensating.`
          : ''),
    );
  }
  if (seeds.length === 1)
    notes.push('One seed, so no spread is shown (± 0.000); use the full preset for seed variation.');
  notes.push(
    "How these runs differ from the original study loop: every cell trains through the one trainer — the initial weights come from the run's init stream, the training latents from its data stream (the same for both encoders of a seed, as before), the held-out set from its eval stream and the R² split from its metric stream; the final loss is the mean of the last ≤ 100 steps (the original: the last 10 % of steps). The numbers differ from the original study's in these random draws, not in the setting.",
  );
  return {
    title: suite.title,
    generatedAt: new Date().toISOString(),
    environment: {
      ...generic.environment,
      suite: suite.id,
      preset,
      seeds: seeds.join(', '),
      steps: spec0.train.iterations,
      batch: spec0.train.batch,
      negatives: loss.count ?? spec0.train.batch,
      tau: loss.tau,
      evalSamples,
      pixelComponents: PIXEL_COMPONENTS,
      encoders: rows.map((r) => `${rowLabel(r)} ${enc(r)}`).join('; '),
      loss: 'InfoNCE (shared uniform negatives)',
      embedDim: 3,
      trainingSeconds: Number(runs.reduce((a, r) => a + (r.meta.summary?.seconds ?? 0), 0).toFixed(1)),
    },
    tables,
    curves: [],
    lossCurves: generic.lossCurves,
    latentViews: generic.latentViews,
    theory: [],
    notes,
  };
};
