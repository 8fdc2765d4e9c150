import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  F,
  Generator,
  isGradEnabled,
  keep,
  linalg,
  liveTensors,
  randn,
  scope,
  type Tensor,
} from '../../src/torch/index.js';
import {
  METRIC_NAMES,
  ape,
  apeMetric,
  hungarian,
  mcc,
  mccMetric,
  metricByName,
  orthogonality,
  orthogonalityMetric,
  r2,
  r2Metric,
  type Metric,
} from '../../src/metrics/index.js';

const sphere = (n: number, k: number, gen: Generator): Tensor => F.normalize(randn([n, k], gen, 'float64'), 1);

test('Metric forms return named plain numbers', () => {
  scope(() => {
    const gen = new Generator(0);
    const z = sphere(500, 3, gen);
    const zHat = z.matmul(linalg.qr(randn([3, 3], gen, 'float64')).Q);
    const r = r2Metric()(z, zHat);
    assert.deepEqual(Object.keys(r), ['r2', 'r2_0', 'r2_1', 'r2_2']);
    assert.ok(Math.abs(r['r2']! - 1) < 1e-9);
    assert.deepEqual(Object.keys(r2Metric({ testFraction: 0.2, gen })(z, zHat)), ['r2', 'r2_0', 'r2_1', 'r2_2']);
    assert.deepEqual(Object.keys(mccMetric()(z, zHat)), ['mcc']);
    assert.ok(apeMetric({ maxSamples: 100 })(z, zHat)['ape']! < 1e-12);
    const o = orthogonalityMetric()(z, zHat);
    assert.deepEqual(Object.keys(o), ['orthogonalityError', 'procrustesResidual', 'sigmaMin', 'sigmaMax']);
    assert.ok(Math.abs(o['sigmaMin']! - 1) < 1e-9 && Math.abs(o['sigmaMax']! - 1) < 1e-9);
  });
});

test('metricByName gives each registered metric and names the valid ones for an unknown name', () => {
  assert.deepEqual([...METRIC_NAMES], ['r2', 'mcc', 'ape', 'orthogonality']);
  scope(() => {
    const gen = new Generator(1);
    const z = sphere(300, 3, gen);
    const zHat = z.add(randn([300, 3], gen, 'float64').mul(0.1));
    for (const name of METRIC_NAMES) {
      const metric: Metric = metricByName(name);
      const out = metric(z, zHat);
      assert.ok(Object.keys(out).length > 0);
      for (const [key, v] of Object.entries(out)) assert.ok(Number.isFinite(v), `${name}.${key} = ${v}`);
    }
    assert.deepEqual(metricByName('mcc')(z, zHat), { mcc: mcc(z, zHat).mcc });
  });
  assert.throws(() => metricByName('r3'), {
    name: 'RangeError',
    message: "unknown metric 'r3'; valid metrics: r2, mcc, ape, orthogonality",
  });
  assert.throws(() => metricByName('toString'), /unknown metric 'toString'/);
});

test('metrics leave no tensors behind, accept float32 and grad-requiring inputs, and keep grad mode', () => {
  const gen = new Generator(2);
  const [z, zHat] = keep(
    scope(() => {
      const zz = F.normalize(randn([400, 3], gen), 1); // float32
      return [
        zz,
        zz
          .matmul(linalg.qr(randn([3, 3], gen)).Q)
          .detach()
          .requiresGrad_(),
      ];
    }),
  );
  try {
    const before = liveTensors();
    const gradBefore = isGradEnabled();
    // Called outside any scope: every intermediate must be freed by the metrics themselves.
    const results = [
      r2(z, zHat).r2,
      r2(z, zHat, { testFraction: 0.3, gen }).r2,
      mcc(z, zHat).mcc,
      ape(z, zHat, { chunkSize: 64 }).ape,
      orthogonality(z, zHat).orthogonalityError,
    ];
    assert.equal(liveTensors(), before);
    assert.equal(isGradEnabled(), gradBefore);
    assert.ok(Math.abs(results[0]! - 1) < 1e-6 && Math.abs(results[1]! - 1) < 1e-6);
    assert.ok(results[3]! < 1e-6 && results[4]! < 1e-5, `${results}`);
    const short = zHat.narrow(0, 0, 3);
    assert.throws(() => r2(z, short), /same number of samples/);
    short.dispose();
    assert.equal(liveTensors(), before);
    assert.equal(hungarian([[1]]).total, 1);
  } finally {
    z.dispose();
    zHat.dispose();
  }
});
