import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IMAGE_IDENTIFIABILITY_COLUMNS,
  IMAGE_IDENTIFIABILITY_PRESETS,
  IMAGE_IDENTIFIABILITY_ROWS,
  imageIdentifiabilityStudy,
  renderSphere,
  runImageIdentifiability,
  type ImageIdentifiabilitySizes,
} from '../../src/studies/image-identifiability.js';
import { UniformSphere } from '../../src/latent/index.js';
import { Generator, scope, setNumThreads } from '../../src/torch/index.js';

// Small tensors: one intra-op thread is faster and steadier on a shared CPU (own process).
setNumThreads(1);

const TINY: ImageIdentifiabilitySizes = {
  seeds: [0],
  steps: 3,
  batch: 8,
  negatives: 16,
  tau: 0.3,
  lr: 1e-3,
  resnetWidth: 2,
  mlpHidden: [16],
  fixedDims: 1,
  evalSamples: 400,
  pcaComponents: 16,
  logEvery: 1,
  viewPoints: 25,
};

test('image-identifiability study: tiny run gives R²/MCC/APE tables (CNN/MLP × holds/violated), latent views and loss curves', () => {
  const { report, runs, pixelReadout, poleDifference } = runImageIdentifiability(TINY);
  assert.equal(imageIdentifiabilityStudy.id, 'image-identifiability');
  assert.ok(IMAGE_IDENTIFIABILITY_PRESETS.quick.seeds.length >= 1 && IMAGE_IDENTIFIABILITY_PRESETS.full.seeds.length > IMAGE_IDENTIFIABILITY_PRESETS.quick.seeds.length);

  assert.deepEqual(
    report.tables.map((t) => t.metric),
    ['R²', 'MCC', 'APE'],
  );
  for (const t of report.tables) {
    assert.deepEqual(t.rows, [...IMAGE_IDENTIFIABILITY_ROWS]);
    assert.deepEqual(t.columns, [...IMAGE_IDENTIFIABILITY_COLUMNS]);
    assert.deepEqual(t.published, {});
    assert.equal(t.ours.length, 4);
    for (const row of IMAGE_IDENTIFIABILITY_ROWS)
      for (const column of IMAGE_IDENTIFIABILITY_COLUMNS) {
        const cell = t.ours.find((c) => c.row === row && c.column === column);
        assert.ok(cell, `${t.id}: missing cell ${row}/${column}`);
        assert.equal(cell.values.length, 1);
        assert.equal(cell.runIds.length, 1);
        assert.ok(cell.values.every(Number.isFinite));
      }
  }
  assert.equal(runs.length, 4);
  for (const r of runs) {
    assert.ok(r.r2 <= 1 && r.mcc >= 0 && r.mcc <= 1 && r.ape >= 0, `${r.runId}: metric out of range`);
    assert.equal(r.r2PerDim.length, 3);
    assert.ok(Number.isFinite(r.finalLoss));
  }

  // One latent view per encoder × condition of the first seed; truth and recovered on S².
  assert.equal(report.latentViews.length, 4);
  const columnsSeen = new Set(report.latentViews.map((v) => v.runId.includes('violated') ? 'violated' : 'holds'));
  assert.deepEqual([...columnsSeen].sort(), ['holds', 'violated']);
  for (const v of report.latentViews) {
    assert.equal(v.truth.length, TINY.viewPoints);
    assert.equal(v.recovered.length, TINY.viewPoints);
    for (const p of [...v.truth, ...v.recovered]) {
      assert.equal(p.length, 3);
      assert.ok(Math.abs(Math.hypot(...p) - 1) < 1e-4);
    }
  }
  assert.equal(report.lossCurves.length, 4);
  assert.ok(report.lossCurves.every((c) => c.points.length === TINY.steps));
  assert.ok(report.notes.length >= 5 && report.notes.some((n) => n.includes('poles')));

  // Behavioural facts about the pixels, independent of training:
  // z is recoverable from the raw pixels at all — a linear readout of 16 principal components
  // predicts z with high held-out R² (≈ 0.9) ...
  assert.equal(pixelReadout.length, 1);
  assert.ok(pixelReadout[0]!.r2 > 0.75, `pixel readout R² ${pixelReadout[0]!.r2}`);
  // ... and the one blind spot of the renderer is real: the two poles render to the same image.
  assert.ok(poleDifference < 1e-6, `pole difference ${poleDifference}`);
});

test('image-identifiability: distinct latents away from the poles render to distinct images', () => {
  scope(() => {
    const z = new UniformSphere(3).sample(64, new Generator(7));
    const x = renderSphere(z).reshape(64, -1);
    const zd = z.unsqueeze(1).sub(z.unsqueeze(0)).norm(2, 2); // [64, 64]
    const xd = x.unsqueeze(1).sub(x.unsqueeze(0)).abs().max(2); // max pixel difference
    const zs = zd.toArray();
    const xs = xd.toArray();
    for (let i = 0; i < 64; i++)
      for (let j = i + 1; j < 64; j++) if (zs[i * 64 + j]! > 0.05) assert.ok(xs[i * 64 + j]! > 1e-3, `latents ${i}, ${j} render alike`);
  });
});
