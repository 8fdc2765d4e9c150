import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MIN_TOLERANCE,
  agreementTolerance,
  formatNumber,
  formatPublished,
  formatTerminalTable,
  summarise,
  summariseCell,
  summariseTable,
  tableToMarkdown,
} from '../../src/report/table.js';
import { sampleTable } from './sample.js';

test('summarise: mean, sample std (n − 1), n; one value has no std, none has no mean', () => {
  const s = summarise([1, 2, 3, 4]);
  assert.equal(s.n, 4);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs((s.std ?? NaN) - Math.sqrt(5 / 3)) < 1e-12);
  assert.deepEqual(summarise([0.7]), { n: 1, mean: 0.7, std: null });
  assert.deepEqual(summarise([]), { n: 0, mean: null, std: null });
  assert.equal(summarise([2, 2, 2]).std, 0);
});

test('summariseCell: Δ = ours − paper and agreement within 2·sqrt(std_p² + std_o²), at least 0.01', () => {
  const agree = summariseCell(
    'r',
    'c',
    { row: 'r', column: 'c', values: [0.62, 0.64], runIds: ['x', 'y'] },
    { mean: 0.63, std: 0 },
  );
  assert.ok(Math.abs((agree.delta ?? NaN) - 0) < 1e-12);
  assert.equal(agree.agreement, 'agree');
  const far = summariseCell(
    'r',
    'c',
    { row: 'r', column: 'c', values: [0.5], runIds: ['x'] },
    { mean: 0.06, std: 0.03 },
  );
  assert.ok(Math.abs((far.delta ?? NaN) - 0.44) < 1e-12);
  assert.equal(far.tolerance, 0.06);
  assert.equal(far.agreement, 'disagree');
  assert.equal(summariseCell('r', 'c', undefined, { mean: 1, std: 0 }).agreement, 'no-runs');
  const noPaper = summariseCell('r', 'c', { row: 'r', column: 'c', values: [0.4], runIds: ['x'] }, null);
  assert.equal(noPaper.agreement, 'no-paper');
  assert.equal(noPaper.delta, null);
  assert.equal(agreementTolerance(0, null), MIN_TOLERANCE);
  assert.ok(Math.abs(agreementTolerance(0.03, 0.04) - 0.1) < 1e-12);
});

test('summariseTable pools duplicate cells and keeps rows/columns not listed in the table', () => {
  const t = sampleTable();
  t.ours.push({ row: 'identity', column: 'violated-infonce', values: [0.3], runIds: ['b2'] });
  t.ours.push({ row: 'monomial', column: 'holds-infonce', values: [0.9], runIds: ['m1'] });
  const s = summariseTable(t);
  assert.deepEqual(s.rows.at(-1), 'monomial');
  const idViolated = s.cells[0]?.[1];
  assert.equal(idViolated?.n, 2);
  assert.ok(Math.abs((idViolated?.mean ?? NaN) - 0.4) < 1e-12);
  assert.deepEqual(idViolated?.runIds, ['b1', 'b2']);
  assert.equal(s.cells.at(-1)?.[0]?.paper, null);
});

test('number formatting: fixed decimals, no negative zero, published numbers as printed', () => {
  assert.equal(formatNumber(0.98765), '0.988');
  assert.equal(formatNumber(-0.0001), '0.000');
  assert.equal(formatNumber(NaN), 'NaN');
  assert.equal(formatPublished(1), '1.00');
  assert.equal(formatPublished(0.06), '0.06');
  assert.equal(formatPublished(0.053), '0.053');
});

test('formatTerminalTable shows every row, column, our values, the paper values, n/a and —', () => {
  const t = sampleTable();
  const text = formatTerminalTable(t);
  for (const r of t.rows) assert.ok(text.includes(r), r);
  for (const c of t.columns) assert.ok(text.includes(c), c);
  for (const r of t.rows) {
    for (const c of t.columns) {
      const p = t.published[r]?.[c];
      if (p) assert.ok(text.includes(`${formatPublished(p.mean)} ± ${formatPublished(p.std!)}`), `${r}/${c}`);
    }
  }
  assert.ok(text.includes('0.990 ± 0.008 (5)'), text);
  assert.ok(text.includes('0.500 (1)'));
  assert.ok(text.includes('+0.440 ✗'));
  assert.ok(text.includes('-0.010 ✓'));
  assert.ok(text.includes('n/a'));
  assert.ok(text.includes('0.420 (1)'));
  assert.ok(text.includes('—'));
  // Aligned: every bordered line has the same width.
  const lines = text.split('\n').filter((l) => /^[│┌├└]/.test(l));
  const widths = new Set(lines.map((l) => [...l].length));
  assert.equal(widths.size, 1, text);
  assert.equal(lines.length, 6 + t.rows.length);
});

test("formatTerminalTable's long layout has one line per cell", () => {
  const t = sampleTable();
  const text = formatTerminalTable(t, { layout: 'long' });
  const lines = text.split('\n');
  assert.ok(
    lines.some((l) => /^identity\s+violated-infonce\s+0\.500 \(1\)\s+0\.06 ± 0\.03\s+\+0\.440 ✗$/.test(l)),
    text,
  );
  assert.ok(
    lines.some((l) => /^invertible-mlp\s+violated-inverse\s+0\.420 \(1\)\s+n\/a$/.test(l)),
    text,
  );
  assert.equal(lines.filter((l) => t.rows.some((r) => l.startsWith(`${r} `))).length, t.rows.length * t.columns.length);
  assert.ok(Math.max(...lines.slice(0, -3).map((l) => [...l].length)) < 80);
});

test('tableToMarkdown has a header, a separator and one line per row with every value', () => {
  const t = sampleTable();
  const md = tableToMarkdown(t).split('\n');
  const rows = md.filter((l) => l.startsWith('|'));
  assert.equal(rows.length, 2 + t.rows.length);
  const cols = (l: string): number => l.split(/(?<!\\)\|/).length - 2;
  assert.ok(
    rows.every((l) => cols(l) === 1 + 3 * t.columns.length),
    md.join('\n'),
  );
  assert.ok(md.some((l) => l.startsWith('| spiral') && l.includes('0.980 ± 0.014 (2)') && l.includes('0.72 ± 0.33')));
});

test('an empty table formats without throwing', () => {
  const empty = { id: 'e', title: 'empty', metric: 'r2', rows: [], columns: [], ours: [], published: {} };
  assert.ok(formatTerminalTable(empty).includes('empty'));
  assert.ok(tableToMarkdown(empty).includes('empty'));
});
