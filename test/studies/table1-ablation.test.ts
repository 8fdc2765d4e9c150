// The Table 1 ablation suite (issue #16) and its report builder: the suite's cells compose the quick
// preset with one change per row; the builder is tested on made-up runs (no training) whose verdicts
// are known, then once end to end on a tiny trained quick row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadSuite, type Suite } from '../../src/experiments/suite.js';
import { suiteReports, type SuiteRunData } from '../../src/report/suites/index.js';
import {
  budgetRows,
  movementText,
  movements,
  paperBand,
  paperOf,
  r2Definitions,
} from '../../src/report/suites/table1-ablation.js';
import { renderFigures } from '../../src/report/figures.js';
import { summariseTable } from '../../src/report/table.js';
import type { ComparisonTable, ReportInput } from '../../src/report/types.js';
import type { RunMeta } from '../../src/runs/index.js';
import { setNumThreads } from '../../src/torch/index.js';
import { tempDir } from '../util/temp.js';
import { emptyReport, trainSuite } from './train-suite.js';

setNumThreads(1);

const FILE = path.resolve('experiments/loss-is-not-enough/table1-ablation.yaml');
const suite = loadSuite(FILE, { preset: 'quick' });

test('table1-ablation at quick: each row changes one choice from the quick preset (the two 15-minute candidates two), 3 seeds, four R² definitions', () => {
  assert.equal(suite.report, 'table1-ablation');
  assert.deepEqual(suite.rows, [
    'quick',
    'steps-5000',
    'batch-2000',
    'norm-act',
    'patches-design',
    'linear-diagonal-0-1',
    'lr-1e-4',
    'batch-2000-steps-1250',
    'batch-1024-steps-2500',
  ]);
  assert.deepEqual(suite.columns, ['identity-violated', 'linear-violated', 'patches-violated']);
  // 7 full rows × 3 cells + the two process rows' single cells.
  assert.equal(suite.cells.length, 23);
  const spec = (row: string, column: string) => suite.cells.find((c) => c.row === row && c.column === column)!.spec;
  const settings = (row: string, column: string) => {
    const s = spec(row, column);
    return {
      steps: s.train.iterations,
      batch: s.train.batch,
      seeds: s.seeds,
      order: (s.encoder as { order: string }).order,
      process: s.process,
      conditional: s.conditional,
      loss: s.loss,
      samples: s.eval.samples,
      lr: s.train.optimizer.lr,
    };
  };
  const quick = settings('quick', 'patches-violated');
  assert.deepEqual(quick, {
    steps: 1000,
    batch: 512,
    seeds: [0, 1, 2],
    order: 'act-norm',
    process: { kind: 'patches', slices: 4, variant: 'reference' },
    conditional: { kind: 'restricted-vmf', kappa: 3.3333333333333335, fixedDims: 1 },
    loss: { kind: 'infonce', tau: 0.3, negatives: 'shared' },
    samples: 2000,
    lr: 0.001,
  });
  // Exactly one setting differs from the quick row in each variant.
  assert.deepEqual(settings('steps-5000', 'patches-violated'), { ...quick, steps: 5000 });
  assert.deepEqual(settings('batch-2000', 'patches-violated'), { ...quick, batch: 2000 });
  assert.deepEqual(settings('norm-act', 'patches-violated'), { ...quick, order: 'norm-act' });
  assert.deepEqual(settings('patches-design', 'patches-violated'), {
    ...quick,
    process: { kind: 'patches', slices: 4, variant: 'design' },
  });
  assert.deepEqual(settings('lr-1e-4', 'patches-violated'), { ...quick, lr: 0.0001 });
  // The two ≈ 15-minute candidates change the budget's two parts at once (≈ 5× quick's cost each).
  assert.deepEqual(settings('batch-2000-steps-1250', 'patches-violated'), { ...quick, steps: 1250, batch: 2000 });
  assert.deepEqual(settings('batch-1024-steps-2500', 'patches-violated'), { ...quick, steps: 2500, batch: 1024 });
  const linear = settings('quick', 'linear-violated');
  assert.deepEqual(linear.process, { kind: 'linear', outDim: 7, diagonalRange: [0.5, 1.5] });
  assert.deepEqual(settings('linear-diagonal-0-1', 'linear-violated'), {
    ...linear,
    process: { kind: 'linear', outDim: 7, diagonalRange: [0, 1] },
  });
  assert.deepEqual(
    r2Definitions(suite).map((d) => d.name),
    ['r2', 'r2Pooled', 'r2NoIntercept', 'r2HeldOut'],
  );
  assert.deepEqual(budgetRows(suite), [
    'quick',
    'steps-5000',
    'batch-2000',
    'batch-2000-steps-1250',
    'batch-1024-steps-2500',
  ]);
  // The paper's value of each column is Table 1's violated-InfoNCE value of its process.
  assert.deepEqual(paperOf(suite, 'identity-violated'), { mean: 0.06, std: 0.03 });
  assert.deepEqual(paperOf(suite, 'linear-violated'), { mean: 0.05, std: 0.06 });
  assert.deepEqual(paperOf(suite, 'patches-violated'), { mean: 0.25, std: 0.03 });
});

/** A finished run of (row, column) with these final metrics. */
function run(row: string, column: string, seed: number, metrics: Record<string, number>): SuiteRunData {
  const meta: RunMeta = {
    id: `${row}-${column}-s${seed}`,
    key: `${row}${column}${seed}`,
    name: `${suite.id}/${row}/${column}`,
    seed,
    point: {},
    labels: { suite: suite.id, cell: `${row}/${column}` },
    status: 'done',
    createdAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    codeVersion: 'test',
    environment: {},
    dir: '/nonexistent',
    summary: { steps: 1000, seconds: 1, finalLoss: 4, metrics },
  };
  return { row, column, meta, metrics: [] };
}

/** Runs of a cell, one per value (seeds 0, 1, …); the other R² definitions derived from r2. */
const cell = (row: string, column: string, r2s: number[]): SuiteRunData[] =>
  r2s.map((r2, seed) =>
    run(row, column, seed, { r2, r2Pooled: r2 + 0.01, r2NoIntercept: r2 - 0.1, r2HeldOut: r2 - 0.02, mcc: 0.5 }),
  );

// identity: the baseline misses (0.33); steps-5000 moves it into the band; batch-2000 moves it half
// way (|Δ| 0.13 > 2·0.02, still outside); norm-act does not move it (|Δ| 0.01 < 2·0.02).
// linear: steps-5000 differs by 0.05 but its seeds spread (std 0.05): does not move. patches:
// norm-act has one seed (cannot tell); patches-design moves it into the band; batch-2000 not run.
const RUNS: SuiteRunData[] = [
  ...cell('quick', 'identity-violated', [0.31, 0.33, 0.35]),
  ...cell('steps-5000', 'identity-violated', [0.05, 0.06, 0.07]),
  ...cell('batch-2000', 'identity-violated', [0.2, 0.2, 0.2]),
  ...cell('norm-act', 'identity-violated', [0.32, 0.34, 0.36]),
  ...cell('quick', 'linear-violated', [0.09, 0.1, 0.11]),
  ...cell('steps-5000', 'linear-violated', [0.1, 0.15, 0.2]),
  ...cell('quick', 'patches-violated', [0.69, 0.7, 0.71]),
  ...cell('steps-5000', 'patches-violated', [0.69, 0.7, 0.71]),
  ...cell('norm-act', 'patches-violated', [0.4]),
  ...cell('patches-design', 'patches-violated', [0.24, 0.25, 0.26]),
];

test('movements: |Δmean| against 2 × the larger seed std, computed from the runs', () => {
  const moves = movements(suite, RUNS);
  const verdict = (column: string, variant: string) =>
    moves.find((m) => m.column === column && m.variant === variant)?.verdict;
  assert.equal(verdict('identity-violated', 'steps-5000'), 'moves');
  assert.equal(verdict('identity-violated', 'batch-2000'), 'moves');
  assert.equal(verdict('identity-violated', 'norm-act'), 'does not move');
  assert.equal(verdict('linear-violated', 'steps-5000'), 'does not move');
  assert.equal(verdict('patches-violated', 'norm-act'), 'cannot tell');
  assert.equal(verdict('patches-violated', 'patches-design'), 'moves');
  assert.equal(verdict('patches-violated', 'batch-2000'), 'not run');
  assert.equal(verdict('patches-violated', 'steps-5000'), 'does not move');
  // Cells that do not exist (null in the suite) are not compared.
  assert.equal(verdict('identity-violated', 'patches-design'), undefined);
  assert.equal(verdict('linear-violated', 'linear-diagonal-0-1'), 'not run');
  const m = moves.find((x) => x.column === 'identity-violated' && x.variant === 'batch-2000')!;
  assert.ok(Math.abs(m.diff! - 0.13) < 1e-12 && Math.abs(m.threshold! - 0.04) < 1e-12);
  assert.equal(m.agrees, false);
  assert.equal(moves.find((x) => x.column === 'identity-violated' && x.variant === 'steps-5000')!.agrees, true);
});

test('the generated text names per cell the variants that move it, and whether a row reproduces every cell', () => {
  const text = movementText(suite, RUNS);
  assert.equal(text.length, 4);
  assert.match(
    text[0]!,
    /^identity-violated \(paper 0\.06 ± 0\.03; baseline quick 0\.330 ± 0\.020\): moves — steps-5000 \(0\.060 ± 0\.010, \|Δ\| 0\.270 vs 0\.040, inside the paper band ✓\); batch-2000 \(0\.200 ± 0\.000, \|Δ\| 0\.130 vs 0\.040, outside the paper band ✗\)\. Does not move — norm-act/,
  );
  assert.match(
    text[1]!,
    /^linear-violated .*: moves — none\. Does not move — steps-5000 .*Not run yet — batch-2000, norm-act, linear-diagonal-0-1, lr-1e-4, batch-2000-steps-1250, batch-1024-steps-2500\.$/,
  );
  assert.match(text[2]!, /Cannot tell \(fewer than two seeds on a side\) — norm-act \(0\.400 \(1 seed\)/);
  assert.match(
    text[2]!,
    /moves — patches-design \(0\.250 ± 0\.010, .*inside the paper band ✓\)\. Does not move — steps-5000/,
  );
  // steps-5000 has identity and linear inside the band but not patches (0.70 vs 0.25 ± 0.03).
  assert.equal(
    text[3],
    "Inside the paper's band, per variant (cells with runs): quick 1/3, steps-5000 2/3, batch-2000 0/1, norm-act 0/2, patches-design 1/1, linear-diagonal-0-1 no runs, lr-1e-4 no runs, batch-2000-steps-1250 no runs, batch-1024-steps-2500 no runs. No variant has all 3 cells inside the band.",
  );
  // One row with every cell inside the band is named.
  const fixed = [
    ...RUNS.filter((r) => !(r.row === 'steps-5000' && r.column === 'patches-violated')),
    ...cell('steps-5000', 'patches-violated', [0.24, 0.25, 0.27]),
  ];
  assert.match(movementText(suite, fixed)[3]!, /steps-5000 3\/3, .*\. Every cell inside the band: steps-5000\.$/);
});

test('the report: variant × cell table with the paper in every row, R² definitions, movements, a strip figure per cell', async () => {
  const r = (await suiteReports['table1-ablation']!({
    suite,
    preset: 'quick',
    runs: RUNS,
    generic: emptyReport(suite.title),
  })) as ReportInput;
  const main = summariseTable(r.tables[0]!);
  assert.deepEqual(main.rows, suite.rows);
  const at = (row: string, column: string) => main.cells[main.rows.indexOf(row)]![main.columns.indexOf(column)]!;
  assert.deepEqual(at('steps-5000', 'identity-violated').paper, { mean: 0.06, std: 0.03 });
  assert.equal(at('steps-5000', 'identity-violated').agreement, 'agree');
  assert.equal(at('quick', 'identity-violated').agreement, 'disagree');
  assert.equal(at('patches-design', 'identity-violated').paper, null);
  assert.equal(at('patches-design', 'patches-violated').agreement, 'agree');
  const [moves, defs] = r.comparisons as [ComparisonTable, ComparisonTable];
  // identity: 6 variants (the process rows have no identity cell); linear and patches: 7 each.
  assert.equal(moves.rows.length, 6 + 7 + 7);
  assert.deepEqual(moves.rows.find((x) => x[0] === 'identity-violated' && x[1] === 'norm-act')!.slice(4), [
    '0.010',
    '0.040',
    'does not move',
    '✗',
  ]);
  // The paper's row, then baseline and budget rows × the four definitions.
  assert.equal(defs.rows.length, 1 + 5 * 4);
  assert.deepEqual(defs.rows[0], ['paper (Table 1)', 'r2 as published', '0.06 ± 0.03', '0.05 ± 0.06', '0.25 ± 0.03']);
  assert.deepEqual(defs.rows.find((x) => x[0] === 'steps-5000' && x[1] === 'r2NoIntercept')!.slice(2), [
    '-0.040 ± 0.010',
    '0.050 ± 0.050',
    '0.600 ± 0.010',
  ]);
  assert.match(defs.title, /r2Pooled = pooled \(1 − ΣSS_res\/ΣSS_tot\), affine fit, in-sample/);
  assert.match(defs.title, /r2HeldOut = .*fitted on 0\.50, scored on the held-out 0\.50/);
  const strips = r.strips!;
  assert.deepEqual(
    strips.map((s) => [s.id, s.categories.length, s.points.length]),
    [
      ['ablation-identity-violated', 7, 12],
      ['ablation-linear-violated', 8, 6],
      ['ablation-patches-violated', 8, 10],
    ],
  );
  assert.deepEqual(paperBand({ mean: 0.06, std: 0.03 }), { lo: 0, hi: 0.12 });
  assert.ok(Math.abs(strips[0]!.band!.lo - 0) < 1e-12 && Math.abs(strips[0]!.band!.hi - 0.12) < 1e-12);
  // The band of a "± 0.00" paper value is at least ± 0.01 (Table 1's MIN_TOLERANCE).
  assert.deepEqual(paperBand({ mean: 1, std: 0 }), { lo: 0.99, hi: 1.01 });
  const figures = await renderFigures(r);
  const strip = figures.find((f) => f.id === 'ablation-patches-violated')!;
  assert.match(strip.svg, /<svg/);
  assert.match(strip.caption, /Shaded: paper 0\.25 ± 0\.03: mean ± 2 std/);
  assert.ok(r.notes.some((n) => /^ {2}identity-violated .*moves — steps-5000/.test(n)));
});

test('table1-ablation end to end: a tiny quick row and one variant trained, reported by the builder', async () => {
  const tiny = loadSuite(FILE, {
    preset: 'quick',
    set: [
      'train.iterations=3',
      'train.batch=16',
      'train.checkpointEvery=3',
      'eval.every=3',
      'eval.samples=40',
      'seeds=[0, 1]',
    ],
    cells: ['quick/identity-violated', 'norm-act/identity-violated'],
  });
  const small: Suite = tiny;
  const runs = await trainSuite(small, 'quick', tempDir('table1-ablation'));
  assert.equal(runs.length, 4);
  for (const r of runs)
    assert.deepEqual(Object.keys(r.meta.summary!.metrics).sort(), [
      'ape',
      'mcc',
      'r2',
      'r2HeldOut',
      'r2NoIntercept',
      'r2Pooled',
    ]);
  const r = (await suiteReports['table1-ablation']!({
    suite: small,
    preset: 'quick',
    runs,
    generic: emptyReport(small.title),
  })) as ReportInput;
  const moves = r.comparisons![0]!;
  assert.equal(moves.rows.length, 1);
  assert.ok(['moves', 'does not move'].includes(moves.rows[0]![6]!), moves.rows[0]!.join(' | '));
  assert.equal(r.strips![0]!.points.length, 4);
});
