// The dashboard's server without a browser: the JSON API over a store written through the RunStore
// API, the live stream of appended metrics rows, and the safety rules of issue 14 — no path
// traversal (plain or encoded), no endpoint that changes anything, loopback-only Host names, and a
// warning when `clab serve` is told to listen on another address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { RunStore } from '../../src/runs/index.js';
import {
  flattenSpec,
  isLoopbackHost,
  readMetricsFrom,
  startDashboard,
  varyingKeys,
  type Dashboard,
  type MetricsResponse,
  type RunDetail,
  type RunsResponse,
} from '../../src/serve/index.js';
import { tempDir } from '../util/temp.js';

const CLI = path.resolve('dist/src/cli/main.js');

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request: the path is sent exactly as given (no client-side normalisation of '..'). */
function request(port: number, rawPath: string, method = 'GET', headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' || method === 'PUT' ? '{}' : undefined);
  });
}

function makeStore(): { root: string; ids: string[] } {
  const root = tempDir('serve-store');
  const store = new RunStore(root);
  try {
    const a = store.create(
      {
        spec: { name: 'serve/a', loss: { kind: 'infonce', tau: 0.1 }, train: { batch: 64 } } as never,
        seed: 0,
        point: {},
      },
      { suite: 'demo', preset: 'quick' },
    );
    a.appendMetrics({ step: 10, seconds: 0.1, loss: 4.2 });
    a.appendMetrics({ step: 20, seconds: 0.2, loss: 4.0, r2: 0.5 });
    a.writeSummary({ steps: 20, seconds: 0.2, finalLoss: 4.0, metrics: { r2: 0.5 } });
    const b = store.create({
      spec: { name: 'serve/b', loss: { kind: 'infonce', tau: 0.5 }, train: { batch: 64 } } as never,
      seed: 1,
      point: {},
    });
    b.setStatus('failed', 'loss diverged at step 3');
    return { root, ids: [a.id, b.id] };
  } finally {
    store.close();
  }
}

async function withServer(root: string, fn: (d: Dashboard) => Promise<void>): Promise<void> {
  const dash = await startDashboard({ root, port: 0, pollMs: 100 });
  try {
    await fn(dash);
  } finally {
    await dash.close();
  }
}

test('flattenSpec names settings by key path; varyingKeys keeps the ones that differ', () => {
  const a = flattenSpec({ name: 'x', loss: { kind: 'infonce', tau: 0.1 }, encoder: { hidden: [32, 32] } });
  assert.deepEqual(a, { 'loss.kind': 'infonce', 'loss.tau': 0.1, 'encoder.hidden': '[32,32]' });
  const b = flattenSpec({ name: 'y', loss: { kind: 'infonce', tau: 0.5 }, encoder: { hidden: [32, 32] } });
  assert.deepEqual(varyingKeys([a, b]), ['loss.tau']);
});

test('readMetricsFrom reads complete lines after an offset and leaves a line being written', () => {
  const file = path.join(tempDir('serve-metrics'), 'metrics.jsonl');
  fs.writeFileSync(file, '{"step":1,"seconds":0.1,"loss":3}\n{"step":2,"seconds":0.2,"loss":null}\n{"step":3,');
  const first = readMetricsFrom(file, 0);
  assert.deepEqual(first.rows, [
    { step: 1, seconds: 0.1, loss: 3 },
    { step: 2, seconds: 0.2, loss: null },
  ]);
  fs.appendFileSync(file, '"seconds":0.3,"loss":2}\n');
  const next = readMetricsFrom(file, first.offset);
  assert.deepEqual(next.rows, [{ step: 3, seconds: 0.3, loss: 2 }]);
  fs.writeFileSync(file, '{"step":1,"seconds":0.1,"loss":3}\n');
  assert.equal(readMetricsFrom(file, next.offset).rewritten, true, 'a shorter file was rewritten');
});

test('the API lists runs with their varying settings, details, metrics as columns', async () => {
  const { root, ids } = makeStore();
  await withServer(root, async (d) => {
    const list = JSON.parse((await request(d.port, '/api/runs')).body) as RunsResponse;
    assert.deepEqual(list.runs.map((r) => r.id).sort(), [...ids].sort());
    assert.deepEqual(list.paramKeys, ['loss.tau']);
    const a = list.runs.find((r) => r.id === ids[0])!;
    assert.equal(a.suite, 'demo');
    assert.deepEqual(a.metrics, { loss: 4, r2: 0.5 });
    const failed = JSON.parse((await request(d.port, `/api/runs/${ids[1]}`)).body) as RunDetail;
    assert.equal(failed.row.status, 'failed');
    assert.equal(failed.row.error, 'loss diverged at step 3');
    const m = JSON.parse((await request(d.port, `/api/runs/${ids[0]}/metrics`)).body) as MetricsResponse;
    assert.deepEqual(m.columns, ['step', 'seconds', 'loss', 'r2']);
    assert.deepEqual(m.data[3], [null, 0.5]);
    const file = await request(d.port, `/runs/${ids[0]}/files/metrics.jsonl`);
    assert.equal(file.status, 200);
    assert.equal(file.body, fs.readFileSync(path.join(root, ids[0]!, 'metrics.jsonl'), 'utf8'));
    assert.match(String(file.headers['content-disposition']), /attachment/);
  });
});

test('the event stream sends the rows appended after the offset the page read to', async () => {
  const { root, ids } = makeStore();
  await withServer(root, async (d) => {
    const m = JSON.parse((await request(d.port, `/api/runs/${ids[0]}/metrics`)).body) as MetricsResponse;
    const events: string[] = [];
    const req = http.get({ host: '127.0.0.1', port: d.port, path: `/api/events?watch=${ids[0]}@${m.offset}` });
    const got = new Promise<string>((resolve, reject) => {
      req.on('response', (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (c: string) => {
          buf += c;
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const ev = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (ev.startsWith('event: metrics')) {
              events.push(ev);
              resolve(ev);
            }
          }
        });
      });
      req.on('error', reject);
    });
    const store = new RunStore(root);
    store.open(ids[0]!).appendMetrics({ step: 30, seconds: 0.3, loss: 3.9 });
    store.close();
    const ev = await got;
    const data = JSON.parse(ev.split('\ndata: ')[1]!) as { id: string; rows: unknown[] };
    assert.equal(data.id, ids[0]);
    assert.deepEqual(data.rows, [{ step: 30, seconds: 0.3, loss: 3.9 }], 'only the new row, not the ones read before');
    req.destroy();
  });
});

test('no path traversal: /../../etc/passwd and encoded variants get 404', async () => {
  const { root, ids } = makeStore();
  fs.writeFileSync(path.join(path.dirname(root), 'outside-the-store.json'), '{"secret":true}');
  await withServer(root, async (d) => {
    const attempts = [
      '/../../etc/passwd',
      '/../../../../../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      '/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '/assets/%252e%252e%252fetc%252fpasswd',
      '/assets/..%5c..%5cetc%5cpasswd',
      '/assets/%2e%2e',
      '/runs/..%2F..%2Fetc/files/passwd',
      `/runs/%2e%2e/files/outside-the-store.json`,
      `/runs/${ids[0]}/files/..%2F..%2Foutside-the-store.json`,
      `/runs/${ids[0]}/files/../../outside-the-store.json`,
      `/runs/${ids[0]}/files/checkpoints`,
      '/api/runs/..%2F..%2F..%2Fetc',
      '/api/runs/%2e%2e',
      '/api/runs/.',
      '/etc/passwd%00',
      '/assets/main.js%00.png',
      '/api/suite?name=..%2F..%2F..%2Fetc%2Fpasswd&preset=quick',
      '/api/suite?name=%2Fetc%2Fpasswd&preset=quick',
      '/suite-report?name=../../etc/passwd&preset=quick',
    ];
    for (const p of attempts) {
      const r = await request(d.port, p);
      assert.equal(r.status, 404, `${p} → ${r.status}`);
      assert.ok(!r.body.includes('root:') && !r.body.includes('secret'), `${p} leaked a file`);
    }
    assert.equal((await request(d.port, '/assets/main.js')).status, 200, 'the real assets are served');
  });
});

test('no endpoint changes anything: every method but GET and HEAD gets 405 and the store is unchanged', async () => {
  const { root, ids } = makeStore();
  const snapshot = (): string =>
    ids
      .map((id) =>
        ['meta.json', 'spec.json', 'metrics.jsonl']
          .map((f) => (fs.existsSync(path.join(root, id, f)) ? fs.readFileSync(path.join(root, id, f), 'utf8') : ''))
          .join('|'),
      )
      .join('\n');
  const before = snapshot();
  await withServer(root, async (d) => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'])
      for (const p of ['/api/runs', `/api/runs/${ids[0]}`, `/runs/${ids[0]}/files/meta.json`, '/']) {
        const r = await request(d.port, p, method);
        assert.equal(r.status, 405, `${method} ${p}`);
        assert.equal(r.headers['allow'], 'GET, HEAD');
      }
    assert.equal((await request(d.port, '/api/runs', 'HEAD')).status, 200);
  });
  assert.equal(snapshot(), before);
  assert.equal(fs.readdirSync(root).filter((f) => !f.startsWith('index.sqlite')).length, ids.length);
});

test('bound to loopback, it answers only requests addressed to a loopback name (no DNS rebinding)', async () => {
  const { root } = makeStore();
  await withServer(root, async (d) => {
    assert.equal(d.host, '127.0.0.1');
    assert.equal((await request(d.port, '/api/runs', 'GET', { host: 'attacker.example:8737' })).status, 403);
    assert.equal((await request(d.port, '/api/runs', 'GET', { host: `localhost:${d.port}` })).status, 200);
    const page = await request(d.port, '/');
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  });
  assert.equal(isLoopbackHost('127.0.0.1'), true);
  assert.equal(isLoopbackHost('[::1]'), true);
  assert.equal(isLoopbackHost('0.0.0.0'), false);
  assert.equal(isLoopbackHost('192.168.1.5'), false);
});

test('clab serve warns before listening on a non-loopback address, and checks --port', () => {
  const { root } = makeStore();
  // 192.0.2.1 (TEST-NET-1) is no address of this machine: the warning is printed, then binding fails.
  const r = spawnSync(process.execPath, [CLI, 'serve', '--root', root, '--host', '192.0.2.1', '--port', '0'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.match(
    r.stderr,
    /warning: listening on 192\.0\.2\.1, not on 127\.0\.0\.1: anyone who can reach this address can read every run/,
  );
  assert.match(r.stderr, /ssh -L 8737:127\.0\.0\.1:8737/);
  assert.notEqual(r.status, 0);
  const bad = spawnSync(process.execPath, [CLI, 'serve', '--root', root, '--port', '99999'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--port: expected an integer from 0 to 65535/);
});
