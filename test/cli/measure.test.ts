// `clab measure`: metrics a run's spec did not ask for, on its final checkpoint — checked against
// the run's own final evaluation (the same held-out set rebuilt from spec and seed gives the same
// numbers), validated against the run's spec before any work, and read-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../util/temp.js';
import { clab, tinySpec as tiny } from '../util/cli.js';

/** Every file of a folder with its bytes, to check that measuring changes nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) out[f] = fs.readFileSync(p).toString('base64');
  }
  return out;
}

test('`clab measure` reproduces a finished run’s own metrics, adds new ones, and leaves the run folder as it was', () => {
  const store = tempDir('measure');
  // The run's spec reports r2 with per-coordinate values (the default eval.metrics), mcc and ape.
  assert.equal(clab(['run', tiny, '--root', store, '--set', 'train.iterations=40']).code, 0);
  const id = fs.readdirSync(store).find((d) => fs.existsSync(path.join(store, d, 'meta.json')))!;
  const dir = path.join(store, id);
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as {
    metrics: Record<string, number>;
  };
  const before = snapshot(dir);

  const r = clab([
    'measure',
    id.slice(0, 12),
    '--root',
    store,
    '--json',
    '--metric',
    '{kind: r2, perFactor: true}',
    '--metric',
    'mcc',
    '--metric',
    '{kind: r2, testFraction: 0.5, as: r2HeldOut}',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const event = JSON.parse(r.stdout) as { id: string; step: number; final: boolean; metrics: Record<string, number> };
  assert.deepEqual([event.id, event.step, event.final], [id, 40, true]);
  // What the run measured itself comes out the same: same weights, same held-out set.
  for (const name of ['r2', 'r2_0', 'r2_1', 'r2_2', 'mcc'])
    assert.ok(
      Math.abs(event.metrics[name]! - summary.metrics[name]!) < 1e-6,
      `${name}: measured ${event.metrics[name]}, the run's ${summary.metrics[name]}`,
    );
  // The new metric: a held-out R² (fit on half, scored on the other), a number the run never had.
  assert.equal(summary.metrics['r2HeldOut'], undefined);
  assert.ok(Number.isFinite(event.metrics['r2HeldOut']) && event.metrics['r2HeldOut']! <= 1);
  assert.deepEqual(snapshot(dir), before, 'measure is read-only');

  // The text form names the run, the step and every value.
  const text = clab(['measure', id, '--root', store, '--metric', 'ape']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^${id}  step 40  ape=\\d\\.\\d{4}\\n$`));
});

test('`clab measure` refuses a metric the run’s spec cannot take, naming the key path, before any work (exit 2)', () => {
  const store = tempDir('measure-bad');
  assert.equal(clab(['run', tiny, '--root', store, '--set', 'train.iterations=20']).code, 0);
  const id = fs.readdirSync(store).find((d) => fs.existsSync(path.join(store, d, 'meta.json')))!;
  const cases: [string[], RegExp][] = [
    [['--metric', '{kind: r2, perFactr: true}'], /eval\.metrics\.0.*perFactr/],
    [['--metric', 'r2', '--metric', 'r2'], /already reported by eval\.metrics\.0/],
    // The tiny run's latents have no labels: a k-NN accuracy is refused, not computed on nothing.
    [['--metric', '{kind: knn, k: 3}'], /label/],
    [['--metric', '{kind: nope}'], /eval\.metrics\.0.*r2/],
    [[], /give at least one --metric/],
  ];
  for (const [flags, message] of cases) {
    const r = clab(['measure', id, '--root', store, ...flags]);
    assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, flags.join(' '));
    assert.equal(r.stdout, '');
  }
  const missing = clab(['measure', 'no-such-run', '--root', store, '--metric', 'r2']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /no-such-run/);
});

test('`clab measure --suite` measures every finished run of the chosen cells, as `clab report --suite` finds them', () => {
  const dir = tempDir('measure-suite');
  const store = path.join(dir, 'runs');
  fs.writeFileSync(
    path.join(dir, 'base.yaml'),
    [
      'name: meas/base',
      'latent: { dim: 3 }',
      'conditional: { kind: vmf, kappa: 3.3333333333333335 }',
      'encoder: { kind: mlp, hidden: [8] }',
      'loss: { kind: infonce, tau: 0.3 }',
      'train: { iterations: 4, batch: 16 }',
      'eval: { every: 2, samples: 200 }',
      'seeds: [0, 1]',
      'presets: { quick: {} }',
    ].join('\n'),
  );
  const suite = path.join(dir, 'suite.yaml');
  fs.writeFileSync(
    suite,
    [
      'suite: meas',
      'title: "Measure"',
      'base: base.yaml',
      'metric: r2',
      'rows: { a: {} }',
      'columns: { x: {}, y: { loss: { tau: 0.5 } } }',
    ].join('\n'),
  );
  assert.equal(clab(['reproduce', suite, '--root', store, '--cells', 'a/x']).code, 0);

  const r = clab(['measure', '--suite', suite, '--root', store, '--metric', '{kind: r2, perFactor: true}', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const events = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { cell: string; id: string; metrics: Record<string, number> });
  // Cell a/y has no runs in the store: only a/x's two seeds are measured.
  assert.deepEqual(
    events.map((e) => e.cell),
    ['a/x', 'a/x'],
  );
  for (const e of events) {
    const own = JSON.parse(fs.readFileSync(path.join(store, e.id, 'summary.json'), 'utf8')) as {
      metrics: Record<string, number>;
    };
    assert.ok(Math.abs(e.metrics['r2']! - own.metrics['r2']!) < 1e-6);
    assert.deepEqual(Object.keys(e.metrics), ['r2', 'r2_0', 'r2_1', 'r2_2']);
  }
  const text = clab(['measure', '--suite', suite, '--root', store, '--metric', 'mcc']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /mean ± std per cell:\na\/x {2}mcc=-?\d\.\d{4} ± \d\.\d{4} \(2\)\n/);

  // Suite flags without --suite, or run ids with it, are usage errors.
  for (const args of [
    ['measure', events[0]!.id, '--cells', 'a/x'],
    ['measure', events[0]!.id, '--suite', suite],
    ['measure', '--suite', 'no/such/suite'],
  ]) {
    const bad = clab([...args, '--root', store, '--metric', 'r2']);
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
  }
});
