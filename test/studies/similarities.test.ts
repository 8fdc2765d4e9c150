// The Paper B similarities study at a tiny size: the report's shape (every batch size in the
// tables, the paper's CIFAR-100 variances next to ours, four curve series, notes on the setting),
// and the Thm 5.1 free-embedding numbers within tolerance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PUBLISHED_VARIANCE, SIMILARITIES_PRESETS, runSimilarities, similaritiesStudy, type SimilaritiesSizes } from '../../src/studies/similarities.js';
import { getNumThreads } from '../../src/torch/index.js';

const TINY: SimilaritiesSizes = {
  ...SIMILARITIES_PRESETS.quick,
  batchSizes: [32, 64, 128, 256, 512],
  seeds: [0],
  datasetSize: 1024,
  steps: 4,
  evalSize: 64,
  outDim: 8,
  hidden: [16],
  // Thm 5.1 keeps its 600 steps (n = 8 free embeddings: fast); Thm 5.5 is cut short.
  theory: { n51: 8, steps51: 600, n55: 8, ms55: [2, 4], steps55: 20 },
};

test('similarities study: report shape, published variances, curve series, notes, Thm 5.1 numbers', async () => {
  assert.equal(similaritiesStudy.id, 'similarities');
  assert.ok(similaritiesStudy.claim.length > 0 && similaritiesStudy.title.length > 0);
  const threads = getNumThreads();
  const messages: string[] = [];
  const report = await runSimilarities(TINY, { log: (m) => messages.push(m) });
  assert.equal(getNumThreads(), threads, 'the thread setting is restored');
  assert.ok(messages.length >= 10 && messages.every((m) => !m.includes('\n')), 'one-line progress messages');

  const columns = TINY.batchSizes.map((m) => `m = ${m}`);
  const variance = report.tables.find((t) => t.id === 'variance-vs-batch');
  assert.ok(variance, 'variance table');
  assert.deepEqual(variance.columns, columns);
  assert.equal(variance.rows.length, 2);
  for (const [r, row] of variance.rows.entries()) {
    const published = r === 0 ? PUBLISHED_VARIANCE.simclr : PUBLISHED_VARIANCE.vrns;
    for (const [i, column] of columns.entries()) {
      const ours = variance.ours.find((c) => c.row === row && c.column === column);
      assert.ok(ours && ours.values.length === 1 && Number.isFinite(ours.values[0]) && ours.values[0]! >= 0, `${row} ${column}`);
      assert.deepEqual(variance.published[row]?.[column], { mean: published[i], std: 0 });
    }
  }
  assert.deepEqual(PUBLISHED_VARIANCE.simclr, [0.1649, 0.1505, 0.1444, 0.1404, 0.1396]);
  assert.deepEqual(PUBLISHED_VARIANCE.vrns, [0.1008, 0.0952, 0.0929, 0.0921, 0.0917]);
  assert.match(variance.note ?? '', /CIFAR-100/);

  const quality = report.tables.find((t) => t.id === 'r2-vs-batch');
  assert.ok(quality, 'R² table');
  for (const row of quality.rows)
    for (const column of columns) {
      const v = quality.ours.find((c) => c.row === row && c.column === column)?.values[0];
      assert.ok(v !== undefined && Number.isFinite(v) && v <= 1, `R² ${row} ${column}`);
    }

  assert.equal(report.curves.length, 1);
  const curve = report.curves[0]!;
  assert.equal(curve.series.length, 4);
  assert.deepEqual(curve.series.map((s) => s.source), ['ours', 'ours', 'paper', 'paper']);
  for (const s of curve.series) assert.deepEqual(s.points.map((p) => p.x), TINY.batchSizes);
  assert.deepEqual(curve.series[2]!.points.map((p) => p.y), PUBLISHED_VARIANCE.simclr);
  assert.equal(report.lossCurves.length, 2 * TINY.batchSizes.length);

  assert.ok(report.notes.some((n) => /setting differs/i.test(n) && /not comparable/i.test(n)), 'a note on the setting difference');
  assert.ok(report.notes.some((n) => /VRNS lowers/i.test(n)));

  const t51 = report.tables.find((t) => t.id === 'theory-thm51');
  assert.ok(t51, 'Thm 5.1 table');
  const value = (row: string): number => t51.ours.find((c) => c.row === row)!.values[0]!;
  const target = -1 / (TINY.theory.n51 - 1);
  assert.ok(value('E[s_pos]') > 0.99, `E[s_pos] ${value('E[s_pos]')}`);
  assert.ok(Math.abs(value('E[s_neg]') - target) < 0.01, `E[s_neg] ${value('E[s_neg]')}`);
  assert.ok(value('max |s_neg + 1/(n−1)|') < 0.02);
  assert.equal(t51.published['E[s_neg]']?.[t51.columns[0]!]?.mean, target);

  const t55 = report.tables.find((t) => t.id === 'theory-thm55');
  assert.ok(t55, 'Thm 5.5 table');
  assert.deepEqual(t55.rows, ['m = 2', 'm = 4']);
  for (const row of t55.rows) {
    const lo = t55.published[row]?.['Thm 5.5 lower']?.mean;
    const hi = t55.published[row]?.['Thm 5.5 upper']?.mean;
    assert.ok(lo !== undefined && hi !== undefined && lo < hi);
  }
});

test('runSimilarities refuses a batch size that does not divide the dataset size', async () => {
  await assert.rejects(runSimilarities({ ...TINY, batchSizes: [48] }), /batch size 48 must be an integer >= 2 dividing datasetSize 1024/);
});
