// Recorded results in a suite's report: beside fresh runs at their own preset (every table, its
// metric read from the recorded runs), in ours' place when the store has no fresh run, as a table of
// their own at another preset; marked against the paper like fresh runs, in the terminal, Markdown
// and HTML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadSuite } from '../../src/experiments/suite.js';
import type { RunMeta } from '../../src/runs/index.js';
import { tableToHtml } from '../../src/report/html.js';
import { withRecorded } from '../../src/report/recorded-tables.js';
import { suiteTables } from '../../src/report/suite-report.js';
import { formatTerminalTable, summariseTable, tableToMarkdown } from '../../src/report/table.js';

const TABLE1 = path.resolve('experiments/loss-is-not-enough/table1.yaml');
/** When a committed recorded file was measured (a re-record with --merge moves it). */
const measured = (file: string): string =>
  (JSON.parse(fs.readFileSync(path.join(path.dirname(TABLE1), file), 'utf8')) as { measured: string }).measured;
/** Table 1's recorded source: two files, each with the columns it records. */
const SOURCE =
  `results/table1-paper.json (holds-infonce, violated-infonce, violated-inverse), measured ${measured('results/table1-paper.json')}; ` +
  `results/table1-paper-adapted-m16.json (violated-adapted), measured ${measured('results/table1-paper-adapted-m16.json')}`;

/** One fresh finished run of identity/holds-infonce (what a store gives suiteTables). */
const FRESH = new Map([
  [
    'identity/holds-infonce',
    [
      {
        id: 'fresh-s0',
        seed: 0,
        status: 'done',
        summary: { metrics: { r2: 0.998, mcc: 0.9, ape: 0.1 }, finalLoss: 7 },
      },
    ],
  ],
]) as unknown as Map<string, RunMeta[]>;

/** Table 1's report tables with its recorded paper-preset results, and the fresh runs given. */
function tables(preset: string, fresh = FRESH) {
  const suite = loadSuite(TABLE1, { preset });
  return withRecorded(suite, suiteTables(suite, fresh, preset), preset);
}

test('at the recorded preset every table carries the recorded cells, each metric from the recorded runs', () => {
  const t = tables('paper');
  assert.deepEqual(
    t.map((x) => x.metric),
    ['r2', 'mcc', 'ape', 'loss'],
  );
  assert.ok(t.every((x) => x.recorded?.source === SOURCE));
  const r2 = summariseTable(t[0]!);
  const cell = r2.recorded!.cells[r2.rows.indexOf('identity')]![r2.columns.indexOf('violated-infonce')]!;
  assert.equal(cell.n, 3);
  assert.ok(Math.abs(cell.mean! - 0.05744855120604588) < 1e-12);
  assert.equal(cell.agreement, 'agree');
  // The support-corrected column comes from the second file (M = 16), in the same table.
  const adapted = r2.recorded!.cells[r2.rows.indexOf('identity')]![r2.columns.indexOf('violated-adapted')]!;
  assert.equal(adapted.n, 3);
  assert.ok(adapted.mean! > 0.6 && adapted.mean! < 0.64, String(adapted.mean));
  const mcc = summariseTable(t[1]!).recorded!.cells[0]![0]!;
  assert.ok(Math.abs(mcc.mean! - (0.7287964398902081 + 0.7899683231766379 + 0.8883105927216285) / 3) < 1e-12);
  // The recorded file has no loss values: the loss table's recorded cells are empty, not zero.
  assert.equal(summariseTable(t[3]!).recorded!.cells[0]![0]!.n, 0);
});

test('at another preset the recorded results are a table of their own, titled with their preset', () => {
  const t = tables('quick');
  assert.equal(t.length, 5);
  assert.ok(t.slice(0, 4).every((x) => x.recorded === undefined));
  const own = t[4]!;
  assert.match(own.title, /^Recorded at preset 'paper': /);
  assert.equal(own.oursHeading, 'recorded (n)');
  assert.equal(own.ours.length, 19);
  const long = formatTerminalTable(own, { layout: 'long' });
  assert.match(long, /^row \[r2\]\s+column\s+recorded \(n\)\s+paper\s+Δ$/m);
  assert.match(long, /^spiral\s+violated-infonce\s+0\.330 ± 0\.000 \(3\)\s+0\.72 ± 0\.33\s+-0\.390 ✓$/m);
  assert.ok(long.includes(`recorded: ${SOURCE}`));
});

test('recorded columns in the terminal (long and grid), Markdown and HTML', () => {
  const r2 = tables('paper')[0]!;
  const long = formatTerminalTable(r2, { layout: 'long' });
  assert.match(
    long,
    /^identity\s+holds-infonce\s+0\.998 \(1\)\s+1\.00 ± 0\.00\s+-0\.002 ✓\s+0\.999 ± 0\.000 \(3\)\s+-0\.001 ✓$/m,
  );
  assert.match(long, /^linear\s+holds-infonce\s+—\s+1\.00 ± 0\.00\s+0\.999 ± 0\.001 \(3\)\s+-0\.001 ✓$/m);
  assert.match(long, /^row \[r2\]\s+column\s+ours \(n\)\s+paper\s+Δ\s+recorded \(n\)\s+Δ rec\.$/m);
  const grid = formatTerminalTable(r2);
  const bordered = grid.split('\n').filter((l) => /^[│┌├└]/.test(l));
  assert.equal(new Set(bordered.map((l) => [...l].length)).size, 1, grid);
  assert.ok(grid.includes('0.878 ± 0.040 (3)'));
  const md = tableToMarkdown(r2).split('\n');
  const cols = (l: string): number => l.split(/(?<!\\)\|/).length - 2;
  assert.ok(md.filter((l) => l.startsWith('|')).every((l) => cols(l) === 1 + 5 * r2.columns.length));
  const html = tableToHtml(summariseTable(r2));
  assert.ok(html.includes('<th colspan="5">holds-infonce</th>'));
  assert.ok(html.includes('<th>recorded (n)</th><th>Δ rec.</th>'));
  assert.ok(html.includes('>0.224 ± 0.187 (3)</td>'));
  assert.ok(html.includes(`recorded: ${SOURCE}`));
});

test('with no fresh run at the recorded preset the recorded values take ours’ place (no column of empty cells)', () => {
  const t = tables('paper', new Map());
  assert.ok(t.every((x) => x.recorded === undefined && x.oursHeading === 'recorded (n)'));
  assert.ok((t[0]!.note ?? '').includes(`recorded: ${SOURCE} (no fresh runs in this store)`));
  const long = formatTerminalTable(t[0]!, { layout: 'long' });
  assert.match(long, /^row \[r2\]\s+column\s+recorded \(n\)\s+paper\s+Δ$/m);
  assert.match(long, /^identity\s+violated-infonce\s+0\.057 ± 0\.036 \(3\)\s+0\.06 ± 0\.03\s+-0\.003 ✓$/m);
});
