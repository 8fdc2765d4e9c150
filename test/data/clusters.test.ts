import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cat, F, Generator, scope, tensor, type Tensor } from '../../src/torch/index.js';
import { clusteredData, clusterGap, CLUSTER_CURVE_AMPLITUDE } from '../../src/data/clusters.js';

const SQRT2 = Math.SQRT2;

/** `samples` augmentations of every point, stacked [n·samples, dim], with the owning point of each row. */
function augmentationCloud(
  data: ReturnType<typeof clusteredData>,
  samples: number,
  gen: Generator,
): { cloud: Tensor; owner: number[] } {
  const n = data.labels.size(0);
  const idx = Array.from({ length: n * samples }, (_, r) => r % n);
  return { cloud: data.augment(idx, gen), owner: idx };
}

/**
 * Per point: the distance from its augmentation samples to the nearest sample of another point of
 * its own cluster (same) and of another cluster (other).
 */
function nearestSets(
  data: ReturnType<typeof clusteredData>,
  samples: number,
  gen: Generator,
): { same: number[]; other: number[] } {
  return scope(() => {
    const { cloud, owner } = augmentationCloud(data, samples, gen);
    const labels = data.labels.toArray();
    const dist = F.cdist(cloud.double(), cloud.double()).toArray();
    const N = owner.length;
    const n = labels.length;
    const same = new Array<number>(n).fill(Infinity);
    const other = new Array<number>(n).fill(Infinity);
    for (let r = 0; r < N; r++)
      for (let s = 0; s < N; s++) {
        const [p, q] = [owner[r]!, owner[s]!];
        if (p === q) continue;
        const d = dist[r * N + s]!;
        if (labels[p] === labels[q]) same[p] = Math.min(same[p]!, d);
        else other[p] = Math.min(other[p]!, d);
      }
    return { same, other };
  });
}

test('clusteredData: shapes, labels, anchors on their curves, centres on the unit sphere √2 apart, determinism', () => {
  scope(() => {
    const opts = { clusters: 3, pointsPerCluster: 8, dim: 11, intertwine: 0.5 };
    const data = clusteredData({ ...opts, gen: new Generator(0) });
    assert.deepEqual(data.points.shape, [24, 11]);
    assert.deepEqual(
      data.labels.toArray(),
      Array.from({ length: 24 }, (_, i) => Math.floor(i / 8)),
    );
    assert.equal(data.gap, clusterGap(0.5));
    const all = Array.from({ length: 24 }, (_, i) => i);
    assert.ok(data.curvePoint(all, new Array(24).fill(0)).sub(data.points).abs().max().item() < 1e-6);
    // Offsets are symmetric, so each cluster's mean anchor is its centre.
    const centres = cat([0, 1, 2].map((j) => data.points.narrow(0, 8 * j, 8).mean(0, true)));
    centres
      .norm(2, 1)
      .toArray()
      .forEach((r) => assert.ok(Math.abs(r - 1) < 1e-5, `centre norm ${r}`));
    const cd = F.cdist(centres, centres).toArray();
    for (const [i, j] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const)
      assert.ok(Math.abs(cd[i * 3 + j]! - SQRT2) < 1e-5);
    // Neighbouring anchors are one gap apart.
    const step = data.points
      .narrow(0, 1, 1)
      .sub(data.points.narrow(0, 0, 1))
      .norm()
      .item();
    assert.ok(Math.abs(step - data.gap) < 1e-5);
    const again = clusteredData({ ...opts, gen: new Generator(0) });
    assert.deepEqual(again.points.toArray(), data.points.toArray());
    const idx = tensor([0, 5, 23, 7], [4], 'int64');
    assert.deepEqual(
      again.augment(idx, new Generator(3)).toArray(),
      data.augment([0, 5, 23, 7], new Generator(3)).toArray(),
    );
    assert.notDeepEqual(data.augment(idx, new Generator(4)).toArray(), data.augment(idx, new Generator(3)).toArray());
    assert.throws(() => clusteredData({ ...opts, dim: 8, gen: new Generator(0) }), /3·clusters/);
    assert.throws(() => clusteredData({ ...opts, intertwine: 1.5, gen: new Generator(0) }), /intertwine/);
    assert.throws(() => data.augment([24], new Generator(0)), /indices/);
  });
});

test('augmentations stay on their curve: distance to the anchor bounded by the curve size', () => {
  scope(() => {
    const data = clusteredData({ clusters: 2, pointsPerCluster: 5, dim: 6, intertwine: 1, gen: new Generator(1) });
    const { cloud, owner } = augmentationCloud(data, 40, new Generator(2));
    const anchors = data.points.indexSelect(0, tensor(owner, [owner.length], 'int64'));
    const maxDev = cloud.sub(anchors).norm(2, 1).max().item();
    assert.ok(maxDev <= Math.hypot(0.25, CLUSTER_CURVE_AMPLITUDE) + 1e-5, `max deviation ${maxDev}`);
    assert.ok(maxDev > 0.2, 'augmentations actually move along the curve');
  });
});

test('augmentation sets of different points are disjoint, at least minSetDistance apart (far-apart and intertwined)', () => {
  for (const intertwine of [0, 1]) {
    const data = clusteredData({ clusters: 3, pointsPerCluster: 10, dim: 9, intertwine, gen: new Generator(5) });
    assert.ok(data.minSetDistance > 0);
    const { same, other } = nearestSets(data, 30, new Generator(6));
    const minAll = Math.min(...same, ...other);
    assert.ok(minAll > 0, `ι=${intertwine}: min distance ${minAll}`);
    assert.ok(minAll >= data.minSetDistance * (1 - 1e-3), `ι=${intertwine}: ${minAll} < bound ${data.minSetDistance}`);
    // Different clusters are always ≥ √2 apart (orthogonal in-cluster planes).
    assert.ok(Math.min(...other) >= SQRT2 * (1 - 1e-4), `ι=${intertwine}: inter-cluster ${Math.min(...other)}`);
  }
  // Far-apart variant: neighbouring sets of a cluster are as far apart as the clusters themselves.
  const far = clusteredData({ clusters: 3, pointsPerCluster: 10, dim: 9, intertwine: 0, gen: new Generator(5) });
  assert.ok(far.minSetDistance >= SQRT2 * (1 - 1e-9) || far.gap - 2 * CLUSTER_CURVE_AMPLITUDE >= SQRT2 - 1e-9);
});

test('intertwining is measurable: same-cluster sets get closer than other clusters as intertwine → 1', () => {
  const ratios: number[] = [];
  for (const intertwine of [0, 0.25, 0.5, 0.75, 1]) {
    const data = clusteredData({ clusters: 3, pointsPerCluster: 12, dim: 9, intertwine, gen: new Generator(7) });
    const { same, other } = nearestSets(data, 30, new Generator(8));
    const ratio = same.map((s, i) => s / other[i]!);
    ratios.push(ratio.reduce((p, q) => p + q, 0) / ratio.length);
    if (intertwine === 0)
      same.forEach((s) => assert.ok(s >= SQRT2 * (1 - 1e-3), `ι=0: nearest same-cluster set at ${s}`));
    if (intertwine === 1)
      same.forEach((s, i) => assert.ok(s < 0.05 && s < other[i]!, `ι=1: ${s} vs other ${other[i]}`));
  }
  for (let i = 1; i < ratios.length; i++)
    assert.ok(ratios[i]! < ratios[i - 1]!, `mean ratio same/other not decreasing: ${ratios.join(', ')}`);
  assert.ok(ratios[0]! > 0.3 && ratios[4]! < 0.03, ratios.join(', '));
  // The bands interleave at ι = 1: a curve sweeps past ≈ 2a/g neighbours on each side.
  assert.ok((2 * CLUSTER_CURVE_AMPLITUDE) / clusterGap(1) >= 10);
  assert.ok((2 * CLUSTER_CURVE_AMPLITUDE) / clusterGap(0) < 1);
});
