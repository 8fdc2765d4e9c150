// Image identifiability with known latents (issue 6, item 5): Paper A's synthetic finding — with
// the diversity condition InfoNCE recovers the latents up to an orthogonal map (R² ≈ 1); with the
// first coordinate held fixed in positive pairs, R² collapses — tested on pixels, where the paper
// (CIFAR-10, no ground truth) could only look at probe accuracy.
//
// Per seed s and condition c ∈ {holds, violated} (all randomness from Generators seeded from s):
//   latents   z ~ uniform on S²; images x = renderShapes(fromSphere(z)) (src/data/shapes.ts:
//             x-position = (z₀+1)/2, y-position = (z₁+1)/2, hue = (z₂+1)/2; size, rotation and
//             background hue fixed), 3×32×32.
//   positives holds: z~ ~ vMF(z, κ = 1/τ) (full support); violated: restricted vMF with the first
//             coordinate fixed (Paper A, Alg. 13, d_fixed = 1: the x-position never changes in a pair).
//   negatives one fresh batch of M uniform latents per step, rendered and shared by all anchors
//             (Paper A's standard runs).
//   loss      InfoNCE with explicit negatives, τ = 0.3.
//   encoders  CNN: ResNet-18 in CIFAR form at a small width; MLP: a pixel MLP (Linear → ReLU →
//             BatchNorm1d blocks). Both end in a 3-d L2-normalised embedding, so f(x) ∈ S² is
//             compared with z directly. Adam; anchors, positives and negatives go through the
//             encoder as one batch (BatchNorm statistics over all of them).
//             Both encoders of a (seed, condition) see the same stream of training latents.
//   metrics   on a held-out sample of uniform latents (encoder in eval mode): R² of the affine map
//             ẑ → z (fitted on half, scored on the other half), MCC (Hungarian-matched |Pearson|),
//             APE (mean |z_i·z_j − ẑ_i·ẑ_j|).
// References (not trained): R² of z from the top principal components of the raw pixels (is z
// linearly readable from pixels at all?), and the same metrics of the untrained encoders.
//
// A known blind spot of the renderer: hue = (z₂+1)/2 is periodic (hue 0 and hue 1 are the same
// colour) and at z₂ = ±1 the object sits in the centre, so the north and south poles render to the
// same image. Every other pair of distinct latents gives distinct images; the report measures how
// much this costs (per-coordinate R²).
import { createImageEncoder, imageEncoderPreset, type ImageEncoder } from '../encoders/image/index.js';
import { fromSphere, renderShapes } from '../data/shapes.js';
import { RestrictedVonMisesFisher, UniformSphere, VonMisesFisher, type Conditional } from '../latent/index.js';
import { infoNCE } from '../losses/infonce.js';
import { ape, mcc, r2 } from '../metrics/index.js';
import { Adam } from '../optim/index.js';
import { cat, Generator, getNumThreads, linalg, noGrad, scope, tensor, withNumThreads, type Tensor } from '../torch/index.js';
import type { CellResult, LatentViewInput, LossCurveInput, ReportInput, TableInput } from '../report/types.js';
import type { Study, StudyOptions } from '../experiments/study.js';

/** The sizes of one run of the study (a preset, or tiny ones in tests). */
export interface ImageIdentifiabilitySizes {
  seeds: number[];
  /** Training steps of every encoder. */
  steps: number;
  /** Anchors (and positives) per step. */
  batch: number;
  /** Shared uniform negatives per step. */
  negatives: number;
  /** InfoNCE temperature; κ = 1/τ. */
  tau: number;
  /** Adam learning rate. */
  lr: number;
  /** Base width of the ResNet-18 (64 in the paper). */
  resnetWidth: number;
  /** Hidden widths of the pixel MLP. */
  mlpHidden: number[];
  /** Coordinates held fixed in positive pairs when diversity is violated. */
  fixedDims: number;
  /** Held-out evaluation latents. */
  evalSamples: number;
  /** Principal components of the raw pixels for the pixel readout reference. */
  pcaComponents: number;
  /** Record the training loss every this many steps. */
  logEvery: number;
  /** Points per latent view. */
  viewPoints: number;
}

export const IMAGE_IDENTIFIABILITY_PRESETS: Record<'quick' | 'full', ImageIdentifiabilitySizes> = {
  quick: {
    seeds: [0],
    steps: 500,
    batch: 64,
    negatives: 128,
    tau: 0.3,
    lr: 1e-3,
    resnetWidth: 8,
    mlpHidden: [256, 256],
    fixedDims: 1,
    evalSamples: 2000,
    pcaComponents: 32,
    logEvery: 10,
    viewPoints: 500,
  },
  full: {
    seeds: [0, 1, 2],
    steps: 2000,
    batch: 128,
    negatives: 256,
    tau: 0.3,
    lr: 1e-3,
    resnetWidth: 8,
    mlpHidden: [512, 256],
    fixedDims: 1,
    evalSamples: 4000,
    pcaComponents: 32,
    logEvery: 20,
    viewPoints: 800,
  },
};

export const IMAGE_IDENTIFIABILITY_ROWS = ['CNN', 'MLP'] as const;
export type ImageIdentifiabilityRow = (typeof IMAGE_IDENTIFIABILITY_ROWS)[number];
export const IMAGE_IDENTIFIABILITY_COLUMNS = ['holds', 'violated'] as const;
export type ImageIdentifiabilityColumn = (typeof IMAGE_IDENTIFIABILITY_COLUMNS)[number];

/** Identifiability scores of one encoder on the held-out sample. */
export interface IdentifiabilityScores {
  r2: number;
  /** Held-out R² of each latent coordinate z₀ (x-position), z₁ (y-position), z₂ (hue). */
  r2PerDim: number[];
  mcc: number;
  ape: number;
}

/** One trained encoder (one cell of one seed). */
export interface ImageIdentifiabilityRun extends IdentifiabilityScores {
  seed: number;
  row: ImageIdentifiabilityRow;
  column: ImageIdentifiabilityColumn;
  runId: string;
  /** Mean training loss over the last 10 % of steps. */
  finalLoss: number;
  /** The same scores before training (random initialisation, same weights). */
  untrained: IdentifiabilityScores;
  seconds: number;
}

export interface ImageIdentifiabilityResult {
  report: ReportInput;
  runs: ImageIdentifiabilityRun[];
  /** Per seed: held-out R² of z from the top principal components of the raw pixels. */
  pixelReadout: { seed: number; r2: number; r2PerDim: number[] }[];
  /** Max |pixel difference| between the renders of the north and south poles (0: the same image). */
  poleDifference: number;
  seconds: number;
}

const runIdOf = (seed: number, row: ImageIdentifiabilityRow, column: ImageIdentifiabilityColumn): string =>
  `image-identifiability/${row.toLowerCase()}-${column}-seed-${seed}`;

function checkSizes(s: ImageIdentifiabilitySizes): void {
  const fn = 'runImageIdentifiability()';
  const int = (name: string, v: number, min: number): void => {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${v}`);
  };
  if (s.seeds.length < 1) throw new RangeError(`${fn}: need at least one seed`);
  int('steps', s.steps, 1);
  int('batch', s.batch, 2);
  int('negatives', s.negatives, 1);
  int('resnetWidth', s.resnetWidth, 1);
  int('evalSamples', s.evalSamples, 8);
  int('logEvery', s.logEvery, 1);
  int('viewPoints', s.viewPoints, 1);
  int('pcaComponents', s.pcaComponents, 3);
  if (s.pcaComponents >= s.evalSamples / 2) throw new RangeError(`${fn}: pcaComponents (${s.pcaComponents}) must be below evalSamples / 2`);
  if (s.fixedDims !== 1) throw new RangeError(`${fn}: fixedDims must be 1 on S² (the restricted vMF needs 2 varying coordinates), got ${s.fixedDims}`);
  if (!(s.tau > 0)) throw new RangeError(`${fn}: tau must be > 0, got ${s.tau}`);
}

/** Images [n, 3, 32, 32] of latents z [n, 3] on S². */
export function renderSphere(z: Tensor): Tensor {
  return scope(() => renderShapes(fromSphere(z)));
}

/** f(images) in eval mode, without gradients, in chunks. */
function embed(net: ImageEncoder, images: Tensor, chunk = 500): Tensor {
  return noGrad(() =>
    scope(() => {
      const parts: Tensor[] = [];
      for (let start = 0; start < images.size(0); start += chunk) parts.push(net.forward(images.narrow(0, start, Math.min(chunk, images.size(0) - start))));
      return cat(parts, 0);
    }),
  );
}

function scores(z: Tensor, zHat: Tensor, gSplit: Generator): IdentifiabilityScores {
  const r = r2(z, zHat, { testFraction: 0.5, gen: gSplit });
  return { r2: r.r2, r2PerDim: r.perDim, mcc: mcc(z, zHat).mcc, ape: ape(z, zHat).ape };
}

/** Held-out R² of z from the top `k` principal components of the raw pixels (a linear readout). */
export function pixelReadoutR2(z: Tensor, images: Tensor, k: number, gSplit: Generator): { r2: number; r2PerDim: number[] } {
  return scope(() => {
    const x = images.reshape(images.size(0), -1).to('float64');
    const centred = x.sub(x.mean([0], true));
    const { U, S } = linalg.svd(centred, false);
    const pcs = U.narrow(1, 0, k).mul(S.narrow(0, 0, k));
    const r = r2(z, pcs, { testFraction: 0.5, gen: gSplit });
    return { r2: r.r2, r2PerDim: r.perDim };
  });
}

function rows(t: Tensor, n: number): number[][] {
  const m = t.narrow(0, 0, n).to('float64');
  const flat = m.toArray();
  const d = m.size(1);
  return Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d));
}

function makeEncoder(row: ImageIdentifiabilityRow, sizes: ImageIdentifiabilitySizes, gen: Generator): ImageEncoder {
  const spec =
    row === 'CNN'
      ? imageEncoderPreset('resnet18', 'cpu', { width: sizes.resnetWidth, embedDim: 3 })
      : imageEncoderPreset('pixel-mlp', 'cpu', { hidden: [...sizes.mlpHidden], embedDim: 3 });
  return createImageEncoder(spec, gen);
}

interface TrainedCell {
  run: ImageIdentifiabilityRun;
  curve: { step: number; loss: number }[];
  recovered: number[][];
}

function trainCell(
  seed: number,
  row: ImageIdentifiabilityRow,
  column: ImageIdentifiabilityColumn,
  sizes: ImageIdentifiabilitySizes,
  evalSet: { z: Tensor; images: Tensor },
  g: (role: number) => Generator,
): TrainedCell {
  const t0 = performance.now();
  const marginal = new UniformSphere(3);
  const conditional: Conditional = column === 'holds' ? new VonMisesFisher({ kappa: 1 / sizes.tau }) : new RestrictedVonMisesFisher({ kappa: 1 / sizes.tau, fixedDims: sizes.fixedDims });
  const loss = infoNCE({ tau: sizes.tau });
  // Same initial weights for both conditions; same training latents for both encoders.
  const net = makeEncoder(row, sizes, g(row === 'CNN' ? 1 : 2));
  const opt = new Adam(net.parameters(), { lr: sizes.lr });
  const columnRole = column === 'holds' ? 10 : 11;
  try {
    const untrained = scope(() => {
      net.eval();
      return scores(evalSet.z, embed(net, evalSet.images), g(20));
    });
    net.train();
    const gData = g(columnRole);
    const { batch: B, negatives: M } = sizes;
    const losses: number[] = [];
    const curve: { step: number; loss: number }[] = [];
    for (let step = 1; step <= sizes.steps; step++) {
      const value = scope(() => {
        const { z, zp, zn } = noGrad(() => {
          const za = marginal.sample(B, gData);
          return { z: za, zp: conditional.sample(za, gData), zn: marginal.sample(M, gData) };
        });
        const x = noGrad(() => renderSphere(cat([z, zp, zn], 0)));
        const e = net.forward(x);
        const out = loss({ anchors: e.narrow(0, 0, B), positives: e.narrow(0, B, B), negatives: e.narrow(0, 2 * B, M) }).loss;
        opt.zeroGrad();
        out.backward();
        opt.step();
        return out.item();
      });
      losses.push(value);
      if (step === 1 || step % sizes.logEvery === 0) curve.push({ step, loss: value });
    }
    const tail = losses.slice(Math.floor(losses.length * 0.9));
    const finalLoss = tail.reduce((p, q) => p + q, 0) / tail.length;
    return scope(() => {
      net.eval();
      const zHat = embed(net, evalSet.images);
      const s = scores(evalSet.z, zHat, g(20)); // same split as the untrained scores
      const recovered = rows(zHat, Math.min(sizes.viewPoints, evalSet.z.size(0)));
      return {
        run: { seed, row, column, runId: runIdOf(seed, row, column), finalLoss, untrained, ...s, seconds: (performance.now() - t0) / 1000 },
        curve,
        recovered,
      };
    });
  } finally {
    opt.dispose();
    net.dispose();
  }
}

const meanStd = (v: number[]): { mean: number; std: number } => {
  const m = v.reduce((p, q) => p + q, 0) / v.length;
  const s = v.length > 1 ? Math.sqrt(v.reduce((p, q) => p + (q - m) ** 2, 0) / (v.length - 1)) : 0;
  return { mean: m, std: s };
};
const fmt = (v: number[], d = 3): string => {
  const { mean, std } = meanStd(v);
  return `${mean.toFixed(d)} ± ${std.toFixed(d)}`;
};

type MetricKey = 'r2' | 'mcc' | 'ape';
const METRICS: { key: MetricKey; name: string; title: string; note: string }[] = [
  { key: 'r2', name: 'R²', title: 'R² of z from f(x) (affine, held-out)', note: 'Held-out R² of the affine regression ẑ → z (1 = z is an affine function of the embedding).' },
  { key: 'mcc', name: 'MCC', title: 'MCC of f(x) against z', note: 'Mean |Pearson correlation| after Hungarian matching of coordinates (1 = each coordinate recovered up to sign and scale, axis-aligned).' },
  { key: 'ape', name: 'APE', title: 'APE of f(x) against z', note: 'Mean |z_i·z_j − ẑ_i·ẑ_j| over pairs (0 = an isometry of the sphere).' },
];

function buildTables(runs: ImageIdentifiabilityRun[], sizes: ImageIdentifiabilitySizes): TableInput[] {
  return METRICS.map((m) => {
    const ours: CellResult[] = [];
    for (const row of IMAGE_IDENTIFIABILITY_ROWS)
      for (const column of IMAGE_IDENTIFIABILITY_COLUMNS) {
        const cell = runs.filter((r) => r.row === row && r.column === column);
        ours.push({ row, column, values: cell.map((r) => r[m.key]), runIds: cell.map((r) => r.runId) });
      }
    return {
      id: `image-identifiability-${m.key}`,
      title: m.title,
      metric: m.name,
      rows: [...IMAGE_IDENTIFIABILITY_ROWS],
      columns: [...IMAGE_IDENTIFIABILITY_COLUMNS],
      ours,
      published: {},
      note: `${m.note} ${sizes.evalSamples} held-out rendered images; mean ± std over ${sizes.seeds.length} seed(s). The paper has no numbers for this study (it could not measure identifiability on images).`,
    };
  });
}

function buildNotes(result: Omit<ImageIdentifiabilityResult, 'report'>, sizes: ImageIdentifiabilitySizes): string[] {
  const { runs, pixelReadout, poleDifference } = result;
  const cell = (row: ImageIdentifiabilityRow, column: ImageIdentifiabilityColumn): ImageIdentifiabilityRun[] => runs.filter((r) => r.row === row && r.column === column);
  const v = (row: ImageIdentifiabilityRow, column: ImageIdentifiabilityColumn, k: MetricKey): number[] => cell(row, column).map((r) => r[k]);
  const m = (row: ImageIdentifiabilityRow, column: ImageIdentifiabilityColumn, k: MetricKey): number => meanStd(v(row, column, k)).mean;
  const perDim = (rs: ImageIdentifiabilityRun[], pick: (r: ImageIdentifiabilityRun) => number[]): string =>
    [0, 1, 2].map((j) => meanStd(rs.map((r) => pick(r)[j] ?? Number.NaN)).mean.toFixed(2)).join(' / ');
  const out: string[] = [];
  out.push(
    'Claim tested (Paper A, synthetic finding, here on pixels): when positive pairs satisfy the diversity condition (vMF around the anchor, full support), InfoNCE recovers the latents up to an orthogonal map (R² ≈ 1, APE ≈ 0); ' +
      'when the first latent coordinate is held fixed in every pair (restricted vMF), identifiability is lost and R² collapses; a stronger architectural inductive bias can compensate in part. ' +
      'The paper tested this only with latents fed to encoders directly (x = g(z) in R^3..R^7); it had no ground truth on images.',
  );
  out.push(
    `Setup (ours): z uniform on S²; image = render(x-position = (z₀+1)/2, y-position = (z₁+1)/2, object hue = (z₂+1)/2; size 0.5, rotation 0, background hue 0.6), 3×32×32. ` +
      `InfoNCE with ${sizes.negatives} shared uniform negatives (one fresh batch per step), τ = ${sizes.tau}, κ = 1/τ; batch ${sizes.batch} anchors; Adam lr ${sizes.lr}, ${sizes.steps} steps; ` +
      `CNN = ResNet-18 (CIFAR form) at width ${sizes.resnetWidth}; MLP = pixel MLP 3072 → ${sizes.mlpHidden.join(' → ')} → 3 (ReLU, BatchNorm1d); both L2-normalised to S². ` +
      `Violated = restricted vMF with the first ${sizes.fixedDims} coordinate (the x-position) fixed in each pair. Seeds ${sizes.seeds.join(', ')}. ` +
      `Far fewer steps and smaller batches than the paper's synthetic runs (5000 steps, batch 2000, 2000 negatives): a CPU budget.`,
  );
  out.push(
    `Ours, R² (held-out) — CNN: holds ${fmt(v('CNN', 'holds', 'r2'))}, violated ${fmt(v('CNN', 'violated', 'r2'))}; MLP: holds ${fmt(v('MLP', 'holds', 'r2'))}, violated ${fmt(v('MLP', 'violated', 'r2'))}. ` +
      `MCC — CNN ${fmt(v('CNN', 'holds', 'mcc'))} / ${fmt(v('CNN', 'violated', 'mcc'))}; MLP ${fmt(v('MLP', 'holds', 'mcc'))} / ${fmt(v('MLP', 'violated', 'mcc'))}. ` +
      `APE — CNN ${fmt(v('CNN', 'holds', 'ape'))} / ${fmt(v('CNN', 'violated', 'ape'))}; MLP ${fmt(v('MLP', 'holds', 'ape'))} / ${fmt(v('MLP', 'violated', 'ape'))} (holds / violated). ` +
      `Final training loss (mean of the last 10 % of steps) — CNN ${fmt(cell('CNN', 'holds').map((r) => r.finalLoss))} / ${fmt(cell('CNN', 'violated').map((r) => r.finalLoss))}; MLP ${fmt(cell('MLP', 'holds').map((r) => r.finalLoss))} / ${fmt(cell('MLP', 'violated').map((r) => r.finalLoss))}: a lower loss within a column with a worse R² would be the paper's point; a higher loss with a worse R² means under-training.`,
  );
  const untrained = (row: ImageIdentifiabilityRow): string => fmt(runs.filter((r) => r.row === row).map((r) => r.untrained.r2));
  out.push(
    `References: a linear readout of the raw pixels (top ${sizes.pcaComponents} principal components → z, held-out) reaches R² ${fmt(pixelReadout.map((p) => p.r2))} ` +
      `(per coordinate x / y / hue: ${[0, 1, 2].map((j) => meanStd(pixelReadout.map((p) => p.r2PerDim[j] ?? Number.NaN)).mean.toFixed(2)).join(' / ')}); ` +
      `the untrained encoders (random initialisation, eval mode) reach R² CNN ${untrained('CNN')}, MLP ${untrained('MLP')}. Training should be judged against these.`,
  );
  const names = ['x-position', 'y-position', 'hue'];
  const lost: string[] = [];
  for (const column of IMAGE_IDENTIFIABILITY_COLUMNS)
    for (const row of IMAGE_IDENTIFIABILITY_ROWS) {
      const rs = cell(row, column);
      const low = [0, 1, 2].filter((j) => meanStd(rs.map((r) => r.r2PerDim[j] ?? Number.NaN)).mean < 0.5).map((j) => names[j]);
      if (low.length > 0) lost.push(`${row} ${column}: ${low.join(', ')}`);
    }
  for (const column of IMAGE_IDENTIFIABILITY_COLUMNS)
    out.push(
      `Per-coordinate held-out R² (z₀ x-position / z₁ y-position / z₂ hue), ${column}: CNN ${perDim(cell('CNN', column), (r) => r.r2PerDim)}; MLP ${perDim(cell('MLP', column), (r) => r.r2PerDim)}.`,
    );
  out.push(
    lost.length > 0
      ? `Coordinates NOT recovered (held-out R² < 0.5): ${lost.join('; ')}. The aggregate R² is the mean of the three coordinates, so one lost factor caps it near 0.67; read the aggregate together with this breakdown.`
      : 'Every coordinate is recovered with held-out R² ≥ 0.5 in every cell.',
  );
  out.push(
    `Invisible direction of the renderer: hue is periodic (hue 0 and hue 1 are the same colour) and at z₂ = ±1 the object is centred, so the north and south poles render to the same image ` +
      `(max pixel difference ${poleDifference.toExponential(1)}). The map z ↦ image is injective everywhere else but glues the two poles, so no encoder can be exactly orthogonal near them; ` +
      `points near the poles (|z₂| → 1) are the hardest to separate. The per-coordinate R² of z₂ above measures what this costs.`,
  );
  const holdsGap = (row: ImageIdentifiabilityRow): number => m(row, 'holds', 'r2') - m(row, 'violated', 'r2');
  const collapse = holdsGap('CNN') > 0.2 && holdsGap('MLP') > 0.2;
  const cnnBetterViolated = m('CNN', 'violated', 'r2') > m('MLP', 'violated', 'r2');
  const holdsHigh = m('CNN', 'holds', 'r2') > 0.9 && m('MLP', 'holds', 'r2') > 0.9;
  out.push(
    `What the evidence shows: with diversity, R² is ${holdsHigh ? 'high for both encoders (≥ 0.9): the latents are recovered from pixels up to an affine (near-orthogonal, by APE) map' : `CNN ${m('CNN', 'holds', 'r2').toFixed(2)} and MLP ${m('MLP', 'holds', 'r2').toFixed(2)} — not the paper's ≈ 1 at this budget`}. ` +
      `With the x-position fixed in pairs, R² ${collapse ? 'drops sharply for both encoders' : 'does not collapse for both encoders'} (CNN −${holdsGap('CNN').toFixed(2)}, MLP −${holdsGap('MLP').toFixed(2)}), ` +
      `and the CNN ${cnnBetterViolated ? 'keeps more' : 'does NOT keep more'} of the latents than the MLP under violation (R² ${m('CNN', 'violated', 'r2').toFixed(2)} vs ${m('MLP', 'violated', 'r2').toFixed(2)}). ` +
      (collapse
        ? 'This matches the direction of the paper\'s synthetic finding. '
        : 'Where this differs from the paper, the short CPU budget (few steps, small batches) and the renderer (a nonlinear g with a glued pair of poles) are the first suspects; the paper\'s numbers come from x = g(z) in low dimension with 5000 steps of batch 2000. ') +
      (() => {
        const dim = (row: ImageIdentifiabilityRow, column: ImageIdentifiabilityColumn, j: number): number => meanStd(cell(row, column).map((r) => r.r2PerDim[j] ?? Number.NaN)).mean;
        const fixedKept = IMAGE_IDENTIFIABILITY_ROWS.every((row) => dim(row, 'violated', 0) > 0.9);
        const varyingLost = IMAGE_IDENTIFIABILITY_ROWS.every((row) => dim(row, 'violated', 1) < 0.5 && dim(row, 'violated', 2) < 0.5);
        const cnnHue = dim('CNN', 'holds', 2);
        return (
          (fixedKept && varyingLost
            ? 'Which factor is lost under violation: NOT the fixed one. The x-position (held fixed in pairs) is kept (R² > 0.9) and the coordinates that vary within pairs (y-position, hue) are lost: perfect alignment is reached by encoding only what positives share, and the shared negatives do not force the rest back. This is the extreme of the paper\'s h_λ (the varying part v shrunk, λ → 0), not a rotation of all coordinates. '
            : 'Which factor is lost under violation: see the per-coordinate R² above (the paper\'s h_λ predicts the varying coordinates, not the fixed one, lose weight). ') +
          (cnnHue < 0.5
            ? `Surprise: with diversity the CNN recovers position almost perfectly but not hue (R² ${cnnHue.toFixed(2)}), at a higher final loss than the MLP — under-training of colour at this budget (BatchNorm + small width, ${sizes.steps} steps), not a lower-loss alternative solution; so at this budget the CNN's inductive bias favours spatial factors rather than compensating.`
            : '')
        );
      })(),
  );
  if (sizes.seeds.length === 1) out.push('One seed, so no spread is shown (± 0.000); use the full preset for seed variation.');
  return out;
}

/** Runs the study at the given sizes: per-cell numbers and the report. */
export function runImageIdentifiability(sizes: ImageIdentifiabilitySizes, log: (message: string) => void = () => {}): ImageIdentifiabilityResult {
  checkSizes(sizes);
  const t0 = performance.now();
  const runs: ImageIdentifiabilityRun[] = [];
  const pixelReadout: ImageIdentifiabilityResult['pixelReadout'] = [];
  const lossCurves: LossCurveInput[] = [];
  const latentViews: LatentViewInput[] = [];
  const poleDifference = scope(() => {
    const poles = renderSphere(tensor([[0, 0, 1], [0, 0, -1]], [2, 3], 'float32'));
    return poles.select(0, 0).sub(poles.select(0, 1)).abs().max().item();
  });
  const total = sizes.seeds.length * IMAGE_IDENTIFIABILITY_ROWS.length * IMAGE_IDENTIFIABILITY_COLUMNS.length;
  let done = 0;
  for (const seed of sizes.seeds) {
    scope(() => {
      const g = (role: number): Generator => new Generator(1_000_003 * seed + role);
      const evalSet = noGrad(() => {
        const z = new UniformSphere(3).sample(sizes.evalSamples, g(3));
        return { z, images: renderSphere(z) };
      });
      const px = pixelReadoutR2(evalSet.z, evalSet.images, sizes.pcaComponents, g(4));
      pixelReadout.push({ seed, ...px });
      log(`image-identifiability: seed ${seed}: pixel PCA-${sizes.pcaComponents} readout R² ${px.r2.toFixed(3)}`);
      const truthView = rows(evalSet.z, Math.min(sizes.viewPoints, sizes.evalSamples));
      for (const column of IMAGE_IDENTIFIABILITY_COLUMNS)
        for (const row of IMAGE_IDENTIFIABILITY_ROWS) {
          const cell = trainCell(seed, row, column, sizes, evalSet, g);
          runs.push(cell.run);
          done++;
          const r = cell.run;
          log(
            `[${done}/${total}] ${row} ${column} seed ${seed}: R² ${r.r2.toFixed(3)} (untrained ${r.untrained.r2.toFixed(3)}; x/y/hue ${r.r2PerDim.map((q) => q.toFixed(2)).join('/')}) MCC ${r.mcc.toFixed(3)} APE ${r.ape.toFixed(3)} loss ${r.finalLoss.toFixed(3)} (${r.seconds.toFixed(1)} s)`,
          );
          if (seed === sizes.seeds[0]) {
            lossCurves.push({ runId: r.runId, label: `${row}, diversity ${column}`, points: cell.curve });
            latentViews.push({ runId: r.runId, label: `${row}, diversity ${column} (seed ${seed})`, truth: truthView, recovered: cell.recovered });
          }
        }
    });
  }
  const seconds = (performance.now() - t0) / 1000;
  const partial = { runs, pixelReadout, poleDifference, seconds };
  const report: ReportInput = {
    title: 'Image identifiability with known latents: CNN vs MLP, diversity holds vs violated (Paper A on pixels)',
    generatedAt: new Date().toISOString(),
    environment: {
      study: 'image-identifiability',
      ...sizes,
      seeds: sizes.seeds.join(', '),
      mlpHidden: sizes.mlpHidden.join(', '),
      loss: 'InfoNCE (shared uniform negatives)',
      embedDim: 3,
      threads: getNumThreads(),
      seconds: Math.round(seconds),
    },
    tables: buildTables(runs, sizes),
    curves: [],
    lossCurves,
    latentViews,
    theory: [],
    notes: buildNotes(partial, sizes),
  };
  return { report, ...partial };
}

export const imageIdentifiabilityStudy: Study = {
  id: 'image-identifiability',
  title: 'Image identifiability: rendered shapes with known latents (Paper A on pixels)',
  claim:
    'With diverse positive pairs (vMF), InfoNCE recovers the latents of rendered images up to an orthogonal map; with one latent held fixed in every pair, identifiability collapses — ' +
    'and the encoder\'s inductive bias (CNN vs pixel MLP) decides how much is kept.',
  run(options: StudyOptions): Promise<ReportInput> {
    const sizes = IMAGE_IDENTIFIABILITY_PRESETS[options.preset];
    const log = options.log ?? (() => {});
    log(
      `image-identifiability (${options.preset}): ${sizes.seeds.length} seed(s), ${sizes.steps} steps, batch ${sizes.batch}, ${sizes.negatives} negatives, τ ${sizes.tau}, ResNet width ${sizes.resnetWidth}, MLP ${sizes.mlpHidden.join('×')}`,
    );
    // Small tensors on a shared 2-core CPU: one intra-op thread measured 4–20× faster than two
    // (ResNet width 8, 256 images per step: 0.67 s vs 2.9 s per step under load); restored afterwards.
    return Promise.resolve(withNumThreads(1, () => runImageIdentifiability(sizes, log).report));
  },
};
