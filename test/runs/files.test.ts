import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RunStore } from '../../src/runs/index.js';
import { Tensor, full, tensor } from '../../src/torch/index.js';
import { sampleRun, tempDir } from './helpers.js';

function newRun() {
  const store = new RunStore(tempDir());
  return { store, run: store.create(sampleRun()) };
}

test('metrics: append and read back, NaN survives as NaN, bad rows rejected', () => {
  const { store, run } = newRun();
  assert.deepEqual(run.readMetrics(), []);
  run.appendMetrics({ step: 0, seconds: 0, loss: 5.5 });
  run.appendMetrics({ step: 10, seconds: 1.25, loss: 4.5, r2: 0.5 });
  run.appendMetrics({ step: 20, seconds: 2.5, loss: NaN });
  const rows = run.readMetrics();
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[1], { step: 10, seconds: 1.25, loss: 4.5, r2: 0.5 });
  assert.ok(Number.isNaN(rows[2]!.loss));
  const lines = fs.readFileSync(path.join(run.dir, 'metrics.jsonl'), 'utf8').split('\n');
  assert.equal(lines.length, 4); // three rows and the final newline
  assert.throws(() => run.appendMetrics({ step: -1, seconds: 0 }), /step/);
  assert.throws(() => run.appendMetrics({ step: 1, seconds: 0, loss: 'x' as unknown as number }), /loss/);
  store.close();
});

test('metrics: a torn last line is ignored, and the next append cuts it off', () => {
  const { store, run } = newRun();
  run.appendMetrics({ step: 0, seconds: 0, loss: 1 });
  run.appendMetrics({ step: 1, seconds: 1, loss: 2 });
  const file = path.join(run.dir, 'metrics.jsonl');
  fs.appendFileSync(file, '{"step":2,"seconds":2,"lo');
  assert.deepEqual(
    run.readMetrics().map((r) => r.step),
    [0, 1],
  );
  run.appendMetrics({ step: 2, seconds: 2, loss: 3 });
  assert.deepEqual(
    run.readMetrics().map((r) => r.step),
    [0, 1, 2],
  );
  assert.ok(fs.readFileSync(file, 'utf8').endsWith('"loss":3}\n'));
  // a garbled line in the middle is an error, not silently dropped
  fs.writeFileSync(file, '{"step":0,"seconds":0}\nnot json\n{"step":1,"seconds":1}\n');
  assert.throws(() => run.readMetrics(), /line 2/);
  store.close();
});

test('truncateMetricsAfter keeps rows up to the step, atomically', () => {
  const { store, run } = newRun();
  for (let s = 0; s <= 50; s += 10) run.appendMetrics({ step: s, seconds: s / 10, loss: 100 - s });
  fs.appendFileSync(path.join(run.dir, 'metrics.jsonl'), '{"step":60');
  run.truncateMetricsAfter(30);
  assert.deepEqual(
    run.readMetrics().map((r) => r.step),
    [0, 10, 20, 30],
  );
  assert.deepEqual(
    fs.readdirSync(run.dir).filter((f) => f.endsWith('.tmp')),
    [],
  );
  run.appendMetrics({ step: 40, seconds: 4, loss: 1 });
  assert.equal(run.readMetrics().length, 5);
  store.close();
});

test('checkpoints: round trip of tensors and state; only the newest two are kept', () => {
  const { store, run } = newRun();
  assert.equal(run.latestCheckpoint(), undefined);
  for (const step of [10, 20, 30]) {
    const w = tensor(new Float32Array([step, step + 0.5, -step, 1e-3]), [2, 2]);
    const b = full([3], step, 'float64');
    const i = tensor([1, 2, step], [3], 'int64');
    run.saveCheckpoint(
      step,
      new Map([
        ['enc.w', w],
        ['enc.b', b],
        ['rng', i],
      ]),
      { step, optimizer: { lr: 1e-3, t: step }, note: 'é' },
    );
    for (const t of [w, b, i]) t.dispose();
  }
  const dir = path.join(run.dir, 'checkpoints');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['step-00000020.safetensors', 'step-00000030.safetensors']);
  const ck = run.latestCheckpoint();
  assert.ok(ck !== undefined);
  assert.equal(ck.step, 30);
  assert.deepEqual(ck.state, { step: 30, optimizer: { lr: 1e-3, t: 30 }, note: 'é' });
  assert.deepEqual([...ck.tensors.keys()].sort(), ['enc.b', 'enc.w', 'rng']);
  const w = ck.tensors.get('enc.w')!;
  assert.deepEqual(w.shape, [2, 2]);
  assert.equal(w.dtype, 'float32');
  assert.deepEqual(w.toArray(), [30, 30.5, -30, Math.fround(1e-3)]);
  assert.equal(ck.tensors.get('enc.b')!.dtype, 'float64');
  assert.deepEqual(ck.tensors.get('rng')!.toArray(), [1, 2, 30]);
  for (const t of ck.tensors.values()) t.dispose();
  store.close();
});

test('checkpoints: a truncated newest file is skipped for the previous one; a resumed earlier step drops later ones', () => {
  const { store, run } = newRun();
  const t = full([64], 1);
  run.saveCheckpoint(100, new Map([['w', t]]), { at: 100 });
  run.saveCheckpoint(200, new Map([['w', t]]), { at: 200 });
  const newest = path.join(run.dir, 'checkpoints', 'step-00000200.safetensors');
  const size = fs.statSync(newest).size;
  fs.truncateSync(newest, size - 7);
  let ck = run.latestCheckpoint();
  assert.equal(ck?.step, 100);
  assert.deepEqual(ck?.state, { at: 100 });
  for (const x of ck?.tensors.values() ?? []) x.dispose();
  fs.writeFileSync(newest, Buffer.alloc(3)); // shorter than a header
  assert.equal(run.latestCheckpoint()?.step, 100);
  // resume from 100 and checkpoint 150: the abandoned 200 goes
  run.saveCheckpoint(150, new Map([['w', t]]), { at: 150 });
  assert.deepEqual(fs.readdirSync(path.join(run.dir, 'checkpoints')).sort(), [
    'step-00000100.safetensors',
    'step-00000150.safetensors',
  ]);
  ck = run.latestCheckpoint();
  assert.equal(ck?.step, 150);
  for (const x of ck?.tensors.values() ?? []) x.dispose();
  // nothing loadable at all
  for (const f of fs.readdirSync(path.join(run.dir, 'checkpoints')))
    fs.writeFileSync(path.join(run.dir, 'checkpoints', f), 'x');
  assert.equal(run.latestCheckpoint(), undefined);
  assert.throws(() => run.saveCheckpoint(1.5, new Map([['w', t]]), {}), /step/);
  t.dispose();
  assert.ok(t instanceof Tensor);
  store.close();
});
