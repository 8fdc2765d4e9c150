// The function-class suite (Paper C, Table 1) at a tiny size: every cell trained by the one trainer
// into a run store, the report built by its builder, and the analytic facts the claim rests on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadSuite } from '../../src/experiments/suite.js';
import { suiteReports } from '../../src/report/suites/index.js';
import { FUNCTION_CLASS_ROWS, functionClassCells } from '../../src/report/suites/function-class.js';
import { setNumThreads } from '../../src/torch/index.js';
import { tempDir } from '../util/temp.js';
import { emptyReport, trainSuite } from './train-suite.js';

// Tiny tensors: one intra-op thread is faster, and steadier when the CPU is shared.
setNumThreads(1);

const FILE = path.resolve('experiments/function-class.yaml');
const TINY = [
  'seeds=[0, 1]',
  'train.iterations=20',
  'train.batch=64',
  'eval.every=20',
  'eval.samples=2048',
  'eval.metrics=[{kind: eval-loss, batch: 64}, {kind: linear-probe, epochs: 150}]',
  'data.probeTrain=1000',
];

test('function-class suite: presets quick and full have the study sizes', () => {
  const quick = loadSuite(FILE, { preset: 'quick' });
  const full = loadSuite(FILE, { preset: 'full' });
  assert.deepEqual(quick.rows, ['mlp-adam', 'mlp-adam-wd', 'linear']);
  assert.equal(quick.report, 'function-class');
  assert.ok(quick.claim !== undefined && quick.claim.length > 0);
  const q = quick.cells.find((c) => c.row === 'mlp-adam')!.spec;
  assert.deepEqual(
    [q.seeds, q.train.iterations, q.train.batch, q.eval.samples, (q.encoder as { hidden: number[] }).hidden],
    [[0, 1, 2], 1500, 256, 4096, [256, 256]],
  );
  const f = full.cells.find((c) => c.row === 'mlp-adam-wd')!.spec;
  assert.deepEqual(
    [
      f.seeds.length,
      f.train.iterations,
      f.train.batch,
      f.eval.samples,
      (f.encoder as { hidden: number[] }).hidden,
      f.train.optimizer.weightDecay,
    ],
    [5, 5000, 512, 8192, [512, 512], 1e-3],
  );
  assert.deepEqual(full.cells.find((c) => c.row === 'linear')!.spec.encoder, {
    kind: 'linear',
    bias: false,
    outDim: 32,
  });
  assert.equal(quick.published['perfect']?.['hypercube']?.mean, 4.939);
  assert.equal(quick.alsoPublished['probe']?.['mlp-adam']?.['hypercube']?.mean, 0.741);
});

test('function-class suite: tiny run gives Table 1 with all five rows next to the published numbers, and the analytic facts', async () => {
  const suite = loadSuite(FILE, { preset: 'quick', set: TINY });
  const runs = await trainSuite(suite, 'quick', tempDir('function-class'));
  assert.equal(runs.length, 6);
  const report = await suiteReports['function-class']!({
    suite,
    preset: 'quick',
    runs,
    generic: emptyReport(suite.title),
  });

  assert.equal(report.tables.length, 2);
  const [loss, acc] = report.tables as [(typeof report.tables)[0], (typeof report.tables)[0]];
  assert.deepEqual([loss.id, acc.id], ['function-class-loss', 'function-class-accuracy']);
  for (const t of [loss, acc]) {
    assert.deepEqual(
      t.rows,
      FUNCTION_CLASS_ROWS.map((r) => r.name),
    );
    const col = t.columns[0]!;
    for (const row of t.rows) {
      const cell = t.ours.find((c) => c.row === row && c.column === col);
      assert.ok(cell, `${t.id}: no cell for ${row}`);
      assert.equal(cell.values.length, 2);
      cell.values.forEach((v) => assert.ok(Number.isFinite(v)));
      assert.ok(t.published[row]?.[col], `${t.id}: no published number for ${row}`);
    }
  }
  assert.deepEqual(
    FUNCTION_CLASS_ROWS.map((r) => loss.published[r.name]?.['loss']?.mean),
    [4.939, 4.939, 5.039, 5.04, 5.134],
  );
  assert.deepEqual(
    FUNCTION_CLASS_ROWS.map((r) => acc.published[r.name]?.['accuracy']?.mean),
    [100, 50, 74.1, 89.5, 99.5],
  );
  assert.ok(report.notes[0]!.startsWith('Claim'), 'the claim comes first');
  assert.ok(report.notes.some((n) => n.includes('D = 32') && n.includes('k = 5')));
  assert.ok(report.notes.some((n) => n.includes('τ = 0.5') && n.includes('B = 64')));
  assert.equal(report.lossCurves.length, 3);

  // The analytic facts, per seed: equal loss (within Monte Carlo error), 100 % vs chance.
  const cells = functionClassCells(runs);
  for (const seed of [0, 1]) {
    const p = cells.perfect.find((c) => c.seed === seed)!;
    const q = cells.spurious.find((c) => c.seed === seed)!;
    const lin = cells.linear.find((c) => c.seed === seed)!;
    const se = Math.hypot(p.lossStdErr, q.lossStdErr);
    assert.ok(se > 0 && se < 0.05, `seed ${seed}: Monte Carlo error ${se}`);
    assert.ok(Math.abs(p.loss - q.loss) < 4 * se, `seed ${seed}: perfect ${p.loss} vs spurious ${q.loss} (se ${se})`);
    assert.equal(p.accuracy, 100, `seed ${seed}: perfect probe ${p.accuracy} %`);
    assert.ok(Math.abs(q.accuracy - 50) < 6, `seed ${seed}: spurious probe ${q.accuracy} %`);
    // The analytic representations separate the augmentation sets perfectly: loss below the trained linear one.
    assert.ok(p.loss < lin.loss, `seed ${seed}: perfect ${p.loss} vs linear ${lin.loss}`);
  }
  // Deterministic: the analytic rows are scored again identically.
  assert.deepEqual(functionClassCells(runs).perfect, cells.perfect);
});
