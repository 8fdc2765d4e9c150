// End-to-end: the `clab` command line on tiny specs, as a user runs it (a child process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../util/temp.js';
import { clab, cliEntry as entry, cliEnv as env, tinySpec as tiny } from '../util/cli.js';

const tmp = (): string => tempDir('cli');
const metricsOf = (dir: string): unknown[] =>
  fs
    .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { seconds: _s, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return rest;
    });
const onlyRun = (store: string): string => {
  const dirs = fs.readdirSync(store).filter((d) => fs.existsSync(path.join(store, d, 'meta.json')));
  assert.equal(dirs.length, 1, `one run folder in ${store}: ${dirs.join(', ')}`);
  return path.join(store, dirs[0]!);
};

test('run, ls, show and report a tiny spec; the same seed writes identical metrics', () => {
  const [a, b] = [tmp(), tmp()];
  const r1 = clab(['run', tiny, '--root', a]);
  assert.equal(r1.code, 0, r1.stderr);
  assert.match(r1.stdout, /done {3}examples-tiny-s0-/);
  assert.equal(clab(['run', tiny, '--root', b]).code, 0);
  const [runA, runB] = [onlyRun(a), onlyRun(b)];
  assert.deepEqual(metricsOf(runA), metricsOf(runB));
  for (const f of ['spec.json', 'meta.json', 'metrics.jsonl', 'summary.json'])
    assert.ok(fs.existsSync(path.join(runA, f)), f);
  assert.ok(fs.readdirSync(path.join(runA, 'checkpoints')).some((f) => f.endsWith('.safetensors')));

  const ls = clab(['ls', '--root', a]);
  assert.match(ls.stdout, /examples-tiny-s0-\S+\s+done/);
  const id = path.basename(runA);
  const show = clab(['show', id.slice(0, 20), '--root', a]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /"kind": "vmf"/);
  assert.match(show.stdout, /final: loss/);
  // Running again reuses the finished run instead of training it twice.
  assert.match(clab(['run', tiny, '--root', a]).stdout, /cached/);

  const out = tmp();
  const rep = clab(['report', id, '--root', a, '--out', out]);
  assert.equal(rep.code, 0, rep.stderr);
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(html, /<svg/);
  assert.ok(html.includes(id));
});

test('a bad spec exits with code 2 before any work, naming the key path and allowed values', () => {
  const store = tmp();
  const r = clab(['run', tiny, '--root', store, '--set', 'conditional.kind=vmff']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /conditional\.kind: got "vmff"; allowed values: vmf, restricted-vmf/);
  const r2 = clab(['run', tiny, '--root', store, '--set', 'loss.rho=2']);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /loss: unknown key 'rho' \(allowed: kind, tau, negatives\b[^)]*\)/);
  assert.equal(
    fs.readdirSync(store).filter((d) => !d.startsWith('index.sqlite')).length,
    0,
    'no run folder was created',
  );
  assert.equal(clab(['run', '/nonexistent.yaml']).code, 2);
  assert.equal(clab(['frobnicate']).code, 2);
  // A suite's flag on a report of runs is refused, not ignored.
  const report = clab(['report', 'some-run', '--cells', 'a/b', '--root', store]);
  assert.equal(report.code, 2, report.stderr);
  assert.match(report.stderr, /--cells: applies to a suite's report; give --suite <name>/);
  // Every coordinate fixed is a valid spec (Paper A, Table 7 d_fixed = k) but leaves h_λ nothing to scale.
  const theory = clab(['theory', tiny, '--set', 'conditional.kind=restricted-vmf', '--set', 'conditional.fixedDims=3']);
  assert.equal(theory.code, 2, theory.stderr);
  assert.match(theory.stderr, /conditional\.fixedDims: .*leaves none for latent\.dim 3 \(allowed: 0\.\.2\)/);
});

test('a run killed with SIGKILL resumes with `clab resume` and ends with the same numbers', async () => {
  const [killed, whole] = [tmp(), tmp()];
  const args = ['--set', 'train.iterations=300', '--set', 'train.checkpointEvery=50', '--set', 'eval.every=50'];
  assert.equal(clab(['run', tiny, '--root', whole, ...args]).code, 0);
  const child = spawn(process.execPath, [entry, 'run', tiny, '--root', killed, ...args], { env, stdio: 'ignore' });
  // Kill it once it has written a checkpoint, in the middle of training.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const dirs = fs.existsSync(killed)
      ? fs.readdirSync(killed).filter((d) => fs.existsSync(path.join(killed, d, 'checkpoints')))
      : [];
    const cps = dirs.flatMap((d) =>
      fs.readdirSync(path.join(killed, d, 'checkpoints')).filter((f) => /^step-\d+\.safetensors$/.test(f)),
    );
    if (cps.length > 0) break;
    if (Date.now() > deadline) assert.fail('no checkpoint appeared');
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const run = onlyRun(killed);
  assert.notEqual(
    JSON.parse(fs.readFileSync(path.join(run, 'meta.json'), 'utf8')).status,
    'done',
    'killed before the end',
  );
  const resumed = clab(['resume', path.basename(run), '--root', killed]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /resume .* at step \d+\/300/);
  const summary = (dir: string) =>
    JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { metrics: unknown; finalLoss: number };
  assert.deepEqual(summary(run).metrics, summary(onlyRun(whole)).metrics);
  assert.equal(summary(run).finalLoss, summary(onlyRun(whole)).finalLoss);
  assert.deepEqual(metricsOf(run), metricsOf(onlyRun(whole)));
});

test('reproduce runs every cell of a suite and the report holds every table cell', () => {
  const [store, out] = [tmp(), tmp()];
  const r = clab([
    'reproduce',
    'loss-is-not-enough/table1',
    '--preset',
    'quick',
    '--root',
    store,
    '--out',
    out,
    '--set',
    'train.iterations=4',
    '--set',
    'eval.every=2',
    '--set',
    'eval.samples=200',
    '--set',
    'train.batch=32',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /19 of 19 cells have finished runs/);
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  for (const row of ['identity', 'invertible-mlp', 'linear', 'patches', 'spiral'])
    for (const col of ['holds-infonce', 'violated-infonce', 'violated-adapted', 'violated-inverse']) {
      if (row === 'invertible-mlp' && col === 'violated-inverse') continue;
      assert.ok(html.includes(row) && html.includes(col), `${row}/${col}`);
    }
  // The paper's numbers are in the report next to ours.
  assert.ok(html.includes('0.06') && html.includes('0.72'));
  const diag = execFileSync(
    process.execPath,
    [
      entry,
      'diagnose',
      tiny,
      '--set',
      'conditional={kind: restricted-vmf, kappa: 3.33, fixedDims: 1}',
      '--samples',
      '512',
    ],
    { env, encoding: 'utf8' },
  );
  assert.match(diag, /VIOLATED/);
});
