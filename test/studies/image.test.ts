import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CIFAR10_FILES, CIFAR10_RECORD_BYTES } from '../../src/data/cifar10.js';
import {
  CIFAR10_PRESETS,
  CIFAR10_PUBLISHED_APPROX,
  cifar10Study,
  patternChecks,
  runCifar10,
  type RegimeStudySizes,
} from '../../src/studies/cifar10.js';
import { MNIST_REGIMES_PRESETS, mnistRegimesStudy, runMnistRegimes } from '../../src/studies/mnist-regimes.js';
import { tempDir } from '../util/temp.js';

/** A CIFAR-10 binary folder with `perFile` random records (label byte + 3072 pixel bytes) per batch file. */
function fakeCifar(perFile: number): string {
  const dir = tempDir('cifar');
  let state = 12345;
  const byte = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  };
  for (const name of [...CIFAR10_FILES.train, ...CIFAR10_FILES.test]) {
    const buf = Buffer.alloc(perFile * CIFAR10_RECORD_BYTES);
    for (let r = 0; r < perFile; r++) {
      const off = r * CIFAR10_RECORD_BYTES;
      buf[off] = byte() % 10;
      for (let i = 1; i < CIFAR10_RECORD_BYTES; i++) buf[off + i] = byte();
    }
    fs.writeFileSync(path.join(dir, name), buf);
  }
  return dir;
}

const TINY: RegimeStudySizes = {
  ...CIFAR10_PRESETS.quick,
  train: 48,
  test: 20,
  seeds: [0],
  epochs: 1,
  batchSize: 16,
  probeEpochs: 20,
  knnK: 5,
};

test('the CIFAR-10 study runs end to end on a small file in the real binary format', async () => {
  const dir = fakeCifar(12); // 60 train records over 5 files, 12 test records
  try {
    const lines: string[] = [];
    const report = await runCifar10(TINY, { data: dir, allowPartial: true, log: (m) => lines.push(m) });
    assert.equal(lines.length, 12); // 9 cells + 3 random-init references
    assert.equal(report.environment['train'], 48);
    assert.equal(report.environment['test'], 12);
    const probe = report.tables.find((t) => t.id === 'cifar10-probe');
    assert.ok(probe, 'probe table');
    assert.deepEqual(probe.rows, ['ResNet-18', 'ViT', 'MLP']);
    assert.deepEqual(probe.columns, ['All', 'Crop only', 'All without crop']);
    assert.equal(probe.ours.length, 9);
    for (const c of probe.ours) {
      assert.equal(c.values.length, 1);
      assert.ok(c.values[0]! >= 0 && c.values[0]! <= 100, `${c.row}/${c.column}: ${c.values[0]}`);
      assert.equal(c.runIds.length, 1);
    }
    // The paper's approximate figure values, in %, next to every cell.
    assert.deepEqual(probe.published['ResNet-18'], { All: { mean: 56, std: 0 }, 'Crop only': { mean: 37, std: 0 }, 'All without crop': { mean: 33, std: 0 } });
    assert.equal(probe.published['MLP']?.['Crop only']?.mean, 43);
    assert.equal(probe.published['ViT']?.['All']?.mean, 54);
    assert.match(probe.note ?? '', /APPROXIMATE/);
    assert.equal(report.tables.find((t) => t.id === 'cifar10-random-init')?.ours.length, 6);
    for (const id of ['cifar10-knn', 'cifar10-loss']) assert.equal(report.tables.find((t) => t.id === id)?.ours.length, 9);
    assert.equal(report.lossCurves.length, 9);
    const curve = report.curves.find((c) => c.id === 'cifar10-probe-by-regime');
    assert.equal(curve?.series.length, 6); // per encoder: ours and the paper's
    assert.deepEqual(curve?.series.find((s) => s.name === 'MLP (paper, approx.)')?.points.map((p) => p.y), [42, 43, 31]);
    const notes = report.notes.join('\n');
    assert.match(notes, /All is the best regime for every encoder/);
    assert.match(notes, /ResNet − MLP gap/);
    assert.match(notes, /small-budget run/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the CIFAR-10 study rejects a missing --data and is registered with the cpu/paper presets', async () => {
  assert.equal(cifar10Study.id, 'loss-is-not-enough/cifar10');
  assert.equal(cifar10Study.needsData, true);
  assert.deepEqual(cifar10Study.presets, { cpu: 'quick', paper: 'full' });
  await assert.rejects(cifar10Study.run({ preset: 'quick' }), /--data/);
  assert.equal(CIFAR10_PRESETS.full.batchSize, 2000);
  assert.equal(CIFAR10_PRESETS.full.epochs, 200);
  assert.equal(CIFAR10_PRESETS.full.lr, 3e-4);
  assert.equal(CIFAR10_PRESETS.full.tau, 0.5);
  assert.equal(CIFAR10_PRESETS.full.encoderSize, 'paper');
  // A real-size run refuses a fixture-size file (allowPartial is for tests only).
  const dir = fakeCifar(2);
  try {
    await assert.rejects(cifar10Study.run({ preset: 'quick', data: dir }), /CIFAR-10 binary/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('patternChecks reads the paper\'s claimed pattern off a grid', () => {
  const paper = patternChecks((e, g) => CIFAR10_PUBLISHED_APPROX[e][g], ['resnet18', 'vit', 'pixel-mlp']);
  assert.equal(paper.length, 3);
  // Read literally, the approximate figure values do not satisfy every clause of the stated
  // pattern: ResNet − MLP is 14 (All), −6 (Crop only), 2 (All without crop) points.
  const byStart = (s: string) => paper.find((c) => c.statement.startsWith(s))!;
  assert.equal(byStart('All is the best').holds, false); // MLP: 42 (All) < 43 (Crop only) in the figure
  assert.equal(byStart('the ResNet − MLP gap').holds, false);
  assert.equal(byStart('for the MLP').holds, true);
  // A grid built to the pattern satisfies every clause.
  const ideal = { resnet18: { all: 60, 'crop-only': 59, 'all-without-crop': 55 }, vit: { all: 55, 'crop-only': 45, 'all-without-crop': 40 }, 'pixel-mlp': { all: 45, 'crop-only': 43, 'all-without-crop': 30 } } as const;
  assert.ok(patternChecks((e, g) => ideal[e][g], ['resnet18', 'vit', 'pixel-mlp']).every((c) => c.holds === true));
});

test('mnist-regimes runs end to end on the embedded digits (tiny sizes)', async () => {
  assert.equal(mnistRegimesStudy.id, 'mnist-regimes');
  assert.ok(!mnistRegimesStudy.needsData);
  assert.equal(MNIST_REGIMES_PRESETS.quick.encoders.length * MNIST_REGIMES_PRESETS.quick.regimes.length, 9);
  const report = await runMnistRegimes({ ...MNIST_REGIMES_PRESETS.quick, train: 32, test: 16, epochs: 1, batchSize: 16, probeEpochs: 10, knnK: 3, encoders: ['pixel-mlp', 'resnet18'], regimes: ['all', 'crop-only'] });
  const probe = report.tables.find((t) => t.id === 'mnist-probe')!;
  assert.equal(probe.ours.length, 4);
  assert.deepEqual(probe.published, {});
  assert.deepEqual(report.environment['imageShape'], [1, 28, 28]);
  assert.match(report.notes.join('\n'), /Only part of the encoder × regime grid ran/);
});
