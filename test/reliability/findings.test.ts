// One test per finding of issue 18 ("Reliability: no silent wrong results, bounded resources");
// each failed before its fix. The numbered comments are the issue's findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  expandRuns,
  parseSpecText,
  resolveSpec,
  runExperiment,
  SpecError,
  trainRun,
} from '../../src/experiments/index.js';
import { trainStoredRun } from '../../src/experiments/executor.js';
import { infoNCE } from '../../src/losses/index.js';
import { RunStore, type RunHandle } from '../../src/runs/index.js';
import { MAX_THREADS, randn, scope, setNumThreads, getNumThreads, full } from '../../src/torch/index.js';
import { tempDir } from '../util/temp.js';
import { clab, clabUntil, numbersOf, readJson, runDirs, TINY, writeSpec } from './helpers.js';

const tmp = (): string => tempDir('reliability');
const tinyRun = () => expandRuns(resolveSpec(parseSpecText(TINY, 'tiny.yaml')))[0]!;

/** A run trained to the end in its own store: the reference numbers. */
async function reference(): Promise<{ summary: unknown; metrics: unknown[] }> {
  const store = new RunStore(tmp());
  const h = store.create(tinyRun());
  await trainStoredRun(store, h.id);
  store.close();
  return numbersOf(h.dir);
}

/** A run stopped after step 30 (checkpoints 20 and 30 kept; metrics rows 10, 20, 30). */
async function stoppedAt30(): Promise<{ store: RunStore; handle: RunHandle }> {
  const store = new RunStore(tmp());
  const handle = store.create(tinyRun());
  assert.equal(await trainRun(handle.run, { sink: handle, stopAfter: 30 }), undefined);
  handle.setStatus('interrupted');
  return { store, handle };
}

/** Byte range of one tensor's data in a safetensors file. */
function tensorRange(file: string, name: string): [number, number] {
  const bytes = fs.readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<
    string,
    { data_offsets: [number, number] }
  >;
  const [a, b] = header[name]!.data_offsets;
  return [8 + n + a, 8 + n + b];
}

/** The model tensor with the most bytes (a weight matrix). */
function largestModelTensor(file: string): string {
  const bytes = fs.readFileSync(file);
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8')) as Record<
    string,
    { data_offsets?: [number, number] }
  >;
  const size = (k: string): number => header[k]!.data_offsets![1] - header[k]!.data_offsets![0];
  return Object.keys(header)
    .filter((k) => k.startsWith('model.'))
    .sort((a, b) => size(b) - size(a))[0]!;
}

function flip16(file: string, at: number): void {
  const bytes = fs.readFileSync(file);
  for (let i = 0; i < 16; i++) bytes[at + i] = bytes[at + i]! ^ 0x5a;
  fs.writeFileSync(file, bytes);
}

test('1. --seeds 1000000000 and --seeds 2000 exit 2 before any work; a stopped run leaves no run running', async () => {
  const dir = tmp();
  const spec = writeSpec(dir);
  const root = path.join(dir, 'runs');
  for (const n of ['1000000000', '2000']) {
    const r = clab(['run', spec, '--seeds', n, '--root', root]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--seeds: got \d+; at most 1000 seeds/);
  }
  assert.deepEqual(runDirs(root), []);
  // 30 seeds, stopped with SIGTERM while the first trains: only started runs have folders, none 'running'.
  const slow = writeSpec(dir, TINY.replace('iterations: 40', 'iterations: 4000'), 'slow.yaml');
  for (const parallel of ['1', '2']) {
    const store = path.join(dir, `stop-${parallel}`);
    const { child, exited } = await clabUntil(
      ['run', slow, '--seeds', '30', '--root', store, '--parallel', parallel],
      /start /,
    );
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 130);
    const dirs = runDirs(store);
    assert.ok(dirs.length >= 1 && dirs.length <= 2, `${dirs.length} run folders for at most 2 started runs`);
    for (const d of dirs) assert.notEqual(readJson(path.join(d, 'meta.json'))['status'], 'running', d);
  }
});

test('2. a checkpoint with 16 flipped bytes (data or RNG state) is reported and skipped; the run ends with the exact numbers', async () => {
  const ref = await reference();
  for (const target of ['model', 'generator.data']) {
    const { store, handle } = await stoppedAt30();
    const file = path.join(handle.checkpointsDir, 'step-00000030.safetensors');
    const name = target === 'model' ? largestModelTensor(file) : target;
    const [a, b] = tensorRange(file, name);
    flip16(file, a + Math.floor((b - a - 16) / 2));
    const meta = await trainStoredRun(store, handle.id);
    assert.equal(meta.status, 'done');
    assert.deepEqual(numbersOf(handle.dir), ref, `${target}: resumed from the intact step 20, same numbers`);
    assert.match((meta.summary?.warnings ?? []).join('\n'), /damaged checkpoint .*step-00000030\.safetensors.*sha256/);
    store.close();
  }
});

test('3. with every checkpoint unreadable the run restarts from step 0 and metrics.jsonl is cut back', async () => {
  const ref = await reference();
  const { store, handle } = await stoppedAt30();
  for (const f of fs.readdirSync(handle.checkpointsDir)) fs.truncateSync(path.join(handle.checkpointsDir, f), 100);
  await trainStoredRun(store, handle.id);
  assert.deepEqual(numbersOf(handle.dir), ref, 'rows 10, 20, 30, 40 once each, and the same numbers');
  store.close();
});

test('4. a truncated meta.json or summary.json is named, listed as damaged, and a rerun repairs it to the same numbers', async () => {
  const ref = await reference();
  for (const file of ['meta.json', 'summary.json']) {
    const root = tmp();
    let store = new RunStore(root);
    const planned = [{ run: tinyRun(), labels: {} }];
    const [first] = (await runExperiment(planned, { store })).finished;
    const target = path.join(first!.dir, file);
    fs.truncateSync(target, Math.floor(fs.statSync(target).size / 2));
    assert.throws(
      () => store.open(first!.id),
      (err: Error) => err.message.includes(target) && /damaged/.test(err.message),
    );
    store.reindex();
    const listed = store.list();
    assert.equal(listed.length, 1, 'the run stays listed');
    assert.equal(listed[0]!.status, 'damaged');
    assert.ok(listed[0]!.error?.includes(target), listed[0]!.error);
    store.close();
    store = new RunStore(root);
    const { finished, failed } = await runExperiment(planned, { store });
    assert.deepEqual(failed, []);
    assert.equal(finished[0]!.id, first!.id, 'the same folder, not a new run');
    assert.deepEqual(numbersOf(first!.dir), ref);
    assert.equal(runDirs(root).length, 1);
    store.close();
  }
});

test('5. thread counts are bounded in the library and in CLAB_THREADS', () => {
  const before = getNumThreads();
  for (const n of [1e9, 1000, MAX_THREADS + 1, 0, 1.5]) assert.throws(() => setNumThreads(n), RangeError, String(n));
  assert.equal(getNumThreads(), before);
  setNumThreads(MAX_THREADS);
  assert.equal(
    scope(() =>
      full([64, 64], 1)
        .matmul(full([64, 64], 1))
        .sum()
        .item(),
    ),
    64 ** 3,
  );
  setNumThreads(before);
  const r = clab(['ls', '--root', tmp()], { env: { CLAB_THREADS: '1000000000' } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /CLAB_THREADS: .*at most \d+/);
});

test('6. numbers float32 cannot hold are refused before any work, naming the key', () => {
  const dir = tmp();
  const spec = writeSpec(dir);
  for (const [set, key] of [
    ['train.optimizer={kind: adam, lr: 1e39}', 'train.optimizer.lr'],
    ['train.optimizer={kind: adamw, lr: 0.001, weightDecay: 1e308}', 'train.optimizer.weightDecay'],
    ['loss.tau=1e-50', 'loss.tau'],
  ] as const) {
    const r = clab(['run', spec, '--set', set, '--root', path.join(dir, 'runs')]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`${key}: got`), r.stderr);
  }
  assert.throws(
    () => resolveSpec(parseSpecText(TINY.replace('batch: 32', 'batch: 100000000'), 's')),
    (e: SpecError) => /train\.batch: one training step needs ≈ [\d.]+ GB/.test(e.message),
  );
  assert.deepEqual(runDirs(path.join(dir, 'runs')), []);
});

test('7. a 40,000-key file is refused at once; duplicate keys found in one pass; an alias bomb exits 2 naming the file', () => {
  const dir = tmp();
  const many = writeSpec(dir, Array.from({ length: 40_000 }, (_, i) => `k${i}: ${i}`).join('\n'), 'many.yaml');
  let r = clab(['run', many, '--root', path.join(dir, 'runs')]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /many\.yaml: invalid experiment spec\n\s+- \(file\): about 40000 keys; a spec may have at most 5000/,
  );
  const dup = `${TINY}${Array.from({ length: 3000 }, (_, i) => `x${i}: 1`).join('\n')}\nx17: 2\n`;
  assert.throws(
    () => parseSpecText(dup, 'dup.yaml'),
    (e: SpecError) => e.issues.some((i) => i.startsWith('x17: Map keys must be unique')),
  );
  const bomb = writeSpec(
    dir,
    `a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`,
    'bomb.yaml',
  );
  r = clab(['run', bomb, '--root', path.join(dir, 'runs')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /bomb\.yaml: invalid experiment spec\n\s+- \(aliases\): /);
});

test("8. --set 'seeds=[0,0]' is refused naming the key; concurrent starts on a fresh store never say 'database is locked'", async () => {
  const dir = tmp();
  const spec = writeSpec(dir);
  const r = clab(['run', spec, '--set', 'seeds=[0,0]', '--root', path.join(dir, 'runs')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /seeds\.1: seed 0 is listed twice/);
  assert.deepEqual(runDirs(path.join(dir, 'runs')), []);
  const root = path.join(dir, 'fresh');
  const { spawn } = await import('node:child_process');
  const { entry, env } = await import('./helpers.js');
  const codes = await Promise.all(
    Array.from({ length: 6 }, () => {
      const c = spawn(process.execPath, [entry, 'ls', '--root', root], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      return new Promise<string>((resolve) => c.on('close', (code) => resolve(`${code} ${err}`)));
    }),
  );
  assert.deepEqual(codes, Array(6).fill('0 '));
});

test('9. report --suite cannot write outside reports/; an unknown YAML tag is an error', () => {
  const dir = tmp();
  const work = path.join(dir, 'work');
  fs.mkdirSync(work);
  const suiteDir = path.join(dir, 'suite');
  fs.mkdirSync(suiteDir);
  const src = path.resolve('experiments/loss-is-not-enough');
  for (const f of ['base.yaml', 'published.json']) fs.copyFileSync(path.join(src, f), path.join(suiteDir, f));
  fs.writeFileSync(
    path.join(suiteDir, 'evil.yaml'),
    fs
      .readFileSync(path.join(src, 'table1.yaml'), 'utf8')
      .replace(/^suite: .*$/m, 'suite: x/../../../escaped')
      // Recorded results belong to the real suite id (and its results/ folder is not copied).
      .replace(/^recorded: .*$/m, ''),
  );
  const r = clab(['report', '--suite', path.join(suiteDir, 'evil.yaml'), '--root', path.join(dir, 'runs')], {
    cwd: work,
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /outside reports\//);
  assert.equal(fs.existsSync(path.join(dir, 'escaped')), false);
  assert.throws(
    () => parseSpecText('name: a\nloss: !custom { kind: infonce, tau: 0.3 }\n', 'tag.yaml'),
    (e: SpecError) => /Unresolved tag: !custom/.test(e.message) && e.exitCode === 2,
  );
});

test('10. losses and metrics refuse NaN/Inf naming the argument; a collapsed representation is a warning in the summary', async () => {
  const loss = infoNCE({ tau: 0.3 });
  scope(() => {
    const a = randn([8, 3]);
    const nan = full([8, 3], NaN);
    assert.throws(
      () => loss({ anchors: a, positives: nan, negatives: a }),
      /infoNCE: argument 'positives' holds NaN or ±Inf \(24 of 24/,
    );
    assert.throws(() => loss({ anchors: a, positives: a, negatives: full([4, 3], Infinity) }), /argument 'negatives'/);
  });
  const { r2 } = await import('../../src/metrics/index.js');
  const { alignment } = await import('../../src/metrics/alignment-uniformity.js');
  scope(() => {
    assert.throws(() => r2(randn([10, 3]), full([10, 3], NaN)), /recovered contains non-finite/);
    assert.throws(() => alignment(randn([10, 3]), full([10, 3], NaN)), /alignment\(\): argument 'y' holds NaN/);
  });
  const store = new RunStore(tmp());
  const spec = resolveSpec(
    parseSpecText(
      TINY.replace(
        'loss: { kind: infonce, tau: 0.3 }',
        'loss: { kind: infonce, tau: 0.3 }\nencoder: { kind: mlp, hidden: [16, 16], batchNorm: false }',
      ).replace(/encoder: \{ kind: mlp, hidden: \[16, 16\] \}\n/, ''),
      's',
    ),
    { set: ['train.optimizer={kind: sgd, lr: 1e10}'] },
  );
  const h = store.create(expandRuns(spec)[0]!);
  const meta = await trainStoredRun(store, h.id).catch((e: Error) => e);
  assert.ok(!(meta instanceof Error), String(meta));
  assert.match((meta.summary?.warnings ?? []).join('\n'), /representation collapse/);
  store.close();
});
