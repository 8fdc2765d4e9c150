// Suites: which cells run under a preset (presetCells), checked before any work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SpecError } from '../../src/experiments/index.js';
import { loadSuite, planSuite } from '../../src/experiments/suite.js';
import { suiteTables } from '../../src/report/suite-report.js';
import { tempDir } from '../util/temp.js';

const CLUSTERS = path.resolve('experiments/clusters.yaml');
const QUICK_ROWS = ['linear', 'small-mlp', 'large-mlp', 'large-mlp-m4', 'large-mlp-m64'];
const QUICK_COLUMNS = ['iota=0', 'iota=0.5', 'iota=1'];

test('clusters suite at quick plans exactly its presetCells: 5 rows × 3 columns', () => {
  const suite = loadSuite(CLUSTERS, { preset: 'quick' });
  assert.deepEqual(suite.rows, QUICK_ROWS);
  assert.deepEqual(suite.columns, QUICK_COLUMNS);
  assert.deepEqual(suite.skipped, { rows: ['large-mlp-m256'], columns: ['iota=0.25', 'iota=0.75'] });
  const planned = planSuite(suite, 'quick');
  const cells = [...new Set(planned.map((p) => p.labels['cell']))].sort();
  assert.deepEqual(cells, QUICK_ROWS.flatMap((r) => QUICK_COLUMNS.map((c) => `${r}/${c}`)).sort());
  // Two seeds per cell at quick.
  assert.equal(planned.length, 15 * 2);
  assert.ok(planned.every((p) => p.labels['preset'] === 'quick'));
});

test('clusters suite at full runs every cell', () => {
  const suite = loadSuite(CLUSTERS, { preset: 'full' });
  assert.equal(suite.cells.length, 6 * 5);
  assert.deepEqual(suite.skipped, { rows: [], columns: [] });
});

/** A small suite next to a base spec with presets quick and full, `extra` merged into the suite file. */
function suiteFile(extra: string): string {
  const dir = tempDir('suite');
  fs.writeFileSync(
    path.join(dir, 'base.yaml'),
    [
      'name: s/base',
      'conditional: { kind: vmf, kappa: 3 }',
      'loss: { kind: infonce, tau: 0.5 }',
      'train: { iterations: 2, batch: 8 }',
      'presets: { quick: {}, full: {} }',
    ].join('\n'),
  );
  const file = path.join(dir, 'suite.yaml');
  fs.writeFileSync(
    file,
    [
      'suite: s',
      'title: S',
      'base: base.yaml',
      'metric: r2',
      'rows: { a: {}, b: { loss: { tau: 0.3 } } }',
      'columns: { x: {}, y: { latent: { dim: 4 } } }',
      extra,
    ].join('\n'),
  );
  return file;
}

function issues(file: string, preset = 'quick'): string[] {
  try {
    loadSuite(file, { preset });
  } catch (e) {
    assert.ok(e instanceof SpecError, `expected a SpecError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    return e.issues;
  }
  assert.fail('suite was accepted');
}

test('presetCells: a list left out keeps every row or column; other presets run every cell', () => {
  const file = suiteFile('presetCells: { quick: { columns: [y] } }');
  const quick = loadSuite(file, { preset: 'quick' });
  assert.deepEqual(
    quick.cells.map((c) => `${c.row}/${c.column}`),
    ['a/y', 'b/y'],
  );
  assert.deepEqual(quick.skipped, { rows: [], columns: ['x'] });
  assert.equal(loadSuite(file, { preset: 'full' }).cells.length, 4);
  assert.equal(loadSuite(file).cells.length, 4);
});

test('presetCells: an unknown row, column or preset is a spec error naming the key path and the allowed names', () => {
  assert.deepEqual(issues(suiteFile('presetCells: { quick: { rows: [a, c] } }')), [
    "presetCells.quick.rows.1: 'c' is not a row of this suite (allowed: a, b)",
  ]);
  assert.deepEqual(issues(suiteFile('presetCells: { quick: { columns: [z] } }'), 'full'), [
    "presetCells.quick.columns.0: 'z' is not a column of this suite (allowed: x, y)",
  ]);
  assert.deepEqual(issues(suiteFile('presetCells: { quikc: { rows: [a] } }')), [
    "presetCells.quikc: not a preset of this suite's cells (presets: quick, full)",
  ]);
  assert.deepEqual(issues(suiteFile('presetCells: { quick: { rows: [] } }')), [
    'presetCells.quick.rows: name at least one row (leave rows out to run every row)',
  ]);
});

const TABLE1 = path.resolve('experiments/loss-is-not-enough/table1.yaml');
const cellsOf = (s: ReturnType<typeof loadSuite>): string[] => s.cells.map((c) => `${c.row}/${c.column}`);

test('--cells runs only the selected cells: a column, a row, a single cell; null cells stay out', () => {
  assert.deepEqual(cellsOf(loadSuite(TABLE1, { preset: 'paper', cells: ['*/violated-infonce'] })), [
    'identity/violated-infonce',
    'invertible-mlp/violated-infonce',
    'linear/violated-infonce',
    'patches/violated-infonce',
    'spiral/violated-infonce',
  ]);
  assert.deepEqual(cellsOf(loadSuite(TABLE1, { preset: 'paper', cells: ['invertible-mlp/*'] })), [
    'invertible-mlp/holds-infonce',
    'invertible-mlp/violated-infonce',
    'invertible-mlp/violated-adapted',
  ]);
  assert.deepEqual(
    cellsOf(loadSuite(TABLE1, { preset: 'paper', cells: ['patches/holds-infonce', 'identity/violated-inverse'] })),
    ['identity/violated-inverse', 'patches/holds-infonce'],
  );
  assert.equal(loadSuite(TABLE1, { preset: 'paper' }).cells.length, 19);
});

test('--cells: an unknown row or column, a malformed selector or one that selects nothing is a spec error', () => {
  const problems = (cells: string[]): string[] => {
    try {
      loadSuite(TABLE1, { preset: 'paper', cells });
    } catch (e) {
      if (e instanceof SpecError) return e.issues;
      throw e;
    }
    return [];
  };
  assert.deepEqual(problems(['idnetity/*']), [
    "--cells: 'idnetity/*': no row 'idnetity' (rows: identity, invertible-mlp, linear, patches, spiral)",
  ]);
  assert.match(problems(['*/violated'])[0]!, /no column 'violated' \(columns: holds-infonce, violated-infonce/);
  assert.deepEqual(problems(['identity']), ["--cells: 'identity' is not row/column (either part may be *)"]);
  assert.deepEqual(problems(['invertible-mlp/violated-inverse']), [
    '--cells: invertible-mlp/violated-inverse selects no cell that runs at this preset',
  ]);
});

test('a curve suite reads its published series, with the std array when it names one (Table 7) and without it otherwise', () => {
  const table7 = loadSuite(path.resolve('experiments/loss-is-not-enough/table7.yaml'), { preset: 'paper' });
  assert.deepEqual(table7.published.linear?.d0, { mean: 0.969, std: 0.0474 });
  assert.deepEqual(table7.published.linear?.d9, { mean: 0.299, std: 0.0466 });
  assert.equal(Object.keys(table7.published.linear ?? {}).length, 11);
  assert.equal(table7.series?.columnX.d7, 7);
  const dir = tempDir('suite-series');
  fs.writeFileSync(path.join(dir, 'pub.json'), JSON.stringify({ a: { x: [1, 2], y: [0.5, 0.25] } }));
  fs.writeFileSync(
    path.join(dir, 'base.yaml'),
    fs.readFileSync(path.resolve('experiments/loss-is-not-enough/base.yaml')),
  );
  fs.writeFileSync(
    path.join(dir, 'curve.yaml'),
    [
      'suite: curve',
      'title: a curve',
      'base: base.yaml',
      'metric: r2',
      'rows: { a: {} }',
      'columns: { c1: {}, c2: {} }',
      'published: pub.json',
      'publishedSeries: { x: x, y: y, column: "c{x}" }',
    ].join('\n'),
  );
  assert.deepEqual(loadSuite(path.join(dir, 'curve.yaml')).published, { a: { c1: { mean: 0.5 }, c2: { mean: 0.25 } } });
});

test("a metric's note reaches its report table: Table 1's APE and loss say how the paper's definitions differ", () => {
  const suite = loadSuite(TABLE1, { preset: 'paper' });
  const tables = suiteTables(suite, new Map(), 'paper');
  const noteOf = (metric: string) => tables.find((t) => t.metric === metric)?.note;
  assert.equal(noteOf('r2'), 'preset: paper');
  assert.match(noteOf('ape')!, /^preset: paper; the paper's APE is its reference code's, half the mean over all pairs/);
  assert.match(noteOf('loss')!, /twice the 2000 negatives/);
  assert.equal(noteOf('mcc'), 'preset: paper');
});
