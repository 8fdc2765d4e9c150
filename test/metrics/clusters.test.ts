import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cat, Generator, randint, randn, scope, tensor, type Tensor } from '../../src/torch/index.js';
import { kmeans, kmeansInertia } from '../../src/metrics/kmeans.js';
import { adjustedRandIndex, normalizedMutualInfo } from '../../src/metrics/cluster-agreement.js';
import { silhouette } from '../../src/metrics/silhouette.js';

const close = (a: number, b: number, tol: number, what = ''): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

/** k Gaussian blobs (std `std`) around centres 10·(random unit-ish directions); labels by blob. */
function blobs(k: number, perBlob: number, d: number, std: number, gen: Generator): { x: Tensor; y: number[] } {
  return scope(() => {
    const centres = randn([k, d], gen, 'float64').mul(10);
    const parts = Array.from({ length: k }, (_, j) =>
      randn([perBlob, d], gen, 'float64')
        .mul(std)
        .add(centres.narrow(0, j, 1)),
    );
    return { x: cat(parts, 0), y: Array.from({ length: k * perBlob }, (_, i) => Math.floor(i / perBlob)) };
  });
}

// --- ARI / NMI ----------------------------------------------------------------------------------

test('ARI and NMI of a = [0,0,1,1], b = [0,0,1,2] are the hand-computed sklearn values 4/7 and 0.8', () => {
  // Contingency [[2,0,0],[0,1,1]]: Σ C(n_ij,2) = 1, Σ C(a_i,2) = 2, Σ C(b_j,2) = 1, C(4,2) = 6,
  // expected = 2·1/6 = 1/3, max = 3/2 → ARI = (1 − 1/3)/(3/2 − 1/3) = 4/7.
  // H(a) = ln 2, H(b) = 1.5 ln 2, I = ln 2 → NMI = ln 2 / 1.25 ln 2 = 0.8.
  close(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]), 4 / 7, 1e-12, 'ARI');
  close(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]), 0.5714285714, 1e-10, 'ARI');
  close(normalizedMutualInfo([0, 0, 1, 1], [0, 0, 1, 2]), 0.8, 1e-12, 'NMI');
  // Symmetric.
  close(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]), 4 / 7, 1e-12);
  close(normalizedMutualInfo([0, 0, 1, 2], [0, 0, 1, 1]), 0.8, 1e-12);
});

test('ARI and NMI of a second hand-computed table, and of the sklearn docstring examples', () => {
  // a = [0,0,0,1,1,1], b = [0,0,1,1,2,2]: table [[2,1,0],[0,1,2]].
  // index = 1 + 1 = 2; Σ C(a_i,2) = 3 + 3 = 6; Σ C(b_j,2) = 3; C(6,2) = 15; expected = 18/15 = 1.2;
  // max = 4.5 → ARI = 0.8 / 3.3 = 8/33.
  // I = (2/6)ln(2·6/(3·2))·2 + (1/6)ln(6/(3·2))·2 = (2/3) ln 2; H(a) = ln 2; H(b) = ln 3.
  const a = [0, 0, 0, 1, 1, 1];
  const b = [0, 0, 1, 1, 2, 2];
  close(adjustedRandIndex(a, b), 8 / 33, 1e-12, 'ARI');
  close(normalizedMutualInfo(a, b), ((2 / 3) * Math.log(2)) / ((Math.log(2) + Math.log(3)) / 2), 1e-12, 'NMI');
  // sklearn docs: adjusted_rand_score([0,0,1,1],[0,0,1,1]) = 1, ([0,0,1,2],[0,0,1,1]) = 0.57…,
  // ([0,0,0,0],[0,1,2,3]) = 0; normalized_mutual_info_score([0,0,1,1],[1,1,0,0]) = 1, ([0,0,0,0],[0,1,2,3]) = 0.
  close(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3]), 0, 1e-12);
  close(normalizedMutualInfo([0, 0, 0, 0], [0, 1, 2, 3]), 0, 1e-12);
  close(normalizedMutualInfo([0, 0, 1, 1], [1, 1, 0, 0]), 1, 1e-12);
});

test('ARI and NMI are 1 for identical and for renamed labelings, and ≈ 0 for independent ones', () => {
  const gen = new Generator(3);
  const a = scope(() => randint(0, 5, [3000], gen).toArray());
  const perm = [3, 0, 4, 1, 2];
  const renamed = a.map((v) => 10 * perm[v]! - 7);
  for (const b of [a, renamed, Int32Array.from(a)]) {
    close(adjustedRandIndex(a, b), 1, 1e-12);
    close(normalizedMutualInfo(a, b), 1, 1e-12);
  }
  const indep = scope(() => randint(0, 5, [3000], gen).toArray());
  close(adjustedRandIndex(a, indep), 0, 0.01, 'ARI of independent labels');
  close(normalizedMutualInfo(a, indep), 0, 0.01, 'NMI of independent labels');
  // Trivial partitions (sklearn's conventions).
  close(adjustedRandIndex([1, 1, 1], [2, 2, 2]), 1, 0);
  close(normalizedMutualInfo([1, 1, 1], [2, 2, 2]), 1, 0);
  close(adjustedRandIndex([0, 1, 2], [5, 4, 3]), 1, 0);
});

test('ARI and NMI reject labelings of different lengths, empty ones and non-integers', () => {
  assert.throws(() => adjustedRandIndex([0, 1], [0]), /same length/);
  assert.throws(() => normalizedMutualInfo([], []), /at least one/);
  assert.throws(() => adjustedRandIndex([0, 0.5], [0, 1]), /integers/);
});

// --- k-means ------------------------------------------------------------------------------------

test('kmeans recovers well-separated Gaussian blobs exactly (ARI = 1)', () => {
  scope(() => {
    const gen = new Generator(0);
    const { x, y } = blobs(5, 80, 6, 0.5, gen);
    const res = kmeans(x, 5, { gen: new Generator(1) });
    assert.equal(res.labels.length, 400);
    assert.equal(res.centers.length, 5);
    assert.equal(res.centers[0]!.length, 6);
    close(adjustedRandIndex(res.labels, y), 1, 0, 'ARI');
    close(normalizedMutualInfo(res.labels, y), 1, 1e-12, 'NMI');
    assert.ok(res.iterations >= 1 && res.iterations <= 300);
    // The reported inertia is the inertia of its centres, and each centre is the mean of its points.
    close(kmeansInertia(x, res.centers), res.inertia, 1e-9 * res.inertia);
    const rows = x.toArray();
    for (let j = 0; j < 5; j++) {
      const members = [...res.labels.keys()].filter((i) => res.labels[i] === j);
      for (let t = 0; t < 6; t++) {
        const mean = members.reduce((s, i) => s + rows[i * 6 + t]!, 0) / members.length;
        close(res.centers[j]![t]!, mean, 1e-9);
      }
    }
  });
});

test('kmeans inertia is never above that of random initial centres, and is deterministic given the seed', () => {
  scope(() => {
    const gen = new Generator(5);
    const x = randn([300, 4], gen, 'float64'); // no cluster structure: a harder landscape
    const rows = x.toArray();
    const res = kmeans(x, 6, { gen: new Generator(7), nInit: 3 });
    for (let trial = 0; trial < 20; trial++) {
      const picks = scope(() => randint(0, 300, [6], gen).toArray());
      const centres = picks.map((i) => rows.slice(i * 4, i * 4 + 4));
      assert.ok(res.inertia <= kmeansInertia(x, centres) + 1e-9, `trial ${trial}`);
    }
    const again = kmeans(x, 6, { gen: new Generator(7), nInit: 3 });
    assert.deepEqual(again.labels, res.labels);
    assert.deepEqual(again.centers, res.centers);
    assert.equal(again.inertia, res.inertia);
    // More restarts never do worse than the first of them (same first seeding stream).
    const one = kmeans(x, 6, { gen: new Generator(7), nInit: 1 });
    assert.ok(res.inertia <= one.inertia);
    // k = n: every point its own centre, inertia 0; k = 1: the centre is the mean.
    const small = x.narrow(0, 0, 7);
    close(kmeans(small, 7, { gen: new Generator(0) }).inertia, 0, 1e-12);
    const single = kmeans(small, 1, { gen: new Generator(0) });
    const sRows = small.toArray();
    for (let t = 0; t < 4; t++)
      close(single.centers[0]![t]!, [0, 1, 2, 3, 4, 5, 6].reduce((s, i) => s + sRows[i * 4 + t]!, 0) / 7, 1e-12);
  });
});

test('kmeans handles duplicate points and validates its arguments', () => {
  scope(() => {
    const x = tensor(
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [5, 5],
        [5, 5],
      ],
      undefined,
      'float64',
    );
    const res = kmeans(x, 2, { gen: new Generator(0) });
    close(res.inertia, 0, 1e-12);
    close(adjustedRandIndex(res.labels, [0, 0, 0, 1, 1]), 1, 0);
    assert.throws(() => kmeans(x, 6, { gen: new Generator(0) }), /k must be/);
    assert.throws(() => kmeans(x, 0, { gen: new Generator(0) }), /k must be/);
    assert.throws(() => kmeans(x, 2, {} as never), /Generator/);
    assert.throws(() => kmeans(x.reshape(10), 2, { gen: new Generator(0) }), /2-d/);
    assert.throws(
      () =>
        kmeans(
          tensor([
            [0, NaN],
            [1, 1],
          ]),
          1,
          { gen: new Generator(0) },
        ),
      /non-finite/,
    );
  });
});

// --- silhouette ---------------------------------------------------------------------------------

/** The silhouette written out by hand (O(n²) loops). */
function naiveSilhouette(rows: number[][], labels: number[]): number {
  const dist = (p: number[], q: number[]): number => Math.sqrt(p.reduce((s, v, t) => s + (v - q[t]!) ** 2, 0));
  const ids = [...new Set(labels)];
  let total = 0;
  rows.forEach((p, i) => {
    const mean = (c: number, skipSelf: boolean): number => {
      const m = rows.filter((_, j) => labels[j] === c && !(skipSelf && j === i));
      return m.reduce((s, q) => s + dist(p, q), 0) / m.length;
    };
    if (labels.filter((l) => l === labels[i]).length === 1) return;
    const a = mean(labels[i]!, true);
    const b = Math.min(...ids.filter((c) => c !== labels[i]).map((c) => mean(c, false)));
    total += (b - a) / Math.max(a, b);
  });
  return total / rows.length;
}

test('silhouette matches the hand-written definition (including a singleton cluster) across block sizes', () => {
  scope(() => {
    const gen = new Generator(11);
    const x = randn([23, 3], gen, 'float64');
    const labels = scope(() => randint(0, 3, [23], gen).toArray());
    labels[22] = 9; // a singleton cluster: s = 0
    const rows = Array.from({ length: 23 }, (_, i) => x.toArray().slice(i * 3, i * 3 + 3));
    const want = naiveSilhouette(rows, labels);
    for (const blockSize of [1, 5, 1024])
      close(silhouette(x, labels, { blockSize }), want, 1e-10, `block ${blockSize}`);
  });
});

test('silhouette is close to 1 for two clear clusters and ≈ 0 for random labels', () => {
  scope(() => {
    const gen = new Generator(2);
    const { x, y } = blobs(2, 200, 5, 0.3, gen);
    const s = silhouette(x, y);
    assert.ok(s > 0.9, `clear clusters: ${s}`);
    const random = scope(() => randint(0, 2, [400], gen).toArray());
    const r = silhouette(x, random);
    assert.ok(Math.abs(r) < 0.05, `random labels: ${r}`);
    assert.throws(() => silhouette(x, new Array(400).fill(0)), /distinct labels/);
    assert.throws(() => silhouette(x, [0, 1]), /one entry per row/);
  });
});
