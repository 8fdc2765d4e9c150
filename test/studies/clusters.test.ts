import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAPACITIES, clustersStudy, CLUSTERS_PRESETS, runClusters, type ClustersSizes } from '../../src/studies/clusters.js';

// Tiny sizes: every setting of the study, a few steps each (< 25 s on 2 cores).
const TINY: ClustersSizes = {
  ...CLUSTERS_PRESETS.quick,
  clusters: 3,
  pointsPerCluster: 12,
  dim: 9,
  intertwines: [0, 1],
  negatives: [4, 16],
  defaultNegatives: 4,
  smallHidden: 8,
  largeHidden: 32,
  seeds: [0, 1],
  steps: 30,
  batchSize: 16,
  probeEpochs: 50,
  kmeansInit: 2,
};

const report = runClusters(TINY);

test('clustersStudy is the clusters study with both presets', () => {
  assert.equal(clustersStudy.id, 'clusters');
  assert.ok(clustersStudy.claim.length > 0);
  for (const p of [CLUSTERS_PRESETS.quick, CLUSTERS_PRESETS.full]) {
    assert.ok(p.negatives.includes(p.defaultNegatives));
    assert.ok(p.capacities.includes(p.defaultCapacity));
    assert.ok(p.dim >= 3 * p.clusters);
  }
});

test('runClusters returns every table with every setting, the latent views and notes', async () => {
  const r = await report;
  const columns = ['ι = 0', 'ι = 1'];
  const byId = new Map(r.tables.map((t) => [t.id, t]));
  for (const metric of ['ari', 'nmi', 'probe', 'silhouette']) {
    const cap = byId.get(`clusters-capacity-${metric}`);
    const neg = byId.get(`clusters-negatives-${metric}`);
    assert.ok(cap && neg, `tables for ${metric}`);
    assert.deepEqual(cap.rows, [...CAPACITIES, 'raw input']);
    assert.deepEqual(neg.rows, ['M = 4', 'M = 16']);
    for (const t of [cap, neg]) {
      assert.deepEqual(t.columns, columns);
      assert.deepEqual(t.published, {});
      assert.equal(t.ours.length, t.rows.length * t.columns.length);
      for (const row of t.rows)
        for (const column of columns) {
          const c = t.ours.find((o) => o.row === row && o.column === column);
          assert.ok(c, `${t.id}: cell ${row} / ${column}`);
          assert.equal(c.values.length, TINY.seeds.length);
          assert.equal(c.runIds.length, TINY.seeds.length);
          for (const v of c.values) assert.ok(Number.isFinite(v), `${t.id} ${row} ${column}: ${v}`);
        }
    }
  }
  assert.ok(byId.has('clusters-capacity-loss'));
  // One latent view per extreme of ι, 3-d points on S² (representation) and cluster colour codes.
  assert.equal(r.latentViews.length, 2);
  for (const v of r.latentViews) {
    assert.equal(v.truth.length, TINY.clusters * TINY.pointsPerCluster);
    assert.equal(v.recovered.length, v.truth.length);
    for (const p of v.recovered) {
      assert.equal(p.length, 3);
      assert.ok(Math.abs(Math.hypot(...p) - 1) < 1e-4);
    }
  }
  assert.equal(r.curves.length, 2);
  assert.ok(r.notes.some((n) => /no published numbers/i.test(n)));
  assert.deepEqual(r.theory, []);
});

test('raw inputs with intertwined (compact, √2-apart) clusters: k-means and the probe recover them exactly', async () => {
  const r = await report;
  const ari = r.tables.find((t) => t.id === 'clusters-capacity-ari')!;
  const probe = r.tables.find((t) => t.id === 'clusters-capacity-probe')!;
  assert.deepEqual(ari.ours.find((c) => c.row === 'raw input' && c.column === 'ι = 1')!.values, [1, 1]);
  assert.deepEqual(probe.ours.find((c) => c.row === 'raw input' && c.column === 'ι = 1')!.values, [1, 1]);
});

test('runClusters is deterministic', async () => {
  const again = await runClusters({ ...TINY, seeds: [1], capacities: ['linear'], defaultCapacity: 'linear', negatives: [4], intertwines: [1] });
  const first = await report;
  const a = first.tables.find((t) => t.id === 'clusters-capacity-ari')!.ours.find((c) => c.row === 'linear' && c.column === 'ι = 1')!;
  const b = again.tables.find((t) => t.id === 'clusters-capacity-ari')!.ours.find((c) => c.row === 'linear' && c.column === 'ι = 1')!;
  assert.equal(b.values[0], a.values[1]);
});
