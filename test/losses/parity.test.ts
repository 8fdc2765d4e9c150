// InfoNCE and NT-Xent against PyTorch 1.13 (test/fixtures/make_fixtures.py): values, per-anchor
// losses and gradients w.r.t. every input, in float32, to 1e-5.
import { test } from 'node:test';
import { scope } from '../../src/torch/index.js';
import { infoNCE, ntXent } from '../../src/losses/index.js';
import { assertClose, parityFixtures, toTensor } from '../util/fixtures.js';

test('infoNCE with shared negatives matches PyTorch: loss, per-anchor values, gradients', () => {
  const f = parityFixtures().infonce;
  scope(() => {
    const [a, p, n] = [toTensor(f.anchors), toTensor(f.positives), toTensor(f.negatives)].map((t) => t.requiresGrad_());
    const out = infoNCE({ tau: f.tau })({ anchors: a!, positives: p!, negatives: n! });
    assertClose(out.loss.item(), f.loss, { label: 'loss' });
    assertClose(out.perAnchor, f.perAnchor, { label: 'perAnchor' });
    out.loss.backward();
    assertClose(a!.grad!, f.gradAnchors, { label: 'd/d anchors' });
    assertClose(p!.grad!, f.gradPositives, { label: 'd/d positives' });
    assertClose(n!.grad!, f.gradNegatives, { label: 'd/d negatives' });
  });
});

test('ntXent (SimCLR in-batch) matches PyTorch: loss, per-anchor values, gradients of both views', () => {
  const f = parityFixtures().ntxent;
  scope(() => {
    const u = toTensor(f.view1).requiresGrad_();
    const v = toTensor(f.view2).requiresGrad_();
    const out = ntXent({ tau: f.tau })({ anchors: u, positives: v });
    assertClose(out.loss.item(), f.loss, { label: 'loss' });
    assertClose(out.perAnchor, f.perAnchor, { label: 'perAnchor' });
    out.loss.backward();
    assertClose(u.grad!, f.gradView1, { label: 'd/d view1' });
    assertClose(v.grad!, f.gradView2, { label: 'd/d view2' });
  });
});
