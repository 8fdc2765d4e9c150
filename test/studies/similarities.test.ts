// The similarities suite (Paper B) at a tiny size: every cell trained by the one trainer into a run
// store, the report built by its builder — the variance tables next to the paper's CIFAR-100
// numbers, the curve, the notes — and the free-embedding theory holding: Thm 5.1's optimum, Thm
// 5.5's interval, VRNS lowering the variance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { resolveSpec } from '../../src/experiments/index.js';
import { loadSuite, type Suite, type SuiteCell } from '../../src/experiments/suite.js';
import { suiteReports } from '../../src/report/suites/index.js';
import { setNumThreads } from '../../src/torch/index.js';
import { tempDir } from '../util/temp.js';
import { emptyReport, trainSuite } from './train-suite.js';

// Tiny tensors: one intra-op thread is faster, and steadier when the CPU is shared.
setNumThreads(1);

const FILE = path.resolve('experiments/similarities.yaml');
const PAPER_SIMCLR = [0.1649, 0.1505, 0.1444, 0.1404, 0.1396];
const PAPER_VRNS = [0.1008, 0.0952, 0.0929, 0.0921, 0.0917];
const BATCHES = [32, 64, 128, 256, 512];

/** A cell at test size: SimCLR cells shrunk; Thm 5.5 cells at 50 updates per block; Thm 5.1 as in the suite. */
function tiny(cell: SuiteCell): SuiteCell {
  const s = cell.spec;
  let set: string[] = [];
  if (s.data.kind === 'latent-set')
    set = ['data.size=512', 'train.iterations=40', 'eval.every=20', 'eval.samples=128', 'encoder.hidden=[16]'];
  else if (s.data.kind === 'free-embeddings' && s.data.miniBatch !== undefined) {
    const iterations = (50 * s.data.size) / s.data.miniBatch;
    set = [`train.iterations=${iterations}`, `eval.every=${iterations}`];
  }
  return { ...cell, spec: resolveSpec(s, { source: `${cell.row}/${cell.column}`, set }) };
}

test('similarities suite: presets quick and full have the study sizes; train.batch moves every SimCLR cell', () => {
  const quick = loadSuite(FILE, { preset: 'quick' });
  const full = loadSuite(FILE, { preset: 'full' });
  assert.equal(quick.report, 'similarities');
  assert.ok(quick.claim !== undefined && /VRNS/.test(quick.claim));
  assert.equal(quick.cells.length, 17);
  const q = quick.cells.find((c) => c.row === 'simclr' && c.column === 'm32')!.spec;
  assert.deepEqual(
    [q.seeds, q.data, q.train.iterations, q.eval.samples, q.encoder, q.loss, q.conditional],
    [
      [0],
      { kind: 'latent-set', size: 4096 },
      1000,
      1000,
      { kind: 'mlp', hidden: [64, 128, 64], outDim: 16, batchNorm: true, order: 'act-norm' },
      { kind: 'nt-xent', tau: 0.2 },
      { kind: 'vmf', kappa: 5 },
    ],
  );
  const f = full.cells.find((c) => c.row === 'simclr-vrns' && c.column === 'm512')!.spec;
  assert.deepEqual(
    [
      f.seeds,
      f.data,
      f.train.iterations,
      f.train.batch,
      f.eval.samples,
      (f.encoder as { hidden: number[] }).hidden,
      f.auxiliary,
    ],
    [
      [0, 1, 2],
      { kind: 'latent-set', size: 8192 },
      3000,
      512,
      2000,
      [128, 256, 256, 256, 128],
      [{ kind: 'vrns', weight: 30, power: 2 }],
    ],
  );
  // The theory cells are the same at both presets (the quick preset's SimCLR sizes do not reach them).
  for (const suite of [quick, full]) {
    const t51 = suite.cells.find((c) => c.column === 'thm5.1')!.spec;
    assert.deepEqual(
      [t51.data, t51.encoder, t51.train.iterations],
      [{ kind: 'free-embeddings', size: 8 }, { kind: 'table', dtype: 'float64' }, 600],
    );
    const t55 = suite.cells.find((c) => c.row === 'free-embeddings-vrns' && c.column === 'thm5.5-m2')!.spec;
    assert.deepEqual([t55.data, t55.train.iterations], [{ kind: 'free-embeddings', size: 16, miniBatch: 2 }, 2400]);
  }
  assert.deepEqual(
    BATCHES.map((m) => quick.published['simclr']?.[`m${m}`]?.mean),
    PAPER_SIMCLR,
  );
  assert.deepEqual(
    BATCHES.map((m) => quick.published['simclr-vrns']?.[`m${m}`]?.mean),
    PAPER_VRNS,
  );

  const at64 = loadSuite(FILE, { preset: 'quick', set: ['train.batch=64'] });
  assert.equal(at64.cells.length, 17);
  for (const c of at64.cells) assert.equal(c.spec.train.batch, 64, c.spec.name);
});

test('similarities suite: tiny run gives the variance tables next to the paper, and the free-embedding theory holds', async () => {
  const loaded = loadSuite(FILE, { preset: 'quick' });
  const suite: Suite = { ...loaded, cells: loaded.cells.map(tiny) };
  const runs = await trainSuite(suite, 'quick', tempDir('similarities'));
  assert.equal(runs.length, 17);
  const report = await suiteReports['similarities']!({
    suite,
    preset: 'quick',
    runs,
    generic: emptyReport(suite.title),
  });

  assert.deepEqual(
    report.tables.map((t) => t.id),
    ['variance-vs-batch', 'r2-vs-batch', 'similarity-means', 'theory-thm51', 'theory-thm55'],
  );
  const columns = BATCHES.map((m) => `m = ${m}`);
  const variance = report.tables[0]!;
  assert.deepEqual(variance.columns, columns);
  assert.deepEqual(variance.rows, ['SimCLR (NT-Xent)', 'SimCLR + VRNS']);
  for (const [r, row] of variance.rows.entries()) {
    const paper = r === 0 ? PAPER_SIMCLR : PAPER_VRNS;
    for (const [i, column] of columns.entries()) {
      const ours = variance.ours.find((c) => c.row === row && c.column === column);
      assert.ok(
        ours && ours.values.length === 1 && Number.isFinite(ours.values[0]) && ours.values[0]! >= 0,
        `${row} ${column}`,
      );
      assert.deepEqual(variance.published[row]?.[column], { mean: paper[i], std: 0 });
    }
  }
  assert.match(variance.note ?? '', /CIFAR-100/);
  const value = (row: string, column: string): number =>
    variance.ours.find((c) => c.row === row && c.column === column)!.values[0]!;
  // VRNS (λ = 30) lowers the negative-similarity variance at every batch size, even after 40 steps.
  for (const column of columns)
    assert.ok(value('SimCLR + VRNS', column) < value('SimCLR (NT-Xent)', column), `VRNS at ${column}`);
  for (const c of report.tables[1]!.ours)
    assert.ok(Number.isFinite(c.values[0]) && c.values[0]! <= 1, `R² ${c.row} ${c.column}`);

  const curve = report.curves[0]!;
  assert.deepEqual(
    curve.series.map((s) => s.source),
    ['ours', 'ours', 'paper', 'paper'],
  );
  for (const s of curve.series)
    assert.deepEqual(
      s.points.map((p) => p.x),
      BATCHES,
    );
  assert.deepEqual(
    curve.series[2]!.points.map((p) => p.y),
    PAPER_SIMCLR,
  );
  assert.equal(report.lossCurves.length, 10);
  assert.ok(report.lossCurves.every((c) => c.points.length === 2));

  // Thm 5.1: s_pos = 1 and every s_neg = −1/(n−1) (float64 free embeddings, 600 full-batch steps).
  const t51 = report.tables[3]!;
  const v51 = (row: string): number => t51.ours.find((c) => c.row === row)!.values[0]!;
  assert.ok(v51('E[s_pos]') > 1 - 1e-9, `E[s_pos] ${v51('E[s_pos]')}`);
  assert.ok(Math.abs(v51('E[s_neg]') + 1 / 7) < 1e-9, `E[s_neg] ${v51('E[s_neg]')}`);
  assert.ok(v51('max |s_neg + 1/(n−1)|') < 1e-9, `max deviation ${v51('max |s_neg + 1/(n−1)|')}`);
  assert.equal(t51.published['E[s_neg]']?.[t51.columns[0]!]?.mean, -1 / 7);

  // Thm 5.5: inside the interval for every m, and VRNS lowers the variance.
  const t55 = report.tables[4]!;
  assert.deepEqual(t55.rows, ['m = 2', 'm = 4', 'm = 8']);
  for (const row of t55.rows) {
    const lo = t55.published[row]!['Thm 5.5 lower']!.mean;
    const hi = t55.published[row]!['Thm 5.5 upper']!.mean;
    const plain = t55.ours.find((c) => c.row === row && c.column === 'Var[s_neg]')!.values[0]!;
    const vrns = t55.ours.find((c) => c.row === row && c.column === 'Var[s_neg] with VRNS')!.values[0]!;
    assert.ok(plain >= lo - 0.002 && plain <= hi + 0.002, `${row}: ${plain} outside [${lo}, ${hi}]`);
    assert.ok(vrns < plain, `${row}: VRNS ${vrns} vs ${plain}`);
  }

  assert.match(report.notes[0]!, /^Claim tested: /);
  assert.ok(
    report.notes.some((n) => /setting differs/i.test(n) && /not comparable/i.test(n)),
    'a note on the setting difference',
  );
  assert.ok(report.notes.some((n) => /lower with VRNS at 5 of 5 batch sizes/.test(n)));
  assert.ok(
    report.notes.some((n) =>
      /inside the Thm 5\.5 interval \(tolerance 0\.002\) for 3 of 3 batch sizes, and VRNS lowers it for 3 of 3/.test(n),
    ),
  );
});
