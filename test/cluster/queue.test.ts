// The queue executor on a real redis-server (loopback, free port): two `clab worker`s train a
// sweep with the numbers of the local executor, with or without a shared store, and a worker
// killed with -9 mid-run loses nothing — its run is redelivered, resumed, and finished once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../util/temp.js';
import { clab, midRun, results, sweepSpec, waitFor } from './clab.js';
import { startRedis } from './servers.js';

let redis: Awaited<ReturnType<typeof startRedis>>;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  if (typeof redis !== 'string') await redis.stop();
});

const TIMEOUT = 240_000;
/** Lines `done   <id>` a worker printed, by id. */
const doneLines = (logs: string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const line of logs.join('\n').split('\n')) {
    const m = /^done\s+(\S+)/.exec(line);
    if (m?.[1]) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  return counts;
};

test(
  'a 6-run sweep through the queue and two workers (each its own store) ends with the local numbers',
  { timeout: TIMEOUT },
  async (t) => {
    if (typeof redis === 'string') return t.skip(redis);
    const { url } = redis;
    const dir = tempDir('queue');
    const spec = sweepSpec(dir, 40);
    const local = await clab(['sweep', spec, '--root', path.join(dir, 'local')]).exit;
    assert.equal(local.code, 0, local.stderr);
    const workers = [1, 2].map((i) =>
      clab(['worker', '--queue', url, '--root', path.join(dir, `worker${i}`), '--lock', '5', '--threads', '1']),
    );
    try {
      const run = await clab([
        'sweep',
        spec,
        '--executor',
        'queue',
        '--queue',
        url,
        '--wait',
        '--root',
        path.join(dir, 'coordinator'),
      ]).exit;
      assert.equal(run.code, 0, run.stderr);
      const expected = results(path.join(dir, 'local'));
      assert.equal(expected.size, 6);
      // No shared filesystem: the summaries came back through the queue into the coordinator's store.
      assert.deepEqual(results(path.join(dir, 'coordinator')), expected);
      assert.equal(
        [...doneLines(workers.map((w) => w.output())).values()].reduce((a, b) => a + b, 0),
        6,
      );
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exit));
    }
  },
);

test(
  'kill -9 of a worker mid-run: the job is redelivered, resumed from its checkpoint, every run done once with the local numbers',
  { timeout: TIMEOUT },
  async (t) => {
    if (typeof redis === 'string') return t.skip(redis);
    const url = `${redis.url}?queue=kill`;
    const dir = tempDir('queue-kill');
    const spec = sweepSpec(dir, 200, [0]);
    const local = await clab(['sweep', spec, '--root', path.join(dir, 'local')]).exit;
    assert.equal(local.code, 0, local.stderr);
    const shared = path.join(dir, 'shared'); // coordinator and workers share the store
    const workers = [1, 2].map(() =>
      clab(['worker', '--queue', url, '--root', shared, '--lock', '2', '--threads', '1']),
    );
    try {
      const run = clab(['sweep', spec, '--executor', 'queue', '--queue', url, '--wait', '--root', shared]);
      // The first run with a checkpoint and no summary is in training: kill its worker.
      let victim = '';
      await waitFor(
        'a run in training',
        () =>
          (victim = midRun(shared).find((id) => workers.some((w) => w.output().includes(`start  ${id}`))) ?? '') !== '',
      );
      const killed = workers.find((w) => w.output().includes(`start  ${victim}`))!;
      killed.child.kill('SIGKILL');
      const exit = await run.exit;
      assert.equal(exit.code, 0, exit.stderr);
      assert.deepEqual(results(shared), results(path.join(dir, 'local')));
      const survivor = workers.find((w) => w !== killed)!;
      assert.match(
        survivor.output(),
        new RegExp(`resume ${victim} at step \\d+`),
        'the other worker resumed the killed run from its checkpoint',
      );
      // Trained to completion once each: one "done" line per run across both workers.
      const done = doneLines(workers.map((w) => w.output()));
      assert.equal(done.size, 3);
      for (const [id, n] of done) assert.equal(n, 1, `${id} finished ${n} times`);
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exit));
    }
  },
);

test(
  'a bad Redis URL exits 2 and an unreachable queue exits 1, each with one line and no run folder written',
  { timeout: 180_000 },
  async () => {
    const dir = tempDir('queue-errors');
    const spec = sweepSpec(dir, 10);
    const root = path.join(dir, 'runs');
    const bad = await clab(['sweep', spec, '--executor', 'queue', '--queue', 'http://127.0.0.1:6379', '--root', root])
      .exit;
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /--queue: 'http:\/\/127\.0\.0\.1:6379' is not a redis:\/\/ URL/);
    const missing = await clab(['sweep', spec, '--executor', 'queue', '--root', root]).exit;
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /needs --queue redis:\/\/HOST:PORT/);
    // A port nothing listens on (a closed one: the server stopped, or never started).
    const closed = 'redis://127.0.0.1:1';
    const down = await clab(['sweep', spec, '--executor', 'queue', '--queue', closed, '--root', root]).exit;
    assert.equal(down.code, 1);
    assert.equal(down.stderr.trim().split('\n').length, 1, down.stderr);
    assert.match(down.stderr, /^clab: cannot reach the queue at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
    const worker = await clab(['worker', '--queue', closed, '--root', root]).exit;
    assert.equal(worker.code, 1);
    assert.match(worker.stderr, /^clab: cannot reach the queue/);
    const folders = fs.existsSync(root)
      ? fs.readdirSync(root).filter((f) => !f.startsWith('.') && f !== 'index.sqlite' && !f.startsWith('index.sqlite'))
      : [];
    assert.deepEqual(folders, [], 'no run was created before the queue was found unreachable');
  },
);
