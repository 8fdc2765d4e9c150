import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandRuns, parseSpecText, resolveSpec, SpecError } from '../../src/experiments/index.js';

const base = {
  name: 'demo',
  conditional: { kind: 'vmf', kappa: 3.333 },
  loss: { kind: 'infonce', tau: 0.3 },
};

/** The issues of a rejected spec. */
function issues(raw: unknown, set: string[] = [], preset?: string): string[] {
  try {
    resolveSpec(raw, { set, ...(preset ? { preset } : {}) });
  } catch (e) {
    assert.ok(e instanceof SpecError, `expected a SpecError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    return e.issues;
  }
  assert.fail('spec was accepted');
}

test('defaults are filled in one place and written out in full', () => {
  const spec = resolveSpec(base);
  assert.deepEqual(spec.latent, { dim: 3 });
  assert.deepEqual(spec.process, { kind: 'identity' });
  assert.deepEqual(spec.encoder, {
    kind: 'mlp',
    hidden: [128, 256, 256, 256, 128],
    batchNorm: true,
    order: 'act-norm',
  });
  assert.deepEqual(spec.train, {
    iterations: 5000,
    batch: 2000,
    optimizer: { kind: 'adam', lr: 1e-3, weightDecay: 0 },
    schedule: { kind: 'constant' },
    checkpointEvery: 250,
  });
  assert.deepEqual(spec.data, { kind: 'latents' });
  assert.deepEqual(spec.auxiliary, []);
  assert.deepEqual(spec.seeds, [0]);
});

test('rejections name the key path and the allowed values', () => {
  assert.deepEqual(issues({ ...base, loss: { kind: 'infonce', tau: 0 } }), ['loss.tau: tau must be > 0 (got 0)']);
  assert.deepEqual(issues({ ...base, conditional: { kind: 'vmf', kappa: -1 } }), [
    'conditional.kappa: kappa must be > 0 (got -1)',
  ]);
  assert.deepEqual(
    issues({
      ...base,
      loss: { kind: 'adapted-infonce', tau: 0.3, rho: 1.5 },
      conditional: { kind: 'restricted-vmf', kappa: 3, fixedDims: 1 },
    }),
    ['loss.rho: rho must be in [0, 1] (got 1.5)'],
  );
  assert.deepEqual(issues({ ...base, conditional: { kind: 'restricted-vmf', kappa: 3, fixedDims: 4 } }), [
    'conditional.fixedDims: conditional.fixedDims can hold at most every latent coordinate (allowed: 0..3 for latent.dim 3), got 4',
  ]);
  assert.deepEqual(issues({ ...base, conditional: { kind: 'vmff', kappa: 3 } }), [
    'conditional.kind: got "vmff"; allowed values: vmf, restricted-vmf, normal, laplace, generalized-normal, content-style',
  ]);
  assert.deepEqual(issues({ ...base, loss: { kind: 'infonce', tau: 0.3, temperature: 1 } }), [
    "loss: unknown key 'temperature' (allowed: kind, tau, negatives, count, gather)",
  ]);
  assert.deepEqual(issues({ ...base, extra: 1 }), [
    "(top level): unknown key 'extra' (allowed: name, description, latent, conditional, process, data, encoder, loss, auxiliary, train, eval, seeds, sweep, derived, presets)",
  ]);
  assert.deepEqual(issues({ ...base, process: { kind: 'patches', variant: 'x' } }), [
    'process.variant: got "x"; allowed values: reference, design',
  ]);
  assert.deepEqual(issues({ ...base, train: { iterations: 2.5 } }), [
    'train.iterations: iterations must be an integer (got 2.5)',
  ]);
  assert.deepEqual(issues({ ...base, latent: { dim: 4 }, process: { kind: 'spiral' } }), [
    "process.kind: process.kind 'spiral' is defined on S² only (latent.dim 3), got latent.dim 4",
  ]);
  assert.deepEqual(issues({ ...base, process: { kind: 'identity' }, encoder: { kind: 'inverse-spiral' } }), [
    "encoder.kind: encoder.kind 'inverse-spiral' inverts process 'spiral', but process.kind is 'identity'",
  ]);
  assert.deepEqual(issues({ name: 'x', loss: { kind: 'infonce', tau: 1 } }), [
    "conditional: data 'latents' draws positives from the latent conditional: set conditional: { kind: vmf, kappa } (allowed kinds on latent.space sphere: vmf, restricted-vmf, normal, laplace, generalized-normal)",
  ]);
});

test('restricted-vmf may hold every latent coordinate (Paper A, Table 7 d_fixed = k)', () => {
  const spec = resolveSpec({ ...base, conditional: { kind: 'restricted-vmf', kappa: 3, fixedDims: 3 } });
  assert.deepEqual(spec.conditional, { kind: 'restricted-vmf', kappa: 3, fixedDims: 3 });
});

test('--set overrides and presets apply before validation', () => {
  const spec = resolveSpec(
    { ...base, presets: { quick: { 'train.iterations': 10, 'train.batch': 64 } } },
    { preset: 'quick', set: ['loss.tau=0.1', 'seeds=[1, 2]'] },
  );
  assert.equal(spec.train.iterations, 10);
  assert.equal(spec.train.batch, 64);
  assert.equal(spec.loss.kind === 'infonce' && spec.loss.tau, 0.1);
  assert.deepEqual(spec.seeds, [1, 2]);
  assert.deepEqual(issues(base, ['loss.tau=-2']), ['loss.tau: tau must be > 0 (got -2)']);
  assert.deepEqual(issues({ ...base, presets: { quick: {} } }, [], 'fast'), [
    "--preset: got 'fast'; allowed values: quick",
  ]);
  assert.deepEqual(issues(base, ['loss.tau']), ["expected key.path=value, got 'loss.tau'"]);
});

test('sweeps expand to the cartesian product times the seeds, each fully resolved', () => {
  const spec = resolveSpec({
    ...base,
    conditional: { kind: 'restricted-vmf', kappa: 3.333, fixedDims: 1 },
    loss: { kind: 'adapted-infonce', tau: 0.3 },
    seeds: [0, 1],
    sweep: { 'loss.rho': [0, 0.5, 1], 'train.batch': [100, 200] },
  });
  const runs = expandRuns(spec);
  assert.equal(runs.length, 12);
  assert.deepEqual(runs[0]!.point, { 'loss.rho': 0, 'train.batch': 100 });
  assert.equal(runs[0]!.spec.loss.kind === 'adapted-infonce' && runs[0]!.spec.loss.rho, 0);
  assert.deepEqual(
    runs.map((r) => r.seed),
    [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
  );
  assert.ok(!('sweep' in runs[0]!.spec));
  assert.deepEqual(issues({ ...base, sweep: { 'loss.tau': [0.1, -1] } }), [
    'sweep.loss.tau = -1: loss.tau: tau must be > 0 (got -1)',
  ]);
});

test('YAML text parses, and a YAML syntax error is a SpecError', () => {
  assert.deepEqual(parseSpecText('name: a\nlatent: { dim: 3 }\n', 'a.yaml'), { name: 'a', latent: { dim: 3 } });
  assert.throws(() => parseSpecText('name: [unclosed\n', 'bad.yaml'), SpecError);
  assert.throws(() => parseSpecText('a: 1\na: 2\n', 'dup.yaml'), /Map keys must be unique/);
});

test('derived values follow the settings they are computed from, through --set and sweeps', () => {
  const spec = resolveSpec(
    { ...base, conditional: { kind: 'vmf', kappa: '=1/loss.tau' }, sweep: { 'loss.tau': [0.5, 0.25] } },
    { set: ['loss.tau=0.1'] },
  );
  assert.ok(spec.conditional?.kind === 'vmf' && Math.abs(spec.conditional.kappa - 10) < 1e-12);
  assert.deepEqual(
    expandRuns(spec).map((r) => r.spec.conditional?.kind === 'vmf' && r.spec.conditional.kappa),
    [2, 4],
  );
  assert.deepEqual(issues({ ...base, conditional: { kind: 'vmf', kappa: '=1/loss.temperature' } }), [
    "conditional.kappa: 'loss.temperature' is not a numeric setting of this spec (got nothing)",
  ]);
});

test('the data must provide what the loss and the metrics need', () => {
  assert.deepEqual(issues({ ...base, conditional: undefined }), [
    "conditional: data 'latents' draws positives from the latent conditional: set conditional: { kind: vmf, kappa } (allowed kinds on latent.space sphere: vmf, restricted-vmf, normal, laplace, generalized-normal)",
  ]);
  assert.deepEqual(issues({ ...base, auxiliary: [{ kind: 'vrns' }] }), [
    "auxiliary.0.datasetSize: auxiliary vrns needs the training-set size k (δ = −1/(k − 1)); data 'latents' provides latents, positives, shared-negatives, support-negatives, view-negatives, no finite set: set datasetSize",
  ]);
});
