// Recorded results named by a suite (`recorded:`): loaded and checked with the suite, before any
// work; a missing, malformed or inconsistent file is a spec error naming the key path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SpecError } from '../../src/experiments/index.js';
import { loadSuite } from '../../src/experiments/suite.js';
import { tempDir } from '../util/temp.js';

const TABLE1 = path.resolve('experiments/loss-is-not-enough/table1.yaml');
const PAPER_FILE = path.resolve('experiments/loss-is-not-enough/results/table1-paper.json');

test('table1 names its committed paper-preset results (two files), which load unchanged at any preset', () => {
  const committed = JSON.parse(fs.readFileSync(PAPER_FILE, 'utf8')) as { cells: Record<string, unknown> };
  for (const preset of ['quick', 'paper']) {
    const suite = loadSuite(TABLE1, { preset });
    assert.deepEqual(
      suite.recorded.map((r) => [r.preset, r.file]),
      [
        ['paper', 'results/table1-paper.json'],
        ['paper', 'results/table1-paper-adapted-m16.json'],
      ],
    );
    assert.deepEqual(suite.recorded[0]!.data, committed);
    // The support-corrected column (M = 16) is the second file's, and only its.
    const adapted = Object.keys(suite.recorded[1]!.data.cells);
    assert.equal(adapted.length, 5, 'one support-corrected cell per process');
    assert.ok(adapted.every((k) => k.endsWith('/violated-adapted')));
  }
});

/**
 * A suite of cells a/x and a/y whose `recorded.quick` is `recorded` (as YAML), with `files` written
 * beside it (an object as JSON).
 */
function suiteRecording(recorded: string, files: Record<string, unknown>): string {
  const dir = tempDir('recorded');
  fs.writeFileSync(
    path.join(dir, 'base.yaml'),
    [
      'name: s/base',
      'conditional: { kind: vmf, kappa: 3 }',
      'loss: { kind: infonce, tau: 0.5 }',
      'train: { iterations: 2, batch: 8 }',
      'presets: { quick: {} }',
    ].join('\n'),
  );
  for (const [name, content] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  fs.writeFileSync(
    path.join(dir, 'suite.yaml'),
    [
      'suite: s',
      'title: S',
      'base: base.yaml',
      'metric: r2',
      'rows: { a: {} }',
      'columns: { x: {}, y: {} }',
      `recorded: { quick: ${recorded} }`,
    ].join('\n'),
  );
  return path.join(dir, 'suite.yaml');
}

/** A suite whose `recorded.quick` is the file rec.json holding `content` (none: a missing file). */
const suiteWith = (content: unknown): string =>
  content === undefined ? suiteRecording('missing.json', {}) : suiteRecording('rec.json', { 'rec.json': content });

function issues(file: string): string[] {
  try {
    loadSuite(file, { preset: 'quick' });
  } catch (e) {
    assert.ok(e instanceof SpecError, String(e));
    assert.equal(e.exitCode, 2);
    return e.issues;
  }
  assert.fail('suite was accepted');
}

const good = () => ({
  suite: 's',
  preset: 'quick',
  measured: '2026-12-01',
  machine: 'm',
  engine: { libtorch: '1.13.0' },
  clabCode: 'abc1234',
  command: 'clab reproduce s --preset quick',
  note: '',
  cells: {
    'a/x': {
      n: 2,
      r2: { mean: 0.5, std: Math.SQRT2 * 0.1 },
      runs: [
        { seed: 0, run: 'r0', r2: 0.6, mcc: null },
        { seed: 1, run: 'r1', r2: 0.4, mcc: 0.3 },
      ],
    },
  },
});

test('a well-formed recorded file loads', () => {
  const suite = loadSuite(suiteWith(good()), { preset: 'quick' });
  assert.equal(suite.recorded[0]?.data.cells['a/x']?.n, 2);
});

test('a missing file, malformed JSON, a wrong shape or numbers that are not their runs’ are refused by key path', () => {
  assert.match(issues(suiteWith(undefined))[0]!, /^recorded\.quick: missing\.json: no such file/);
  assert.match(issues(suiteWith('{"suite": '))[0]!, /^recorded\.quick: rec\.json: not JSON/);
  const { machine: _m, ...noMachine } = good();
  assert.match(issues(suiteWith(noMachine))[0]!, /^recorded\.quick: rec\.json: machine: /);
  const wrong = good();
  wrong.suite = 'other';
  wrong.cells['a/x'].n = 3;
  (wrong.cells as Record<string, unknown>)['b/x'] = good().cells['a/x'];
  assert.deepEqual(issues(suiteWith(wrong)), [
    "recorded.quick: rec.json: suite: 'other', expected 's'",
    "recorded.quick: rec.json: cells.a/x.n: 3, but 2 runs have 'r2'",
    'recorded.quick: rec.json: cells.b/x: not a row/column of suite s',
  ]);
  const off = good();
  off.cells['a/x'].r2.mean = 0.55;
  assert.match(
    issues(suiteWith(off))[0]!,
    /^recorded\.quick: rec\.json: cells\.a\/x\.r2: mean 0\.55 .* is not that of its runs/,
  );
});

test('a preset may name a list of files recording different cells: one table; a cell in two files is refused', () => {
  const column = (name: string) => {
    const file = good();
    (file.cells as Record<string, unknown>)[`a/${name}`] = file.cells['a/x'];
    if (name !== 'x') delete (file.cells as Record<string, unknown>)['a/x'];
    return file;
  };
  const suite = loadSuite(suiteRecording('[x.json, y.json]', { 'x.json': column('x'), 'y.json': column('y') }), {
    preset: 'quick',
  });
  assert.deepEqual(
    suite.recorded.map((r) => [r.preset, r.file, Object.keys(r.data.cells)]),
    [
      ['quick', 'x.json', ['a/x']],
      ['quick', 'y.json', ['a/y']],
    ],
  );
  assert.deepEqual(issues(suiteRecording('[x.json, x2.json]', { 'x.json': column('x'), 'x2.json': column('x') })), [
    'recorded.quick: x.json and x2.json both record cells.a/x',
  ]);
  assert.match(
    issues(suiteRecording('[x.json, nope.json]', { 'x.json': column('x') }))[0]!,
    /^recorded\.quick\[1\]: nope\.json: no such file/,
  );
});
