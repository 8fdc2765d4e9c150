// End-to-end: `clab record` writes a suite's finished runs as a JSON file (the same file again
// when re-recorded), and a suite naming it under `recorded:` shows it in `clab report`'s tables
// and report.html; a recorded file that is not there is a spec error (exit 2) before any run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../util/temp.js';
import { clab } from '../util/cli.js';

/** A 2 × 2 suite of tiny runs with a published value for a/x; `extra` lines appended. */
function writeSuite(dir: string, extra: string[] = []): string {
  fs.writeFileSync(
    path.join(dir, 'base.yaml'),
    [
      'name: rec/base',
      'latent: { dim: 3 }',
      'conditional: { kind: vmf, kappa: 3.3333333333333335 }',
      'process: { kind: identity }',
      'encoder: { kind: mlp, hidden: [8] }',
      'loss: { kind: infonce, tau: 0.3 }',
      'train: { iterations: 4, batch: 16 }',
      'eval: { every: 2, samples: 200 }',
      'presets: { quick: {}, paper: { train.iterations: 6 } }',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'published.json'), JSON.stringify({ cells: { a: { x: { mean: 0.5, std: 1 } } } }));
  const file = path.join(dir, 'suite.yaml');
  fs.writeFileSync(
    file,
    [
      'suite: rec',
      'title: "Recorded — R²"',
      'base: base.yaml',
      'metric: r2',
      'alsoReport: [mcc, loss]',
      'rows: { a: {}, b: { loss: { tau: 0.5 } } }',
      'columns: { x: {}, y: { latent: { dim: 4 } } }',
      'published: published.json',
      ...extra,
    ].join('\n'),
  );
  return file;
}

interface Recorded {
  suite: string;
  preset: string;
  measured: string;
  engine: Record<string, unknown>;
  clabCode: string;
  command: string;
  note: string;
  cells: Record<string, { n: number; r2: { mean: number; std: number | null }; runs: Record<string, unknown>[] }>;
}

const summaryOf = (store: string, id: string): { metrics: Record<string, number>; finalLoss: number } =>
  JSON.parse(fs.readFileSync(path.join(store, id, 'summary.json'), 'utf8')) as {
    metrics: Record<string, number>;
    finalLoss: number;
  };

test('record: the finished cells of a suite as a file; re-recorded the same; shown by report; a missing file exits 2', () => {
  const dir = tempDir('record');
  const store = path.join(dir, 'runs');
  const suite = writeSuite(dir);
  const base = ['--root', store, '--seeds', '2'];
  const ran = clab(['reproduce', suite, ...base, '--cells', 'a/*', '--out', path.join(dir, 'rep0')]);
  assert.equal(ran.code, 0, ran.stderr);

  // Only row a ran: the b cells are named on stderr and left out of the file.
  const out = path.join(dir, 'results', 'quick.json');
  const rec = clab(['record', suite, ...base, '--out', out]);
  assert.equal(rec.code, 0, rec.stderr);
  assert.match(rec.stderr, /no finished runs in 2 cell\(s\), not recorded: b\/x, b\/y/);
  const data = JSON.parse(fs.readFileSync(out, 'utf8')) as Recorded;
  assert.deepEqual(Object.keys(data), [
    'suite',
    'preset',
    'measured',
    'machine',
    'engine',
    'clabCode',
    'command',
    'note',
    'cells',
  ]);
  assert.equal(data.suite, 'rec');
  assert.equal(data.preset, 'quick');
  assert.match(data.measured, /^\d{4}-\d\d-\d\d$/);
  assert.equal(data.engine['CLAB_THREADS'], '1');
  assert.equal(data.command, `clab reproduce ${suite} --preset quick --seeds 2`);
  assert.equal(data.note, 'no finished runs: b/x, b/y');
  assert.deepEqual(Object.keys(data.cells), ['a/x', 'a/y']);
  for (const cell of Object.values(data.cells)) {
    assert.equal(cell.n, 2);
    assert.deepEqual(
      cell.runs.map((r) => [r['seed'], Object.keys(r)]),
      [
        [0, ['seed', 'run', 'r2', 'mcc', 'loss']],
        [1, ['seed', 'run', 'r2', 'mcc', 'loss']],
      ],
    );
    const summaries = cell.runs.map((r) => summaryOf(store, r['run'] as string));
    const r2 = summaries.map((s) => s.metrics['r2']!);
    assert.deepEqual(
      cell.runs.map((r) => [r['r2'], r['mcc'], r['loss']]),
      summaries.map((s) => [s.metrics['r2'], s.metrics['mcc'], s.finalLoss]),
    );
    assert.ok(Math.abs(cell.r2.mean - (r2[0]! + r2[1]!) / 2) < 1e-12);
    assert.ok(Math.abs(cell.r2.std! - Math.abs(r2[0]! - r2[1]!) / Math.SQRT2) < 1e-12);
  }
  assert.equal(data.clabCode, summaryMeta(store, data.cells['a/x']!.runs[0]!['run'] as string));

  // Re-recording the same runs writes the same file.
  const again = path.join(dir, 'again.json');
  assert.equal(clab(['record', suite, ...base, '--out', again]).code, 0);
  assert.equal(fs.readFileSync(again, 'utf8'), fs.readFileSync(out, 'utf8'));

  // --merge: another session's store (the earlier folders gone) adds seed 2 of a/x to the file.
  const later = path.join(dir, 'later');
  const seed2 = ['--root', later, '--set', 'seeds=[2]', '--cells', 'a/x'];
  assert.equal(clab(['reproduce', suite, ...seed2, '--out', path.join(dir, 'rep-later')]).code, 0);
  const merged = path.join(dir, 'merged.json');
  fs.copyFileSync(out, merged);
  const m = clab(['record', suite, ...seed2, '--out', merged, '--merge']);
  assert.equal(m.code, 0, m.stderr);
  const both = JSON.parse(fs.readFileSync(merged, 'utf8')) as Recorded;
  assert.deepEqual(
    both.cells['a/x']!.runs.map((r) => r['seed']),
    [0, 1, 2],
  );
  assert.deepEqual(both.cells['a/y'], data.cells['a/y']);
  const three = both.cells['a/x']!.runs.map((r) => r['r2'] as number);
  assert.equal(both.cells['a/x']!.n, 3);
  assert.ok(Math.abs(both.cells['a/x']!.r2.mean - (three[0]! + three[1]! + three[2]!) / 3) < 1e-12);
  assert.match(both.note, /4 runs kept from the earlier recording of \d{4}-\d\d-\d\d/);
  // Without --merge the same command records the later store alone.
  const alone = clab(['record', suite, ...seed2, '--out', path.join(dir, 'alone.json')]);
  assert.equal(alone.code, 0, alone.stderr);
  const lone = JSON.parse(fs.readFileSync(path.join(dir, 'alone.json'), 'utf8')) as Recorded;
  assert.deepEqual(Object.keys(lone.cells), ['a/x']);

  // A suite naming the file: report shows the recorded numbers beside fresh ones, marked against the paper.
  const named = writeSuite(dir, ['recorded: { quick: results/quick.json }']);
  const reportDir = path.join(dir, 'rep');
  const shown = clab(['report', '--suite', named, ...base, '--out', reportDir]);
  assert.equal(shown.code, 0, shown.stderr);
  const ax = data.cells['a/x']!.r2;
  const text = `${ax.mean.toFixed(3)} ± ${ax.std!.toFixed(3)} (2)`;
  assert.match(
    shown.stdout,
    new RegExp(`^a\\s+x\\s+${esc(text)}\\s+0\\.50 ± 1\\.00\\s+\\S+ ✓\\s+${esc(text)}\\s+\\S+ ✓$`, 'm'),
  );
  assert.match(shown.stdout, /recorded: results\/quick\.json, measured \d{4}-\d\d-\d\d/);
  const html = fs.readFileSync(path.join(reportDir, 'report.html'), 'utf8');
  assert.ok(html.includes('<th>recorded (n)</th>') && html.includes(`>${text}</td>`), 'recorded cells in report.html');
  // At another preset the recorded runs are their own table.
  const other = clab(['report', '--suite', named, ...base, '--preset', 'paper', '--out', path.join(dir, 'rep2')]);
  assert.equal(other.code, 0, other.stderr);
  assert.match(other.stdout, /^Recorded at preset 'quick': Recorded — R²$/m);

  // Two files for one preset (each its own cells): record without --out must be told which.
  const split = (column: string) => ({ ...data, cells: { [`a/${column}`]: data.cells[`a/${column}`] } });
  fs.writeFileSync(path.join(dir, 'results', 'x.json'), JSON.stringify(split('x')));
  fs.writeFileSync(path.join(dir, 'results', 'y.json'), JSON.stringify(split('y')));
  const two = writeSuite(dir, ['recorded: { quick: [results/x.json, results/y.json] }']);
  const which = clab(['record', two, ...base]);
  assert.equal(which.code, 2, which.stderr);
  assert.match(
    which.stderr,
    /names 2 recorded files for preset 'quick' \(results\/x\.json, results\/y\.json\); give --out/,
  );

  // A recorded file that is not there: exit 2 naming the key path, and nothing runs.
  const broken = writeSuite(dir, ['recorded: { paper: results/nope.json }']);
  const before = fs.readdirSync(store).length;
  const bad = clab(['reproduce', broken, ...base, '--preset', 'paper', '--out', path.join(dir, 'rep3')]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /recorded\.paper: results\/nope\.json: no such file/);
  assert.equal(fs.readdirSync(store).length, before);
});

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const summaryMeta = (store: string, id: string): string =>
  (JSON.parse(fs.readFileSync(path.join(store, id, 'meta.json'), 'utf8')) as { codeVersion: string }).codeVersion;

test('record without --out needs a file the suite names for the preset (exit 2)', () => {
  const dir = tempDir('record');
  const r = clab(['record', writeSuite(dir), '--root', path.join(dir, 'runs')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--out: suite rec names no recorded file for preset 'quick'/);
});
