// measureCheckpoint (docs/library.md, "Measure a stored run again"): a stored run measured again
// from its final checkpoint gives the numbers of its own final evaluation, and metrics it never had.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MetricSpec,
  expandRuns,
  measureCheckpoint,
  parseSpecText,
  resolveSpec,
  runExperiment,
} from '../../src/experiments/index.js';
import { RunStore } from '../../src/runs/index.js';
import { tempDir } from '../util/temp.js';

test('measureCheckpoint: the run’s own R² again, and one R² per latent coordinate whose mean it is', async () => {
  const spec = resolveSpec(
    parseSpecText(
      [
        'name: measure-again',
        'latent: { dim: 3 }',
        'conditional: { kind: restricted-vmf, kappa: 3.333, fixedDims: 1 }',
        'encoder: { kind: mlp, hidden: [32, 32] }',
        'loss: { kind: infonce, tau: 0.3 }',
        'train: { iterations: 30, batch: 64 }',
        'eval: { every: 30, samples: 300, metrics: [r2, mcc] }',
      ].join('\n'),
      'inline',
    ),
  );
  const store = new RunStore(tempDir('measure-lib'));
  try {
    const { finished } = await runExperiment(
      expandRuns(spec).map((run) => ({ run, labels: {} })),
      { store },
    );
    const own = finished[0]!.summary!.metrics;
    // As docs/library.md shows it.
    const handle = store.open('measure-again-s0');
    const values = measureCheckpoint(handle.run, handle.latestCheckpoint()!, [
      MetricSpec.parse({ kind: 'r2', perFactor: true }),
      MetricSpec.parse('mcc'),
    ]);
    assert.deepEqual(Object.keys(values), ['r2', 'r2_0', 'r2_1', 'r2_2', 'mcc']);
    assert.ok(Math.abs(values['r2']! - own['r2']!) < 1e-6, `${values['r2']} vs ${own['r2']}`);
    assert.ok(Math.abs(values['mcc']! - own['mcc']!) < 1e-6);
    const perCoordinate = [values['r2_0']!, values['r2_1']!, values['r2_2']!];
    assert.ok(Math.abs(perCoordinate.reduce((a, b) => a + b, 0) / 3 - values['r2']!) < 1e-6);
  } finally {
    store.close();
  }
});
