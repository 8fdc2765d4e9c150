// The comparison of chosen runs on constructed runs: which keys differ, how runs group, what the
// tables, curves and environment say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareReport,
  differingKeys,
  flattenSpec,
  groupRuns,
  meanStd,
  mergedEnvironment,
  type CompareRun,
} from '../../src/report/compare.js';
import { lsCsv, overridesOf, toCsv } from '../../src/cli/run-table.js';
import type { RunMeta } from '../../src/runs/index.js';

const spec = (tau: number, hidden = [32, 32]): unknown => ({
  name: 'x',
  loss: { kind: 'infonce', tau },
  encoder: { kind: 'mlp', hidden },
  train: { iterations: 10 },
});
const run = (
  id: string,
  seed: number,
  s: unknown,
  r2: number,
  env: Record<string, unknown> = { libtorch: '1.13.0' },
): CompareRun => ({
  id,
  name: 'x',
  seed,
  spec: s,
  final: { finalLoss: 4, metrics: { r2, r2_0: r2 } },
  loss: [1, 2, 3].map((step) => ({ step, loss: 5 - step + seed })),
  environment: env,
  codeVersion: 'abc',
});

test('differing keys: leaf paths whose values differ; arrays are leaves; absent counts', () => {
  assert.deepEqual(
    [...flattenSpec({ a: { b: 1, c: [1, 2] } })],
    [
      ['a.b', '1'],
      ['a.c', '[1,2]'],
    ],
  );
  assert.deepEqual(differingKeys([spec(0.1), spec(0.3), spec(1)]), ['loss.tau']);
  assert.deepEqual(differingKeys([spec(0.1), spec(0.1, [64])]), ['encoder.hidden']);
  assert.deepEqual(differingKeys([{ a: 1 }, { a: 1, b: 2 }]), ['b']);
  assert.deepEqual(differingKeys([spec(0.3), spec(0.3)]), []);
});

test('runs group by everything but the seed; a group of seeds is mean ± sample std', () => {
  const runs = [run('a', 0, spec(0.3), 0.9), run('b', 1, spec(0.3), 0.8), run('c', 0, spec(1), 0.7)];
  const groups = groupRuns(runs, ['loss.tau']);
  assert.deepEqual(
    groups.map((g) => [g.label, g.runs.map((r) => r.id)]),
    [
      ['loss.tau=0.3', ['a', 'b']],
      ['loss.tau=1', ['c']],
    ],
  );
  assert.equal(meanStd([0.9, 0.8]), '0.8500 ± 0.0707 (2)');
  assert.equal(meanStd([0.7]), '0.7000');
  const report = compareReport(runs);
  const [groupsTable, runsTable] = report.comparisons!;
  assert.deepEqual(groupsTable!.header, ['loss.tau', 'seeds', 'r2', 'loss']);
  assert.deepEqual(groupsTable!.rows[0]!.slice(0, 3), ['0.3', '0,1', '0.8500 ± 0.0707 (2)']);
  assert.deepEqual(
    runsTable!.rows.map((r) => r[0]),
    ['a', 'b', 'c'],
  );
  // Curves: one per run labelled by τ and seed, and the two-seed group's mean with a ±std band.
  assert.deepEqual(
    report.lossCurves.map((c) => c.label),
    ['loss.tau=0.3 seed=0', 'loss.tau=0.3 seed=1', 'loss.tau=0.3 mean ± std (2 seeds)', 'loss.tau=1 seed=0'],
  );
  const mean = report.lossCurves[2]!.points;
  assert.deepEqual(
    mean.map((p) => [p.step, p.loss]),
    [
      [1, 4.5],
      [2, 3.5],
      [3, 2.5],
    ],
  );
  assert.ok(mean.every((p) => Math.abs(p.std! - Math.SQRT1_2) < 1e-12));
});

test('the environment of the runs: shared values once, differing ones with the runs that had them', () => {
  const env = mergedEnvironment([
    run('a', 0, spec(1), 1, { libtorch: '1.13.0', threads: 2 }),
    run('b', 0, spec(1), 1, { libtorch: '1.13.0', threads: 1 }),
  ]);
  assert.equal(env['libtorch'], '1.13.0');
  assert.equal(env['codeVersion'], 'abc');
  assert.equal(env['threads'], '2 (a); 1 (b)');
});

test('CSV fields are quoted where needed; ls overrides come from the sweep point and labels', () => {
  assert.equal(
    toCsv(
      ['a', 'b'],
      [
        ['x,y', 'say "hi"'],
        [1.5, undefined],
      ],
    ),
    'a,b\n"x,y","say ""hi"""\n1.5,\n',
  );
  const meta = {
    id: 'r',
    key: 'k',
    name: 'n',
    seed: 0,
    point: { 'loss.tau': 0.1 },
    labels: { spec: 'tiny.yaml', preset: 'quick' },
    status: 'done',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:01.000Z',
    codeVersion: 'v',
    environment: {},
    dir: '/x',
    summary: { steps: 1, seconds: 2, finalLoss: 3, metrics: { r2: 0.5 } },
  } as RunMeta;
  assert.equal(overridesOf(meta), 'loss.tau=0.1 preset=quick');
  assert.equal(
    lsCsv([meta]),
    'id,name,status,seed,overrides,created,seconds,finalLoss,r2\nr,n,done,0,loss.tau=0.1 preset=quick,2026-01-01T00:00:00.000Z,2,3,0.5\n',
  );
});
