// kill -9 mid-training for every kind of run besides Paper A's latents (kill9.test.ts): images
// (MNIST through the image-set source with augmentations and a ResNet-18; rendered shapes), Paper
// B's free embeddings with VRNS, Paper C's hypercube and Paper D's clustered data. Each run is
// trained once uninterrupted through the real CLI; then again in another store, killed with
// SIGKILL once it has a checkpoint, and finished with `clab resume <id>`: summary.json and
// metrics.jsonl equal the uninterrupted run's, to the last bit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../util/temp.js';
import { clab } from '../cluster/clab.js';
import { clabUntil, numbersOf, runDirs, writeSpec } from './helpers.js';

/** Small specs of each kind: a few seconds of training, a checkpoint every few steps. */
const SPECS: Record<string, string> = {
  'an image run (MNIST, augmentation all, ResNet-18)': `name: rel/mnist
data: { kind: mnist, train: 256, test: 128, augmentation: all }
encoder: { kind: resnet18, width: 4, outDim: 16 }
loss: { kind: nt-xent, tau: 0.5 }
train: { iterations: 60, batch: 32, checkpointEvery: 4 }
eval: { every: 30, metrics: [{ kind: linear-probe, epochs: 20 }, { kind: knn, k: 5 }] }
seeds: [0]
`,
  'an image run (rendered shapes, restricted vMF, pixel MLP)': `name: rel/shapes
latent: { dim: 3 }
conditional: { kind: restricted-vmf, kappa: 3.3333, fixedDims: 1 }
data: { kind: shapes, augmentation: all }
encoder: { kind: pixel-mlp, hidden: [64], outDim: 3 }
loss: { kind: infonce, tau: 0.3, negatives: shared, count: 16 }
train: { iterations: 60, batch: 16, checkpointEvery: 3 }
eval: { every: 30, samples: 100, metrics: [{ kind: r2, perFactor: true }, mcc] }
seeds: [0]
`,
  'a Paper B run (free embeddings, fixed mini-batches, VRNS)': `name: rel/free-embeddings
data: { kind: free-embeddings, size: 16, miniBatch: 4 }
encoder: { kind: table, dtype: float64 }
loss: { kind: nt-xent, tau: 0.5 }
auxiliary: [{ kind: vrns, weight: 30 }]
train: { iterations: 1000, optimizer: { kind: adam, lr: 0.05 }, checkpointEvery: 10 }
eval: { every: 250, metrics: [similarity, similarity-range] }
seeds: [0]
`,
  'a Paper C run (hypercube)': `name: rel/hypercube
data: { kind: hypercube, D: 16, k: 3, probeTrain: 200 }
encoder: { kind: mlp, hidden: [64], batchNorm: false, outDim: 16 }
loss: { kind: nt-xent, tau: 0.5 }
train: { iterations: 400, batch: 64, checkpointEvery: 5 }
eval: { every: 100, samples: 256, metrics: [{ kind: eval-loss, batch: 64 }, { kind: linear-probe, epochs: 30 }] }
seeds: [0]
`,
  'a Paper D run (clusters)': `name: rel/clusters
data: { kind: clusters, clusters: 3, pointsPerCluster: 16, dim: 9, intertwine: 0.5 }
encoder: { kind: mlp, hidden: [64, 64], batchNorm: false, outDim: 3 }
loss: { kind: infonce, tau: 0.5, negatives: shared, count: 16 }
train: { iterations: 800, batch: 32, optimizer: { kind: adam, lr: 0.003 }, checkpointEvery: 5 }
eval: { every: 200, metrics: [{ kind: kmeans, restarts: 3 }, silhouette, { kind: linear-probe, epochs: 30 }] }
seeds: [0]
`,
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Steps of the complete checkpoints in a run folder (a write in progress is a .tmp file). */
function checkpointSteps(dir: string): number[] {
  const cps = path.join(dir, 'checkpoints');
  if (!fs.existsSync(cps)) return [];
  return fs
    .readdirSync(cps)
    .map((f) => /^step-(\d+)\.safetensors$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number);
}

/** The run folder of a store once it has a checkpoint; undefined if `exited` first. */
async function firstCheckpoint(root: string, exited: () => boolean, ms = 60_000): Promise<string | undefined> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) {
    const [dir] = runDirs(root);
    if (dir !== undefined && checkpointSteps(dir).length > 0) return dir;
    if (exited()) return undefined;
  }
  throw new Error(`no checkpoint in ${root} within ${ms / 1000} s`);
}

describe('kill -9 mid-run, then clab resume: the same numbers as an uninterrupted run', { concurrency: 2 }, () => {
  for (const [what, text] of Object.entries(SPECS)) {
    test(what, { timeout: 300_000 }, async (t) => {
      const dir = tempDir('kill9-suites');
      const spec = writeSpec(dir, text);
      const whole = path.join(dir, 'whole');
      const killed = path.join(dir, 'killed');

      // The uninterrupted run trains meanwhile (asynchronously: a test's polling must keep its turns).
      const uninterrupted = clab(['run', spec, '--root', whole]);
      t.after(() => uninterrupted.child.kill('SIGKILL')); // if an assertion fails before it ends

      const { child, exited } = await clabUntil(['run', spec, '--root', killed], /start |resume /);
      let ended = false;
      void exited.then(() => (ended = true));
      const run = await firstCheckpoint(killed, () => ended);
      assert.ok(run !== undefined, 'the run ended before its first checkpoint');
      await sleep(Math.floor(Math.random() * 100)); // anywhere between two checkpoints
      child.kill('SIGKILL');
      const [, signal] = await exited;
      assert.equal(signal, 'SIGKILL', 'killed mid-run (the run had not finished)');
      assert.ok(!fs.existsSync(path.join(run, 'summary.json')));
      const from = Math.max(...checkpointSteps(run));
      t.diagnostic(`killed with checkpoints up to step ${from}`);

      const resumed = await clab(['resume', path.basename(run), '--root', killed]).exit;
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stdout + resumed.stderr, new RegExp(`resume \\S+ at step ${from}/`));

      const reference = await uninterrupted.exit;
      assert.equal(reference.code, 0, reference.stderr);
      const [a] = runDirs(whole);
      assert.equal(runDirs(killed).length, 1, 'one run folder, resumed');
      assert.deepEqual(numbersOf(run), numbersOf(a!));
    });
  }
});
