// The clusters suite (Paper D, ours) at a tiny size: every cell trained by the one trainer into a
// run store, the report built by its builder (capacity × ι and M × ι tables, the raw-input row).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadSuite } from '../../src/experiments/suite.js';
import { suiteReports } from '../../src/report/suites/index.js';
import { setNumThreads } from '../../src/torch/index.js';
import { tempDir } from '../util/temp.js';
import { emptyReport, trainSuite } from './train-suite.js';

setNumThreads(1);

const FILE = path.resolve('experiments/clusters.yaml');
const TINY = [
  'seeds=[0, 1]',
  'data.clusters=3',
  'data.pointsPerCluster=12',
  'data.dim=9',
  'train.iterations=10',
  'train.batch=16',
  'train.checkpointEvery=10',
  'eval.every=10',
  'eval.metrics=[{kind: kmeans, restarts: 2}, silhouette, {kind: linear-probe, epochs: 50}]',
];

test('clusters suite: presets quick and full have the study sizes', () => {
  const quick = loadSuite(FILE, { preset: 'quick' });
  const full = loadSuite(FILE, { preset: 'full' });
  assert.equal(quick.report, 'clusters');
  // quick runs 5 rows × 3 columns (presetCells); full runs them all.
  assert.deepEqual(quick.rows, ['linear', 'small-mlp', 'large-mlp', 'large-mlp-m4', 'large-mlp-m64']);
  assert.deepEqual(quick.columns, ['iota=0', 'iota=0.5', 'iota=1']);
  assert.deepEqual(full.rows, [...quick.rows, 'large-mlp-m256']);
  assert.deepEqual(full.columns, ['iota=0', 'iota=0.25', 'iota=0.5', 'iota=0.75', 'iota=1']);
  const q = quick.cells.find((c) => c.row === 'large-mlp' && c.column === 'iota=0.5')!.spec;
  assert.deepEqual(q.data, { kind: 'clusters', clusters: 4, pointsPerCluster: 32, dim: 12, intertwine: 0.5 });
  assert.deepEqual(
    [
      q.seeds,
      q.train.iterations,
      q.train.batch,
      (q.encoder as { hidden: number[] }).hidden,
      (q.loss as { count: number }).count,
    ],
    [[0, 1], 400, 64, [128, 128], 16],
  );
  const f = full.cells.find((c) => c.row === 'large-mlp-m256' && c.column === 'iota=1')!.spec;
  assert.deepEqual(f.data, { kind: 'clusters', clusters: 6, pointsPerCluster: 64, dim: 18, intertwine: 1 });
  assert.deepEqual(
    [
      f.seeds.length,
      f.train.iterations,
      f.train.batch,
      (f.encoder as { hidden: number[] }).hidden,
      (f.loss as { count: number }).count,
    ],
    [5, 2000, 128, [256, 256], 256],
  );
  assert.deepEqual(full.cells.find((c) => c.row === 'small-mlp')!.spec.encoder, {
    kind: 'mlp',
    hidden: [16],
    batchNorm: false,
    order: 'act-norm',
    outDim: 3,
  });
});

test('clusters suite: tiny run gives every table, the raw-input reference row and the latent views', async () => {
  // The extreme columns and M ∈ {4, 16} only: a tiny run of the whole grid is the same code.
  const all = loadSuite(FILE, { preset: 'quick', set: TINY });
  const suite = {
    ...all,
    cells: all.cells.filter(
      (c) => ['iota=0', 'iota=1'].includes(c.column) && !['large-mlp-m64', 'large-mlp-m256'].includes(c.row),
    ),
  };
  const runs = await trainSuite(suite, 'quick', tempDir('clusters'));
  assert.equal(runs.length, 2 * 2 * 4);
  const r = await suiteReports['clusters']!({ suite, preset: 'quick', runs, generic: emptyReport(suite.title) });
  const columns = ['ι = 0', 'ι = 1'];
  const byId = new Map(r.tables.map((t) => [t.id, t]));
  for (const metric of ['ari', 'nmi', 'probe', 'silhouette']) {
    const cap = byId.get(`clusters-capacity-${metric}`);
    const neg = byId.get(`clusters-negatives-${metric}`);
    assert.ok(cap && neg, `tables for ${metric}`);
    assert.deepEqual(cap.rows, ['linear', 'small MLP', 'large MLP', 'raw input']);
    assert.deepEqual(neg.rows, ['M = 4', 'M = 16']);
    for (const t of [cap, neg]) {
      assert.deepEqual(t.columns, columns);
      assert.equal(t.ours.length, t.rows.length * t.columns.length);
      for (const c of t.ours) {
        assert.equal(c.values.length, 2, `${t.id} ${c.row} ${c.column}`);
        for (const v of c.values) assert.ok(Number.isFinite(v), `${t.id} ${c.row} ${c.column}: ${v}`);
      }
    }
  }
  assert.ok(byId.has('clusters-capacity-loss'));
  assert.equal(r.curves.length, 2);
  assert.ok(r.notes[0]!.startsWith('Claim'));
  assert.ok(r.notes.some((n) => /no published numbers/i.test(n)));
  // The cells the quick preset does not run are named, not shown as empty cells.
  assert.ok(
    r.notes.some((n) =>
      n.startsWith("Not run at this preset ('quick'): rows large-mlp-m256; columns iota=0.25, iota=0.75"),
    ),
  );
  // One latent view per extreme of ι: the representation of every point on S², coloured by cluster.
  assert.equal(r.latentViews.length, 2);
  for (const v of r.latentViews) {
    assert.equal(v.truth.length, 36);
    assert.equal(v.recovered.length, 36);
    for (const p of v.recovered) assert.ok(Math.abs(Math.hypot(...p) - 1) < 1e-4);
  }
  // Raw inputs with intertwined (compact, √2-apart) clusters: k-means and the probe recover them exactly.
  const raw = (id: string) => byId.get(id)!.ours.find((c) => c.row === 'raw input' && c.column === 'ι = 1')!.values;
  assert.deepEqual(raw('clusters-capacity-ari'), [1, 1]);
  assert.deepEqual(raw('clusters-capacity-probe'), [1, 1]);
});
