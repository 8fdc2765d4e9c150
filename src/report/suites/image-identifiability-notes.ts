// The notes of the image-identifiability report (image-identifiability.ts), claim first: the claim
// in detail and our setup, our scores, the references (pixel readout, untrained encoders), the
// per-coordinate breakdown and the coordinates lost, the renderer's blind spot, what the evidence
// shows and how these runs differ from the original study's.
import { encoderOf, FACTORS, fmt, meanStd, PIXEL_COMPONENTS, rowLabel } from './image-identifiability-cells.js';
import type { IdentifiabilitySetting } from './image-identifiability.js';

const CLAIM_IN_DETAIL =
  'Claim tested in detail (Paper A, synthetic finding, here on pixels): when positive pairs satisfy the diversity condition (vMF around the anchor, full support), InfoNCE recovers the latents up to an orthogonal map (R² ≈ 1, APE ≈ 0); ' +
  'when the first latent coordinate is held fixed in every pair (restricted vMF), identifiability is lost and R² collapses; a stronger architectural inductive bias can compensate in part. ' +
  'The paper tested this only with latents fed to encoders directly (x = g(z) in R^3..R^7); it had no ground truth on images.';

const HOW_THESE_RUNS_DIFFER =
  "How these runs differ from the original study loop: every cell trains through the one trainer — the initial weights come from the run's init stream, the training latents from its data stream (the same for both encoders of a seed, as before), the held-out set from its eval stream and the R² split from its metric stream; the final loss is the mean of the last ≤ 100 steps (the original: the last 10 % of steps). The numbers differ from the original study's in these random draws, not in the setting.";

/** The notes, claim first (see the header); the CNN-vs-MLP comparisons only when the full 2 × 2 grid ran. */
export function identifiabilityNotes(s: IdentifiabilitySetting): string[] {
  const full = fullGrid(s);
  return [
    ...(s.suite.claim ? [`Claim tested: ${s.suite.claim}`] : []),
    CLAIM_IN_DETAIL,
    setupNote(s),
    ...(full ? [scoresNote(s)] : []),
    referencesNote(s),
    ...s.suite.columns.map((column) => perCoordinateNote(s, column)),
    lostNote(s),
    blindSpotNote(s),
    ...(full ? [evidenceNote(s)] : []),
    ...(s.seeds.length === 1
      ? ['One seed, so no spread is shown (± 0.000); use the full preset for seed variation.']
      : []),
    HOW_THESE_RUNS_DIFFER,
  ];
}

/** Whether both encoders (cnn, mlp) ran under both conditions (holds, violated). */
function fullGrid(s: IdentifiabilitySetting): boolean {
  const { rows, columns } = s.suite;
  return rows.includes('cnn') && rows.includes('mlp') && columns.includes('holds') && columns.includes('violated');
}

/** Our setup: latents, renderer, loss, optimiser, encoders and seeds, against the paper's budget. */
function setupNote(s: IdentifiabilitySetting): string {
  const { spec0, loss } = s;
  return (
    `Setup (ours): z uniform on S²; image = render(x-position = (z₀+1)/2, y-position = (z₁+1)/2, object hue = (z₂+1)/2; size 0.5, rotation 0, background hue 0.6), 3×32×32. ` +
    `InfoNCE with ${loss.count ?? spec0.train.batch} shared uniform negatives (one fresh batch per step), τ = ${loss.tau}, κ = 1/τ; batch ${spec0.train.batch} anchors; ${spec0.train.optimizer.kind} lr ${spec0.train.optimizer.lr}, ${spec0.train.iterations} steps; ` +
    `encoders ${s.suite.rows.map((r) => `${rowLabel(r)} = ${encoderOf(s.suite, r)}`).join(', ')}; L2-normalised 3-d outputs on S². ` +
    `Violated = restricted vMF with the first coordinate (the x-position) fixed in each pair. Seeds ${s.seeds.join(', ')}. ` +
    `Far fewer steps and smaller batches than the paper's synthetic runs (5000 steps, batch 2000, 2000 negatives): a CPU budget.`
  );
}

/** Our R², MCC, APE and final loss of both encoders under both conditions, mean ± std. */
function scoresNote(s: IdentifiabilitySetting): string {
  const { values: v, runs } = s.grid;
  const loss = (row: string, column: string): string => fmt(runs(row, column).map((c) => c.finalLoss));
  return (
    `Ours, R² (held-out) — CNN: holds ${fmt(v('cnn', 'holds', 'r2'))}, violated ${fmt(v('cnn', 'violated', 'r2'))}; MLP: holds ${fmt(v('mlp', 'holds', 'r2'))}, violated ${fmt(v('mlp', 'violated', 'r2'))}. ` +
    `MCC — CNN ${fmt(v('cnn', 'holds', 'mcc'))} / ${fmt(v('cnn', 'violated', 'mcc'))}; MLP ${fmt(v('mlp', 'holds', 'mcc'))} / ${fmt(v('mlp', 'violated', 'mcc'))}. ` +
    `APE — CNN ${fmt(v('cnn', 'holds', 'ape'))} / ${fmt(v('cnn', 'violated', 'ape'))}; MLP ${fmt(v('mlp', 'holds', 'ape'))} / ${fmt(v('mlp', 'violated', 'ape'))} (holds / violated). ` +
    `Final training loss (mean of the last ≤ 100 steps) — CNN ${loss('cnn', 'holds')} / ${loss('cnn', 'violated')}; MLP ${loss('mlp', 'holds')} / ${loss('mlp', 'violated')}: a lower loss within a column with a worse R² would be the paper's point; a higher loss with a worse R² means under-training.`
  );
}

/** The references training is judged against: the pixel readout and the untrained encoders. */
function referencesNote(s: IdentifiabilitySetting): string {
  const px = s.pixelReadout;
  const pxPerDim = [0, 1, 2].map((j) => meanStd(px.map((p) => p.r2PerDim[j] ?? Number.NaN)).mean.toFixed(2));
  const untrained = s.suite.rows.map((r) => `${rowLabel(r)} ${fmt((s.untrained.get(r) ?? []).map((u) => u.r2))}`);
  return (
    `References: a linear readout of the raw pixels (top ${PIXEL_COMPONENTS} principal components → z, held-out) reaches R² ${fmt(px.map((p) => p.r2))} ` +
    `(per coordinate x / y / hue: ${pxPerDim.join(' / ')}); ` +
    `the untrained encoders (the weights each run started from, eval mode) reach R² ${untrained.join(', ')}. Training should be judged against these.`
  );
}

/** One condition's held-out R² per latent coordinate, for every encoder. */
function perCoordinateNote(s: IdentifiabilitySetting, column: string): string {
  const perDim = (row: string): string => [0, 1, 2].map((j) => s.grid.dim(row, column, j).toFixed(2)).join(' / ');
  return `Per-coordinate held-out R² (z₀ x-position / z₁ y-position / z₂ hue), ${column}: ${s.suite.rows.map((r) => `${rowLabel(r)} ${perDim(r)}`).join('; ')}.`;
}

/** The coordinates a cell does not recover (held-out R² < 0.5), which cap its aggregate R². */
function lostNote(s: IdentifiabilitySetting): string {
  const lost: string[] = [];
  for (const column of s.suite.columns)
    for (const row of s.suite.rows) {
      const low = [0, 1, 2].filter((j) => s.grid.dim(row, column, j) < 0.5).map((j) => FACTORS[j]);
      if (low.length > 0) lost.push(`${rowLabel(row)} ${column}: ${low.join(', ')}`);
    }
  return lost.length > 0
    ? `Coordinates NOT recovered (held-out R² < 0.5): ${lost.join('; ')}. The aggregate R² is the mean of the three coordinates, so one lost factor caps it near 0.67; read the aggregate together with this breakdown.`
    : 'Every coordinate is recovered with held-out R² ≥ 0.5 in every cell.';
}

/** The renderer's blind spot: both poles render to the same image. */
function blindSpotNote(s: IdentifiabilitySetting): string {
  return (
    `Invisible direction of the renderer: hue is periodic (hue 0 and hue 1 are the same colour) and at z₂ = ±1 the object is centred, so the north and south poles render to the same image ` +
    `(max pixel difference ${s.poleDifference.toExponential(1)}). The map z ↦ image is injective everywhere else but glues the two poles, so no encoder can be exactly orthogonal near them; ` +
    `points near the poles (|z₂| → 1) are the hardest to separate. The per-coordinate R² of z₂ above measures what this costs.`
  );
}

/** What the evidence shows: recovery with diversity, the drop under violation, the factor lost, the CNN's hue. */
function evidenceNote(s: IdentifiabilitySetting): string {
  const { mean: m } = s.grid;
  const gap = (row: string): number => m(row, 'holds', 'r2') - m(row, 'violated', 'r2');
  const collapse = gap('cnn') > 0.2 && gap('mlp') > 0.2;
  const cnnBetter = m('cnn', 'violated', 'r2') > m('mlp', 'violated', 'r2');
  const holdsHigh = m('cnn', 'holds', 'r2') > 0.9 && m('mlp', 'holds', 'r2') > 0.9;
  return (
    `What the evidence shows: with diversity, R² is ${holdsHigh ? 'high for both encoders (≥ 0.9): the latents are recovered from pixels up to an affine (near-orthogonal, by APE) map' : `CNN ${m('cnn', 'holds', 'r2').toFixed(2)} and MLP ${m('mlp', 'holds', 'r2').toFixed(2)} — not the paper's ≈ 1 at this budget`}. ` +
    `With the x-position fixed in pairs, R² ${collapse ? 'drops sharply for both encoders' : 'does not collapse for both encoders'} (CNN −${gap('cnn').toFixed(2)}, MLP −${gap('mlp').toFixed(2)}), ` +
    `and the CNN ${cnnBetter ? 'keeps more' : 'does NOT keep more'} of the latents than the MLP under violation (R² ${m('cnn', 'violated', 'r2').toFixed(2)} vs ${m('mlp', 'violated', 'r2').toFixed(2)}). ` +
    (collapse
      ? "This matches the direction of the paper's synthetic finding. "
      : "Where this differs from the paper, the short CPU budget (few steps, small batches) and the renderer (a nonlinear g with a glued pair of poles) are the first suspects; the paper's numbers come from x = g(z) in low dimension with 5000 steps of batch 2000. ") +
    lostFactorFinding(s) +
    cnnHueFinding(s)
  );
}

/** Which factor violation loses: the paper's h_λ predicts the varying ones, not the fixed one. */
function lostFactorFinding(s: IdentifiabilitySetting): string {
  const { dim } = s.grid;
  const fixedKept = ['cnn', 'mlp'].every((row) => dim(row, 'violated', 0) > 0.9);
  const varyingLost = ['cnn', 'mlp'].every((row) => dim(row, 'violated', 1) < 0.5 && dim(row, 'violated', 2) < 0.5);
  return fixedKept && varyingLost
    ? "Which factor is lost under violation: NOT the fixed one. The x-position (held fixed in pairs) is kept (R² > 0.9) and the coordinates that vary within pairs (y-position, hue) are lost: perfect alignment is reached by encoding only what positives share, and the shared negatives do not force the rest back. This is the extreme of the paper's h_λ (the varying part v shrunk, λ → 0), not a rotation of all coordinates. "
    : "Which factor is lost under violation: see the per-coordinate R² above (the paper's h_λ predicts the varying coordinates, not the fixed one, lose weight). ";
}

/** The CNN's hue with diversity, when it is not recovered: under-training, not an alternative solution. */
function cnnHueFinding(s: IdentifiabilitySetting): string {
  const cnnHue = s.grid.dim('cnn', 'holds', 2);
  return cnnHue < 0.5
    ? `Surprise: with diversity the CNN recovers position but not hue (R² ${cnnHue.toFixed(2)}) — under-training of colour at this budget (BatchNorm + small width, ${s.spec0.train.iterations} steps), not a lower-loss alternative solution; so at this budget the CNN's inductive bias favours spatial factors rather than compensating.`
    : '';
}
