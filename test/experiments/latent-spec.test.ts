// The spec's `latent` section with cl-ica's spaces and content/style latents
// (src/experiments/latent-spec.ts, space-consistency.ts): Paper A's specs resolve exactly as
// before; naming a space or a marginal fills the rest; what does not fit the space is refused
// before any work, each issue at its key path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildData, expandRuns, resolveSpec, runStreams, SpecError } from '../../src/experiments/index.js';
import { runKey } from '../../src/runs/index.js';

const base = { name: 'demo', conditional: { kind: 'vmf', kappa: 3 }, loss: { kind: 'infonce', tau: 0.3 } };

function issues(raw: unknown): string[] {
  try {
    resolveSpec(raw);
  } catch (e) {
    assert.ok(e instanceof SpecError, `expected a SpecError, got ${String(e)}`);
    return e.issues;
  }
  assert.fail('spec was accepted');
}

test("Paper A's latent section resolves to { dim } alone: same resolved spec, same run key", () => {
  for (const latent of [undefined, { dim: 3 }, { dim: 10 }]) {
    const spec = resolveSpec(latent === undefined ? base : { ...base, latent });
    assert.deepEqual(spec.latent, { dim: latent?.dim ?? 3 });
  }
  // Writing the defaults out is a different spec text, but the same law: only the key differs.
  const plain = expandRuns(resolveSpec({ ...base, latent: { dim: 3 } }))[0]!;
  const named = expandRuns(resolveSpec({ ...base, latent: { dim: 3, space: 'sphere' } }))[0]!;
  assert.deepEqual(named.spec.latent, { dim: 3, space: 'sphere', marginal: { kind: 'uniform' } });
  assert.notEqual(runKey(plain), runKey(named));
});

test('naming a space fills the marginal (uniform) and, on a box, the bounds [0, 1]', () => {
  const box = resolveSpec({ ...base, latent: { dim: 4, space: 'box' }, conditional: { kind: 'normal', scale: 0.1 } });
  assert.deepEqual(box.latent, { dim: 4, space: 'box', bounds: [0, 1], marginal: { kind: 'uniform' } });
  const real = resolveSpec({
    ...base,
    latent: { dim: 4, space: 'real', marginal: { kind: 'generalized-normal', beta: 3 } },
    conditional: { kind: 'laplace', scale: 0.1 },
  });
  assert.deepEqual(real.latent.marginal, { kind: 'generalized-normal', scale: 1, beta: 3 });
});

test('what does not fit the space is refused at its key path', () => {
  assert.deepEqual(issues({ ...base, latent: { dim: 4, space: 'real' }, conditional: { kind: 'normal', scale: 1 } }), [
    "latent.marginal.kind: marginal 'uniform' is not defined on latent.space real (allowed: normal, laplace, generalized-normal, content-style)",
  ]);
  assert.deepEqual(issues({ ...base, latent: { dim: 4, space: 'box' } }), [
    "conditional.kind: conditional 'vmf' is not defined on latent.space box (allowed: normal, laplace, generalized-normal)",
  ]);
  assert.deepEqual(issues({ ...base, latent: { dim: 4, bounds: [0, 1] } }), [
    'latent.bounds: latent.bounds applies to latent.space box only, got space sphere',
  ]);
  assert.deepEqual(
    issues({ ...base, latent: { dim: 4, space: 'box', bounds: [1, 0] }, conditional: { kind: 'normal', scale: 1 } }),
    ['latent.bounds: latent.bounds must be [low, high] with low < high, got [1, 0]'],
  );
  assert.deepEqual(
    issues({
      ...base,
      latent: { dim: 3, space: 'box' },
      conditional: { kind: 'normal', scale: 1 },
      process: { kind: 'spiral' },
    }),
    ["process.kind: process 'spiral' is defined on the sphere S² only, got latent.space box"],
  );
  assert.deepEqual(
    issues({
      ...base,
      latent: { dim: 3, space: 'box' },
      conditional: { kind: 'normal', scale: 1 },
      loss: { kind: 'adapted-infonce', tau: 0.3, rho: 0 },
    }),
    [
      "loss.kind: loss 'adapted-infonce' draws negatives uniformly on sub-spheres K(z) of the sphere, got latent.space box",
    ],
  );
});

test('content/style blocks fit the latent and agree between marginal and conditional', () => {
  const cs = (m: number, c: number, dim = 6): unknown => ({
    ...base,
    latent: { dim, space: 'real', marginal: { kind: 'content-style', content: m } },
    conditional: { kind: 'content-style', content: c },
  });
  assert.deepEqual(issues(cs(3, 2)), [
    "conditional.content: the conditional keeps 2 content coordinates but the marginal's content block has 3: set both to the same n_c",
  ]);
  assert.deepEqual(issues(cs(6, 6)), [
    'latent.marginal.content: content must leave at least one style coordinate (allowed: 1..5 for latent.dim 6), got 6',
    'conditional.content: content must leave at least one style coordinate (allowed: 1..5 for latent.dim 6), got 6',
  ]);
  const spec = resolveSpec(cs(3, 3));
  assert.deepEqual(spec.conditional, { kind: 'content-style', content: 3, changeProb: 1, scale: 1, dependence: false });
  // The data draw anchors from the marginal: the content block is copied into every positive.
  const data = buildData(expandRuns(spec)[0]!.spec, runStreams(0));
  try {
    const e = data.evalSet();
    assert.deepEqual(e.latents!.shape, [spec.eval.samples, 6]);
    assert.deepEqual(e.positives!.narrow(1, 0, 3).toArray(), e.inputs.narrow(1, 0, 3).toArray());
  } finally {
    data.dispose();
  }
});
