import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, liveTensors } from '../../src/torch/index.js';
import {
  ConstrainedSupport, diversityDiagnostic, FullSphereSupport, RestrictedVonMisesFisher, UniformSphere, VonMisesFisher,
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
    () => new ConstrainedSupport({ fixedDims: 2 }).sampleNegatives(anchors, 4, gen),
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
  assert.throws(() => new RestrictedVonMisesFisher({ kappa: 1, fixedDims: 4 }).sample(anchors, gen));
  assert.equal(liveTensors(), before);
  anchors.dispose();
});
