// `clab report <ids…>` compares runs: a τ sweep gives a curve per τ and a loss.tau column; three
// seeds of one setting give mean ± std (and a band); the environment comes from the runs' meta.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../util/temp.js';
import { clab, tinySpec as tiny } from '../util/cli.js';

// One store: 3 τ values × 3 seeds of the tiny spec, 20 steps each.
const store = tempDir('compare');
const trained = clab([
  'run',
  tiny,
  '--root',
  store,
  '--seeds',
  '3',
  '--set',
  'sweep={loss.tau: [0.1, 0.3, 1.0]}',
  '--set',
  'train.iterations=20',
  '--set',
  'eval.every=10',
]);
assert.equal(trained.code, 0, trained.stderr);
interface Line {
  id: string;
  seed: number;
  point: Record<string, number>;
  summary?: { sample?: unknown };
}
const runs = clab(['ls', '--root', store, '--json'])
  .stdout.trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Line);

test('`clab ls` shows the overrides and seed of each run; --json lines carry no sample arrays', () => {
  assert.equal(runs.length, 9);
  assert.ok(runs.every((r) => r.summary !== undefined && !('sample' in r.summary)));
  const ls = clab(['ls', '--root', store]).stdout;
  for (const tau of ['0.1', '0.3', '1'])
    assert.match(
      ls,
      new RegExp(
        `done\\s+examples/tiny\\s+loss\\.tau=${tau.replace('.', '\\.')}\\s+\\d\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+\\d+\\.\\ds\\s+r2=0\\.\\d{4}`,
      ),
    );
  const csv = clab(['ls', '--root', store, '--csv']).stdout.trim().split('\n');
  assert.equal(csv.length, 10);
  assert.match(csv[0]!, /^id,name,status,seed,overrides,created,seconds,finalLoss,.*\br2\b/);
});

test('a report of a 3-point τ sweep: three labelled curves and a loss.tau column', () => {
  const ids = runs.filter((r) => r.seed === 0).map((r) => r.id);
  const out = tempDir('compare-tau');
  const r = clab(['report', ...ids, '--root', store, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^loss\.tau\s+seeds\s+r2/m);
  assert.match(r.stdout, /The runs differ in: loss\.tau\./);
  const svg = fs.readFileSync(path.join(out, 'figures', 'loss-curves.svg'), 'utf8');
  // Vega draws one path per curve, labelled by its τ (and no seed: the seeds are equal).
  const curves = [
    ...svg.matchAll(/aria-label="[^"]*run: ([^"]*)" role="graphics-symbol" aria-roledescription="line mark"/g),
  ].map((m) => m[1]);
  assert.deepEqual(curves.sort(), ['loss.tau=0.1', 'loss.tau=0.3', 'loss.tau=1']);
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(html, /<th>loss\.tau<\/th>/);
  assert.doesNotMatch(html, /Not recorded/);
  assert.match(html, /<th>libtorch<\/th>/);
});

test('a report of 3 seeds of one cell: mean ± std over the seeds, and a band', () => {
  const ids = runs.filter((r) => r.point['loss.tau'] === 0.3).map((r) => r.id);
  assert.equal(ids.length, 3);
  const out = tempDir('compare-seeds');
  const r = clab(['report', ...ids, '--root', store, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  // One group (the specs are equal), its seeds and r2 as mean ± std (3).
  assert.match(r.stdout, /examples\/tiny\s+0,1,2\s+\d\.\d{4} ± \d\.\d{4} \(3\)/);
  const svg = fs.readFileSync(path.join(out, 'figures', 'loss-curves.svg'), 'utf8');
  const curves = [
    ...svg.matchAll(/aria-label="[^"]*run: ([^"]*)" role="graphics-symbol" aria-roledescription="(line|area) mark"/g),
  ].map((m) => `${m[2]} ${m[1]}`);
  assert.deepEqual(curves.sort(), [
    'area examples/tiny mean ± std (3 seeds)',
    'line examples/tiny mean ± std (3 seeds)',
    'line examples/tiny seed=0',
    'line examples/tiny seed=1',
    'line examples/tiny seed=2',
  ]);
});
