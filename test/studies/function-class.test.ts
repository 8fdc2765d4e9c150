import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FUNCTION_CLASS_PRESETS,
  FUNCTION_CLASS_ROWS,
  functionClassStudy,
  runFunctionClass,
  type FunctionClassSizes,
} from '../../src/studies/function-class.js';
import { setNumThreads } from '../../src/torch/index.js';

// Tiny tensors: one intra-op thread is faster, and steadier when the CPU is shared (this file runs in its own process).
setNumThreads(1);

const TINY: FunctionClassSizes = {
  seeds: [0, 1],
  D: 32,
  k: 5,
  outDim: 32,
  batch: 64,
  tau: 0.5,
  steps: 20,
  lr: 1e-3,
  weightDecay: 1e-3,
  hidden: [32],
  evalSamples: 2048,
  probeTrain: 1000,
  probeTest: 2000,
  probeEpochs: 150,
  logEvery: 5,
};

test('function-class study: tiny run gives both tables with all five rows, the published Table 1 and the analytic facts', () => {
  const { report, seeds } = runFunctionClass(TINY);
  assert.equal(functionClassStudy.id, 'function-class');
  assert.ok(FUNCTION_CLASS_PRESETS.quick.seeds.length === 3 && FUNCTION_CLASS_PRESETS.full.seeds.length === 5);

  // Shape of the report.
  assert.equal(report.tables.length, 2);
  const [loss, acc] = report.tables as [(typeof report.tables)[0], (typeof report.tables)[0]];
  assert.equal(loss.id, 'function-class-loss');
  assert.equal(acc.id, 'function-class-accuracy');
  for (const t of [loss, acc]) {
    assert.deepEqual(t.rows, [...FUNCTION_CLASS_ROWS]);
    assert.equal(t.rows.length, 5);
    assert.equal(t.columns.length, 1);
    const col = t.columns[0]!;
    assert.equal(t.ours.length, 5);
    for (const row of t.rows) {
      const cell = t.ours.find((c) => c.row === row && c.column === col);
      assert.ok(cell, `${t.id}: no cell for ${row}`);
      assert.equal(cell.values.length, TINY.seeds.length);
      assert.equal(cell.runIds.length, TINY.seeds.length);
      cell.values.forEach((v) => assert.ok(Number.isFinite(v)));
      const pub = t.published[row]?.[col];
      assert.ok(pub, `${t.id}: no published number for ${row}`);
    }
  }
  assert.equal(loss.published['perfect']?.['loss']?.mean, 4.939);
  assert.equal(loss.published['spurious']?.['loss']?.mean, 4.939);
  assert.equal(loss.published['MLP + Adam']?.['loss']?.mean, 5.039);
  assert.equal(loss.published['MLP + Adam + wd']?.['loss']?.mean, 5.04);
  assert.equal(loss.published['linear']?.['loss']?.mean, 5.134);
  assert.equal(acc.published['perfect']?.['accuracy']?.mean, 100);
  assert.equal(acc.published['spurious']?.['accuracy']?.mean, 50);
  assert.equal(acc.published['MLP + Adam']?.['accuracy']?.mean, 74.1);
  assert.equal(acc.published['MLP + Adam + wd']?.['accuracy']?.mean, 89.5);
  assert.equal(acc.published['linear']?.['accuracy']?.mean, 99.5);
  assert.ok(report.notes.some((n) => n.includes(`D = ${TINY.D}`) && n.includes(`k = ${TINY.k}`)));
  assert.ok(report.notes.some((n) => n.includes(`τ = ${TINY.tau}`) && n.includes(`B = ${TINY.batch}`)));
  assert.ok(report.lossCurves.length === 3 && report.lossCurves.every((c) => c.points.length > 0));

  // Analytic facts, per seed.
  for (const s of seeds) {
    const p = s.cells.perfect;
    const q = s.cells.spurious;
    const se = Math.hypot(p.lossStdErr, q.lossStdErr);
    assert.ok(se > 0 && se < 0.05, `seed ${s.seed}: Monte Carlo error ${se}`);
    assert.ok(Math.abs(p.loss - q.loss) < 4 * se, `seed ${s.seed}: perfect ${p.loss} vs spurious ${q.loss} (se ${se})`);
    assert.equal(p.accuracy, 100, `seed ${s.seed}: perfect probe ${p.accuracy} %`);
    assert.ok(Math.abs(q.accuracy - 50) < 6, `seed ${s.seed}: spurious probe ${q.accuracy} %`);
    // The analytic representations separate the augmentation sets perfectly: loss below the trained linear one.
    assert.ok(p.loss < s.cells.linear.loss, `seed ${s.seed}: perfect ${p.loss} vs linear ${s.cells.linear.loss}`);
  }

  // Deterministic: the same sizes give the same numbers.
  const small: FunctionClassSizes = { ...TINY, seeds: [1], steps: 5, evalSamples: 256, probeTrain: 200, probeTest: 200, probeEpochs: 20 };
  const again = runFunctionClass(small);
  const once = runFunctionClass(small);
  assert.deepEqual(again.seeds, once.seeds);
});
