// `clab export`: a finished run's final checkpoint, its held-out embeddings and true latents as
// .npy, its weights as safetensors — read back with our own readers and checked against the run's
// own final evaluation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildData, buildEncoder, runStreams, type RunSpec } from '../../src/experiments/index.js';
import { loadNpy, loadSafetensors } from '../../src/io/index.js';
import { r2 } from '../../src/metrics/index.js';
import { tempDir } from '../util/temp.js';
import { clab, tinySpec as tiny } from '../util/cli.js';

test('after `clab run` the final step is checkpointed; `clab export` writes embeddings, latents and weights that read back', () => {
  const store = tempDir('export');
  // 50 iterations with checkpoints every 20: the last checkpoint is only there because the end always is one.
  assert.equal(clab(['run', tiny, '--root', store, '--set', 'train.iterations=50', '--set', 'eval.every=25']).code, 0);
  const id = fs.readdirSync(store).find((d) => fs.existsSync(path.join(store, d, 'meta.json')))!;
  const dir = path.join(store, id);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'checkpoints')).sort(), [
    'step-00000040.safetensors',
    'step-00000050.safetensors',
  ]);

  const out = tempDir('export-out');
  const [emb, weights] = [path.join(out, 'emb.npy'), path.join(out, 'encoder.safetensors')];
  const r = clab(['export', id.slice(0, 16), '--root', store, '--embeddings', emb, '--weights', weights, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const event = JSON.parse(r.stdout) as { id: string; step: number; final: boolean };
  assert.deepEqual([event.id, event.step, event.final], [id, 50, true]);

  const run = JSON.parse(fs.readFileSync(path.join(dir, 'spec.json'), 'utf8')) as RunSpec;
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as {
    metrics: Record<string, number>;
    sample: { truth: number[][]; recovered: number[][] };
  };
  const e = loadNpy(emb);
  const z = loadNpy(path.join(out, 'emb.latents.npy'));
  assert.deepEqual([e.shape, e.dtype, z.shape], [[run.spec.eval.samples, 3], 'float32', [run.spec.eval.samples, 3]]);
  // The run's final evaluation saw exactly these arrays: the same R², and the stored sample's points.
  assert.ok(
    Math.abs(r2(z, e).r2 - summary.metrics['r2']!) < 1e-5,
    `R² ${r2(z, e).r2} vs the run's ${summary.metrics['r2']}`,
  );
  const rows = e.toArray();
  summary.sample.recovered
    .slice(0, 50)
    .forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - rows[i * 3 + j]!) < 1e-4)));

  // The weights: PyTorch's state-dict names, and they load strictly into the spec's encoder.
  const { tensors, metadata } = loadSafetensors(weights);
  assert.equal(metadata['clab.step'], '50');
  assert.ok(
    tensors.has('net.0.weight') && [...tensors.keys()].every((k) => !k.startsWith('model.') && !k.startsWith('optim.')),
  );
  const gens = runStreams(run.seed);
  const data = buildData(run.spec, gens);
  const encoder = buildEncoder(run.spec, data, gens.init);
  assert.deepEqual(encoder.loadStateDict(tensors), { missingKeys: [], unexpectedKeys: [] });
  for (const t of [e, z, ...tensors.values()]) t.dispose();
  encoder.dispose();
  data.dispose();

  // Asking for nothing, or for a split the data lacks, is a usage error (2) before any work.
  assert.equal(clab(['export', id, '--root', store]).code, 2);
  const noTrain = clab(['export', id, '--root', store, '--embeddings', emb, '--split', 'train']);
  assert.equal(noTrain.code, 2);
  assert.match(noTrain.stderr, /no labelled training split/);
});
