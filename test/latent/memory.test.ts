import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, liveTensors, memoryStats, resetPeakMemory } from '../../src/torch/index.js';
import {
  ConstrainedSupport,
  diversityDiagnostic,
  FullSphereSupport,
  RestrictedVonMisesFisher,
  UniformSphere,
  VonMisesFisher,
  sampleUniformSphere,
  sampleVonMisesFisher,
} from '../../src/latent/index.js';

test('samplers and the diagnostic free every intermediate: only the returned tensor stays alive', () => {
  const gen = new Generator(51);
  const marginal = new UniformSphere(5);
  const anchors = marginal.sample(300, gen);
  const before = liveTensors();
  const calls = [
    () => marginal.sample(300, gen),
    () => new VonMisesFisher({ kappa: 3.33 }).sample(anchors, gen),
    () => new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 2 }).sample(anchors, gen),
    () => new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 4 }).sample(anchors, gen),
    () => new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 5 }).sample(anchors, gen),
    () => new ConstrainedSupport({ fixedDims: 2 }).sampleNegatives(anchors, 4, gen),
    () => new ConstrainedSupport({ fixedDims: 5 }).sampleNegatives(anchors, 4, gen),
    () => new FullSphereSupport().sampleNegatives(anchors, 4, gen),
  ];
  for (let rep = 0; rep < 3; rep++) {
    for (const call of calls) {
      const out = call();
      assert.equal(liveTensors(), before + 1);
      out.dispose();
    }
  }
  diversityDiagnostic(marginal, new RestrictedVonMisesFisher({ kappa: 3.33, fixedDims: 1 }), gen, { samples: 256 });
  assert.equal(liveTensors(), before);
  // A failing call frees what it made, too.
  assert.throws(() => new RestrictedVonMisesFisher({ kappa: 1, fixedDims: 6 }).sample(anchors, gen));
  assert.equal(liveTensors(), before);
  anchors.dispose();
});

test('vMF sampling holds at most about four [n, k] float64 buffers at once (intermediates freed as used)', () => {
  const gen = new Generator(52);
  const [n, k] = [20_000, 64];
  const mu = sampleUniformSphere(n, k, gen);
  const buffer = n * k * 8; // one [n, k] float64 tensor: 10 MB
  resetPeakMemory();
  const before = memoryStats().inUseBytes;
  const z = sampleVonMisesFisher(mu, 3.33, gen);
  const peak = memoryStats().peakInUseBytes - before;
  // μ in float64, V, one temporary, the float32 result (half a buffer) and small [n] vectors.
  assert.ok(peak < 4 * buffer, `peak ${(peak / buffer).toFixed(2)} buffers`);
  assert.ok(peak > 2 * buffer, 'the measurement sees the working buffers');
  z.dispose();
  mu.dispose();
});
