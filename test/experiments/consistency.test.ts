// Cross-section checks before any work (src/experiments/consistency.ts): each spec here used to pass
// validation and fail only when the run built its data or encoder (found by the spec fuzzer). Now
// each is a SpecError (exit 2) whose message names the key path and what is allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { dataKinds } from '../../src/data/kinds.js';
import { encoderKinds } from '../../src/encoders/kinds.js';
import { buildData, expandRuns, resolveSpec, runStreams, SpecError } from '../../src/experiments/index.js';
import { inputKindOf, type KindRegistry } from '../../src/registry/kind.js';
import { tempDir } from '../util/temp.js';

type Json = Record<string, unknown>;

const HOST: Json = {
  name: 'consistency',
  latent: { dim: 3 },
  conditional: { kind: 'vmf', kappa: 3 },
  loss: { kind: 'infonce', tau: 0.5 },
  train: { iterations: 2, batch: 8 },
  eval: { every: 2, samples: 32, metrics: [] },
};

/** The issues of a rejected spec (a SpecError with exit code 2). */
function issues(raw: Json): string[] {
  try {
    resolveSpec(raw);
  } catch (e) {
    assert.ok(e instanceof SpecError, `expected a SpecError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    return e.issues;
  }
  assert.fail('spec was accepted');
}

const accepted = (raw: Json): void => void resolveSpec(raw);

test('the encoder takes the inputs the data gives: vectors, square images or instance indices', () => {
  for (const kind of ['resnet18', 'vit', 'pixel-mlp'])
    assert.deepEqual(issues({ ...HOST, encoder: { kind } }), [
      `encoder.kind: encoder '${kind}' takes square images [C, H, W]; data 'latents' gives inputs of shape [3] (allowed encoders: mlp, linear)`,
    ]);
  // The process decides the latents' input dimension: linear S² → R⁷.
  assert.deepEqual(issues({ ...HOST, process: { kind: 'linear', outDim: 7 }, encoder: { kind: 'vit' } }), [
    "encoder.kind: encoder 'vit' takes square images [C, H, W]; data 'latents' gives inputs of shape [7] (allowed encoders: mlp, linear)",
  ]);
  assert.deepEqual(issues({ ...HOST, encoder: { kind: 'table' } }), [
    "encoder.kind: encoder 'table' takes instance indices (data 'free-embeddings'); data 'latents' gives inputs of shape [3] (allowed encoders: mlp, linear)",
  ]);
  assert.deepEqual(issues({ ...HOST, data: { kind: 'shapes' }, encoder: { kind: 'mlp', hidden: [8] } }), [
    "encoder.kind: encoder 'mlp' takes vectors [d]; data 'shapes' gives inputs of shape [3, 32, 32] (allowed encoders: resnet18, vit, pixel-mlp)",
  ]);
  assert.deepEqual(
    issues({
      ...HOST,
      data: { kind: 'free-embeddings', size: 8 },
      loss: { kind: 'nt-xent', tau: 0.5 },
      encoder: { kind: 'linear', outDim: 3 },
    }),
    [
      "encoder.kind: encoder 'linear' takes vectors [d]; data 'free-embeddings' gives inputs of shape [] (allowed encoders: table)",
    ],
  );
  accepted({ ...HOST, data: { kind: 'shapes' }, encoder: { kind: 'pixel-mlp' } });
  accepted({ ...HOST, data: { kind: 'mnist', train: 32, test: 16 }, encoder: { kind: 'vit', width: 32 } });
});

test('an encoder sized by the latents needs encoder.outDim on data without latents', () => {
  const hypercube = { ...HOST, data: { kind: 'hypercube', D: 8, k: 3 } };
  for (const kind of ['mlp', 'linear'])
    assert.deepEqual(issues({ ...hypercube, encoder: { kind } }), [
      `encoder.outDim: encoder '${kind}' sizes its embedding by the data's latents, and data 'hypercube' has none: set encoder.outDim (a positive integer)`,
    ]);
  accepted({ ...hypercube, encoder: { kind: 'mlp', hidden: [8], outDim: 4 } });
});

test('train.batch fits a finite set drawn without replacement; sets drawn with replacement take any batch', () => {
  const set = { ...HOST, data: { kind: 'latent-set', size: 64 } };
  assert.deepEqual(issues({ ...set, train: { iterations: 2, batch: 65 } }), [
    "train.batch: data 'latent-set' draws each batch without replacement from its 64 instances (allowed: 1..64), got 65",
  ]);
  accepted({ ...set, train: { iterations: 2, batch: 64 } });
  // A swept batch is checked point by point.
  assert.deepEqual(issues({ ...set, sweep: { 'train.batch': [8, 128] } }), [
    "sweep.train.batch = 128: train.batch: data 'latent-set' draws each batch without replacement from its 64 instances (allowed: 1..64), got 128",
  ]);
  // clusters draw anchors with replacement; image sets take one step of all images when the batch is larger.
  accepted({
    ...HOST,
    data: { kind: 'clusters', clusters: 2, pointsPerCluster: 8, dim: 6, intertwine: 1 },
    encoder: { kind: 'mlp', hidden: [8], outDim: 3 },
    train: { iterations: 2, batch: 500 },
  });
  accepted({
    ...HOST,
    data: { kind: 'mnist', train: 32, test: 16 },
    encoder: { kind: 'pixel-mlp' },
    train: { iterations: 2, batch: 500 },
  });
});

test('data and processes that need S² or a wide enough process say so at their keys', () => {
  assert.deepEqual(issues({ ...HOST, latent: { dim: 4 }, data: { kind: 'shapes' }, encoder: { kind: 'pixel-mlp' } }), [
    "latent.dim: data 'shapes' renders points of S² (allowed: latent.dim 3), got latent.dim 4",
  ]);
  assert.deepEqual(issues({ ...HOST, latent: { dim: 10 }, process: { kind: 'linear', outDim: 7 } }), [
    "process.outDim: process 'linear' needs outDim ≥ latent.dim for W to have full column rank (allowed: 10 or more), got 7",
  ]);
  accepted({ ...HOST, latent: { dim: 7 }, process: { kind: 'linear', outDim: 7 } });
});

test('settings one kind cannot use are refused at their keys', () => {
  const images = { ...HOST, data: { kind: 'mnist', train: 32, test: 16 } };
  assert.deepEqual(issues({ ...images, encoder: { kind: 'pixel-mlp', width: 8 } }), [
    "encoder.width: encoder 'pixel-mlp' has no width; set encoder.hidden",
  ]);
  assert.deepEqual(issues({ ...images, encoder: { kind: 'resnet18', hidden: [8] } }), [
    "encoder.hidden: encoder 'resnet18' has no hidden widths; set encoder.width",
  ]);
  assert.deepEqual(issues({ ...images, encoder: { kind: 'vit', width: 30 } }), [
    "encoder.width: encoder 'vit' (size cpu) has 4 heads: width must be a multiple of 4, got 30",
  ]);
  assert.deepEqual(issues({ ...images, data: { kind: 'mnist', train: 9000, test: 2000 }, encoder: { kind: 'vit' } }), [
    'data.test: data.train + data.test = 11000 exceeds the 10000 bundled digits (allowed: train + test ≤ 10000)',
  ]);
});

test('every data kind declares the inputs its built source gives; every encoder what it accepts', () => {
  for (const [name, kind] of Object.entries(encoderKinds as KindRegistry))
    assert.ok(kind.accepts !== undefined, `encoder '${name}' declares accepts`);
  for (const [name, kind] of Object.entries(dataKinds as KindRegistry)) {
    const example = kind.example as Json;
    if (typeof example['path'] === 'string' && !fs.existsSync(example['path'])) continue;
    assert.ok(kind.inputs !== undefined, `data '${name}' declares inputs`);
    const declared = kind.inputs!(kind.schema.parse(example), { latentDim: 3, processOutDim: 3 });
    const encoder = {
      indices: { kind: 'table' },
      images: { kind: 'pixel-mlp' },
      vectors: { kind: 'linear', outDim: 3 },
    }[inputKindOf(declared.shape)!];
    const spec = expandRuns(resolveSpec({ ...HOST, data: example, encoder, loss: { kind: 'nt-xent', tau: 0.5 } }))[0]!
      .spec;
    const source = buildData(spec, runStreams(0));
    try {
      assert.deepEqual(declared.shape, source.inputShape, `data '${name}' input shape`);
      assert.equal(declared.latentDim, source.latentDim, `data '${name}' latent dimension`);
      assert.equal(declared.size, source.size, `data '${name}' size`);
    } finally {
      source.dispose();
    }
  }
});

test('clab run exits 2 on such a spec before any work, naming the key path and the allowed encoders', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const dir = tempDir('consistency');
  const file = path.join(dir, 'spec.yaml');
  fs.writeFileSync(file, YAML.stringify({ ...HOST, encoder: { kind: 'resnet18' } }));
  const { NODE_TEST_CONTEXT: _ctx, ...env } = process.env;
  const r = spawnSync(process.execPath, [path.join(root, 'dist/src/cli/main.js'), 'run', file, '--root', dir], {
    env: { ...env, CLAB_THREADS: '1' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /encoder\.kind: encoder 'resnet18' takes square images \[C, H, W\]; .*allowed encoders: mlp, linear/,
  );
  assert.ok(!fs.readdirSync(dir).some((f) => f !== 'spec.yaml' && fs.existsSync(path.join(dir, f, 'meta.json'))));
});

test('coordinate metrics need more evaluation samples than dimensions + 1 (R² was 1.000 by interpolation, MCC by chance)', () => {
  const spec = (dim: number, samples: number, metrics: unknown[]): Json => ({
    ...HOST,
    latent: { dim },
    eval: { every: 2, samples, metrics },
  });
  assert.deepEqual(issues(spec(40, 32, ['r2'])), [
    "eval.samples: metric 'r2' (eval.metrics.0) relates 40 latent and 40 embedding coordinates over eval.samples, which must exceed the larger dimension + 1 or the fit interpolates (R² = 1) and the correlations match by chance (allowed: 42 or more), got 32",
  ]);
  // The embedding may be wider than the latents; a held-out R² fits on the part not held out.
  assert.match(
    issues({ ...spec(3, 32, ['mcc']), encoder: { kind: 'mlp', hidden: [8], outDim: 64 } })[0]!,
    /relates 3 latent and 64 embedding coordinates .* \(allowed: 66 or more\), got 32$/,
  );
  assert.match(issues(spec(3, 6, [{ kind: 'r2', testFraction: 0.5 }]))[0]!, /got 6 \(3 after holding out 3\)$/);
  accepted(spec(40, 42, ['r2', 'mcc']));
  accepted(spec(3, 32, ['r2', 'mcc', 'ape']));
});

test('two metrics reporting under one name are refused at the later one (r2 twice without distinct `as`)', () => {
  const spec = (metrics: unknown[]): Json => ({ ...HOST, eval: { every: 2, samples: 32, metrics } });
  assert.deepEqual(issues(spec(['r2', 'mcc', { kind: 'r2', average: 'pooled' }])), [
    "eval.metrics.2: metric 'r2' (eval.metrics.2) reports 'r2', already reported by eval.metrics.0: give one of them another name (as: e.g. 'r2Pooled')",
  ]);
  // `as` may also clash with another kind's name, and per-factor names count.
  assert.match(
    issues(spec(['mcc', { kind: 'r2', as: 'mcc' }]))[0]!,
    /^eval\.metrics\.1: .* reports 'mcc', already reported by eval\.metrics\.0/,
  );
  assert.match(
    issues(
      spec([
        { kind: 'r2', perFactor: true },
        { kind: 'r2', as: 'r2_1' },
      ]),
    )[0]!,
    /^eval\.metrics\.1: metric 'r2' \(eval\.metrics\.1\) reports 'r2_1'/,
  );
  assert.match(issues(spec([{ kind: 'r2', as: '2r' }]))[0]!, /^eval\.metrics\.0\.as: as must start with a letter/);
  accepted(
    spec([
      'r2',
      { kind: 'r2', average: 'pooled', as: 'r2Pooled' },
      { kind: 'r2', intercept: false, as: 'r2NoIntercept' },
    ]),
  );
});

test('r2 left at its defaults resolves as before average, intercept and as existed (run keys unchanged)', () => {
  const spec = resolveSpec({ ...HOST, eval: { every: 2, samples: 32, metrics: ['r2'] } });
  assert.deepEqual(spec.eval.metrics, [{ kind: 'r2', testFraction: 0, perFactor: false }]);
});

test("ape left at its defaults resolves as before pairs and as existed; the reference code's APE goes under its own name", () => {
  const spec = (metrics: unknown[]): Json => ({ ...HOST, eval: { every: 2, samples: 32, metrics } });
  assert.deepEqual(resolveSpec(spec(['ape'])).eval.metrics, [{ kind: 'ape' }]);
  accepted(spec(['ape', { kind: 'ape', pairs: 'all-halved', as: 'apeReference' }]));
  assert.match(
    issues(spec(['ape', { kind: 'ape', pairs: 'all-halved' }]))[0]!,
    /^eval\.metrics\.1: metric 'ape' \(eval\.metrics\.1\) reports 'ape', already reported by eval\.metrics\.0/,
  );
  assert.match(issues(spec([{ kind: 'ape', pairs: 'half' }]))[0]!, /^eval\.metrics\.0\.pairs: .*distinct.*all-halved/);
});

test('clab run exits 2 on two metrics reporting r2, naming the key path', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const dir = tempDir('consistency-names');
  const file = path.join(dir, 'spec.yaml');
  fs.writeFileSync(
    file,
    YAML.stringify({ ...HOST, eval: { every: 2, samples: 32, metrics: ['r2', { kind: 'r2', intercept: false }] } }),
  );
  const { NODE_TEST_CONTEXT: _ctx, ...env } = process.env;
  const r = spawnSync(process.execPath, [path.join(root, 'dist/src/cli/main.js'), 'run', file, '--root', dir], {
    env: { ...env, CLAB_THREADS: '1' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /eval\.metrics\.1: metric 'r2' \(eval\.metrics\.1\) reports 'r2', already reported by eval\.metrics\.0/,
  );
  assert.ok(!fs.readdirSync(dir).some((f) => f !== 'spec.yaml' && fs.existsSync(path.join(dir, f, 'meta.json'))));
});
