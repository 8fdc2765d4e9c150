import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { INDEX_FILE, RunLookupError, RunStore, canonicalJson, runKey, slugify } from '../../src/runs/index.js';
import { sampleRun, tempDir } from './helpers.js';

test('runKey is stable across key order and differs for different seeds and specs', () => {
  const a = sampleRun();
  const reordered = JSON.parse(canonicalJson(a)) as typeof a; // keys sorted: a different insertion order
  const spec = a.spec as unknown as Record<string, unknown>;
  const reversed = Object.fromEntries(Object.entries(spec).reverse());
  assert.notEqual(JSON.stringify(reversed), JSON.stringify(spec));
  assert.equal(runKey(a), runKey(reordered));
  assert.equal(runKey(a), runKey({ spec: reversed as unknown as typeof a.spec, seed: 0 }));
  assert.match(runKey(a), /^[0-9a-f]{64}$/);
  assert.notEqual(runKey(a), runKey(sampleRun({ seed: 1 })));
  assert.notEqual(runKey(a), runKey(sampleRun({ tau: 0.31 })));
  // the sweep point is not part of the key: the resolved spec already holds it
  assert.equal(runKey(a), runKey(sampleRun({ point: { 'loss.tau': 0.3 } })));
  const store = new RunStore(tempDir());
  assert.equal(store.runKey(a), runKey(a));
  store.close();
});

test('create writes spec.json exactly, meta.json and an index row; ids are slugged and unique', () => {
  const root = tempDir();
  const store = new RunStore(root);
  assert.ok(fs.existsSync(path.join(root, INDEX_FILE)));
  const run = sampleRun({ point: { 'loss.tau': 0.3 } });
  const h = store.create(run, { suite: 'table1' });
  const key = runKey(run);
  assert.equal(h.id, `table1-spiral-s0-${key.slice(0, 8)}`);
  assert.equal(h.dir, path.join(root, h.id));
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(h.dir, 'spec.json'), 'utf8')), run);
  const meta = JSON.parse(fs.readFileSync(path.join(h.dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(meta.id, h.id);
  assert.equal(meta.key, key);
  assert.equal(meta.name, 'table1/spiral');
  assert.equal(meta.status, 'running');
  assert.deepEqual(meta.point, { 'loss.tau': 0.3 });
  assert.deepEqual(meta.labels, { suite: 'table1' });
  assert.equal(typeof meta.codeVersion, 'string');
  assert.ok((meta.codeVersion as string).length > 0);
  const env = meta.environment as Record<string, unknown>;
  for (const k of ['libtorch', 'threads', 'node', 'cpuModel', 'CLAB_THREADS']) assert.ok(k in env, `environment.${k}`);
  // same run again: a new folder with a suffixed id
  const h2 = store.create(run);
  assert.equal(h2.id, `${h.id}-2`);
  assert.equal(store.findByKey(key)?.id, h2.id); // newest when none is done
  h.writeSummary({ steps: 10, seconds: 1, finalLoss: 2, metrics: { r2: 0.9 } });
  assert.equal(store.findByKey(key)?.id, h.id); // a finished one wins
  assert.equal(store.findAllByKey(key).length, 2);
  assert.equal(store.findByKey('0'.repeat(64)), undefined);
  assert.equal(slugify('Loss-is-not-enough/Table 1'), 'loss-is-not-enough-table-1');
  store.close();
});

test('open by id or unique prefix; clear errors for ambiguous and unknown ids', () => {
  const store = new RunStore(tempDir());
  const a = store.create(sampleRun({ name: 'alpha', seed: 0 }));
  const b = store.create(sampleRun({ name: 'alpha', seed: 1 }));
  const c = store.create(sampleRun({ name: 'beta', seed: 0 }));
  assert.equal(store.open(a.id).id, a.id);
  assert.deepEqual(store.open(a.id).run, a.run);
  assert.equal(store.open('beta').id, c.id);
  assert.equal(store.open('alpha-s1').id, b.id);
  assert.throws(
    () => store.open('alpha'),
    (err: unknown) => {
      assert.ok(err instanceof RunLookupError);
      assert.match(err.message, /ambiguous/);
      assert.match(err.message, new RegExp(a.id));
      assert.match(err.message, new RegExp(b.id));
      assert.deepEqual([...err.candidates].sort(), [a.id, b.id].sort());
      return true;
    },
  );
  assert.throws(
    () => store.open('gamma'),
    (err: unknown) => err instanceof RunLookupError && /no run 'gamma'/.test(err.message),
  );
  assert.throws(() => store.open('%'), RunLookupError); // LIKE wildcards are literal
  assert.throws(() => store.open('../x'), RunLookupError);
  store.close();
});

test('list: newest first, filtered by name, label, status and limit', () => {
  const store = new RunStore(tempDir());
  const ids: string[] = [];
  for (let seed = 0; seed < 3; seed++)
    ids.push(store.create(sampleRun({ name: 'a', seed }), { suite: seed < 2 ? 'x' : 'y' }).id);
  ids.push(store.create(sampleRun({ name: 'b' })).id);
  assert.deepEqual(
    store.list().map((m) => m.id),
    [...ids].reverse(),
  );
  assert.deepEqual(
    store.list({ name: 'a' }).map((m) => m.seed),
    [2, 1, 0],
  );
  assert.deepEqual(
    store.list({ label: ['suite', 'x'] }).map((m) => m.seed),
    [1, 0],
  );
  assert.deepEqual(store.list({ label: ['suite', 'z'] }), []);
  assert.equal(store.list({ limit: 2 }).length, 2);
  store.open(ids[0]!).setStatus('failed', 'boom');
  const failed = store.list({ status: 'failed' });
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.error, 'boom');
  assert.equal(store.list({ status: 'running' }).length, 3);
  store.close();
});

test('status and summary update meta.json and the index', () => {
  const store = new RunStore(tempDir());
  const h = store.create(sampleRun());
  h.setStatus('interrupted');
  assert.equal(store.list()[0]!.status, 'interrupted');
  assert.equal(h.meta().status, 'interrupted');
  h.setStatus('failed', 'diverged');
  assert.equal(JSON.parse(fs.readFileSync(path.join(h.dir, 'meta.json'), 'utf8')).error, 'diverged');
  assert.equal(h.readSummary(), undefined);
  const summary = { steps: 10, seconds: 1.5, finalLoss: 3.25, metrics: { r2: 0.97, mcc: 0.9 }, note: 'ok' };
  h.writeSummary(summary);
  assert.deepEqual(h.readSummary(), summary);
  const listed = store.list()[0]!;
  assert.equal(listed.status, 'done');
  assert.equal(listed.error, undefined);
  assert.deepEqual(listed.summary, summary);
  // a fresh handle sees the same
  const again = store.open(h.id).meta();
  assert.equal(again.status, 'done');
  assert.deepEqual(again.summary, summary);
  assert.ok(again.updatedAt >= again.createdAt);
  assert.throws(() => h.setStatus('weird' as 'done'), /unknown status/);
  store.close();
});

test('reindex after deleting index.sqlite restores the same listing; stray folders are skipped', () => {
  const root = tempDir();
  let store = new RunStore(root);
  for (let seed = 0; seed < 3; seed++) {
    const h = store.create(sampleRun({ seed }), { seed: String(seed) });
    if (seed === 1) h.writeSummary({ steps: 1, seconds: 1, finalLoss: 1, metrics: {} });
  }
  const before = store.list();
  store.close();
  for (const f of fs.readdirSync(root)) if (f.startsWith(INDEX_FILE)) fs.rmSync(path.join(root, f));
  fs.mkdirSync(path.join(root, 'not-a-run')); // e.g. a create cut short before meta.json
  fs.writeFileSync(path.join(root, 'not-a-run', 'spec.json'), '{');
  store = new RunStore(root); // a missing index is rebuilt on open
  assert.deepEqual(store.list(), before);
  assert.equal(store.reindex(), 3);
  assert.deepEqual(store.list(), before);
  store.close();
});

test('recoverStale marks running runs of dead processes interrupted', () => {
  const store = new RunStore(tempDir());
  const live = store.create(sampleRun({ seed: 0 }));
  const dead = store.create(sampleRun({ seed: 1 }));
  const metaFile = path.join(dead.dir, 'meta.json');
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Record<string, unknown>;
  meta.pid = 2 ** 22 + 12345; // above pid_max on Linux: no such process
  delete meta.sha256; // an edited meta.json would not match its checksum; without one it is read as is
  fs.writeFileSync(metaFile, JSON.stringify(meta));
  store.reindex();
  assert.deepEqual(store.recoverStale(), [dead.id]);
  assert.equal(store.open(dead.id).meta().status, 'interrupted');
  assert.equal(store.open(live.id).meta().status, 'running');
  store.close();
});
