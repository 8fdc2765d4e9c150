import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RunStore } from '../../src/runs/index.js';
import { sampleRun, tempDir } from './helpers.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));

/** Runs the child on run `id` and kill -9s it `delayMs` after its first checkpoint. */
async function runAndKill(root: string, id: string, delayMs: number): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, CLAB_RUNS_CRASH_ROOT: root, CLAB_RUNS_CRASH_ID: id },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`crash child exited early (code ${code})`)));
  });
  await new Promise((r) => setTimeout(r, delayMs));
  assert.ok(child.pid !== undefined);
  process.kill(child.pid, 'SIGKILL');
  return exited;
}

test('a run killed with SIGKILL at a random moment leaves a readable folder and a complete checkpoint', async () => {
  const root = tempDir();
  const delays = [0, 1 + Math.floor(Math.random() * 60), 60 + Math.floor(Math.random() * 400)];
  for (const [i, delay] of delays.entries()) {
    let store = new RunStore(root);
    const id = store.create(sampleRun({ seed: i })).id;
    store.close();
    const signal = await runAndKill(root, id, delay);
    assert.equal(signal, 'SIGKILL');

    store = new RunStore(root);
    assert.ok(store.recoverStale().includes(id), 'the killed run is recognised as interrupted');
    const run = store.open(id);
    assert.equal(run.meta().status, 'interrupted');
    const rows = run.readMetrics(); // no error, whatever the moment of the kill
    assert.ok(rows.length >= 3);
    rows.forEach((r, k) => assert.equal(r.step, k + 1, 'rows are complete and in order'));
    const ck = run.latestCheckpoint();
    assert.ok(ck !== undefined, `delay ${delay}ms: a complete checkpoint`);
    assert.equal(ck.step % 3, 0);
    assert.ok(ck.step <= rows[rows.length - 1]!.step);
    assert.deepEqual(ck.state, { step: ck.step, rng: [ck.step, ck.step * 2] });
    const w = ck.tensors.get('w')!.toFloat32Array();
    assert.equal(w.length, 100_000);
    assert.ok(
      w.every((x) => x === ck.step),
      'checkpoint tensor values are whole',
    );
    assert.deepEqual(ck.tensors.get('b')!.toArray(), new Array(7).fill(-ck.step));
    for (const t of ck.tensors.values()) t.dispose();
    // resume: metrics roll back to the checkpoint and continue
    run.truncateMetricsAfter(ck.step);
    assert.equal(run.readMetrics().at(-1)?.step, ck.step);
    run.setStatus('running');
    run.appendMetrics({ step: ck.step + 1, seconds: 0, loss: 0 });
    assert.equal(run.readMetrics().length, ck.step + 1);
    store.close();
  }
});
