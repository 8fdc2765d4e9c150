import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { renderFigures, renderReport, writeReport } from '../../src/report/index.js';
import { formatDelta, formatOurs, formatPaper, summariseTable } from '../../src/report/table.js';
import { emptyInput, sampleInput } from './sample.js';
import { latentColor, latentPoints } from '../../src/report/figures.js';
import { tempDir } from '../util/temp.js';

function assertSvg(svg: string, what: string): void {
  assert.ok(svg.startsWith('<svg'), `${what} starts with <svg`);
  assert.match(svg, /^<svg[^>]*\swidth="\d+(\.\d+)?"[^>]*>/, `${what} has a width`);
  assert.match(svg, /^<svg[^>]*\sheight="\d+(\.\d+)?"[^>]*>/, `${what} has a height`);
  assert.ok(svg.trimEnd().endsWith('</svg>'), `${what} ends with </svg>`);
}

function assertSelfContained(html: string): void {
  assert.doesNotMatch(html, /\s(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<link\s/i);
  assert.doesNotMatch(html, /@import|url\(\s*["']?https?:/i);
}

test('renderReport: every table cell value, inline SVG figures, notes and environment, self-contained', async () => {
  const input = sampleInput();
  const html = await renderReport(input);
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assertSelfContained(html);
  assert.ok(html.includes('<svg'));
  const escape = (s: string): string =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  for (const t of input.tables) {
    const s = summariseTable(t);
    for (const c of s.columns) assert.ok(html.includes(`>${escape(c)}<`), c);
    s.rows.forEach((r, i) => {
      assert.ok(html.includes(`>${escape(r)}<`), r);
      for (const cell of s.cells[i] ?? []) {
        assert.ok(html.includes(`>${escape(formatOurs(cell))}<`), `ours ${r}/${cell.column}`);
        assert.ok(html.includes(`>${escape(formatPaper(cell.paper))}<`), `paper ${r}/${cell.column}`);
        assert.ok(html.includes(`>${escape(formatDelta(cell))}<`), `Δ ${r}/${cell.column}`);
      }
    });
  }
  assert.ok(html.includes('>0.990 ± 0.008 (5)<'));
  assert.ok(html.includes('class="disagree"'));
  assert.ok(html.includes('class="agree"'));
  assert.ok(html.includes('quick preset, &lt;test&gt; &amp; &quot;note&quot;'));
  assert.ok(html.includes('ρ sweep &lt;partial&gt;'));
  assert.ok(html.includes('Paper A &lt;Table 1&gt; &amp; co'));
  assert.ok(html.includes('openblas'));
  assert.equal((html.match(/<svg/g) ?? []).length, 5);
});

test('renderFigures: curves, losses, theory and latents each render to an SVG with width and height', async () => {
  const figures = await renderFigures(sampleInput());
  const ids = figures.map((f) => f.id);
  assert.deepEqual([ids[0], ids[1], ids[2], ids[4]], ['r2-vs-rho', 'r2-vs-fixed-dims', 'loss-curves', 'latents-a1']);
  assert.ok(ids[3]?.startsWith('theory-'));
  assert.ok(
    ids.every((id) => /^[a-z0-9_][a-z0-9_.-]*$/.test(id)),
    ids.join(' '),
  );
  for (const f of figures) assertSvg(f.svg, f.id);
  const rho = figures[0]?.svg ?? '';
  assert.ok(rho.includes('ours: MLP') && rho.includes('paper: MLP'), 'legend names ours and the paper');
});

test('latent view: points on both hemispheres, coloured by the true latent, subsampled', () => {
  const input = sampleInput();
  const view = input.latentViews[0];
  assert.ok(view);
  const pts = latentPoints(view, 100);
  assert.equal(pts.length, 200);
  assert.ok(pts.some((p) => p.hemisphere.startsWith('front')) && pts.some((p) => p.hemisphere.startsWith('back')));
  assert.ok(pts.every((p) => Math.hypot(p.px, p.py) <= 1 + 1e-9 && /^#[0-9a-f]{6}$/.test(p.color)));
  // Hue follows the azimuth, lightness the height.
  assert.notEqual(latentColor([1, 0, 0]), latentColor([-1, 0, 0]));
  const lum = (hex: string): number =>
    parseInt(hex.slice(1, 3), 16) + parseInt(hex.slice(3, 5), 16) + parseInt(hex.slice(5, 7), 16);
  assert.ok(lum(latentColor([0.6, 0, 0.8])) > lum(latentColor([0.6, 0, -0.8])));
  // Degenerate rows are skipped rather than drawn at the origin.
  assert.equal(latentPoints({ runId: 'x', label: 'x', truth: [[0, 0, 0]], recovered: [[1, 0, 0]] }).length, 0);
});

test('empty inputs render without throwing', async () => {
  const html = await renderReport(emptyInput());
  assertSelfContained(html);
  assert.ok(html.includes('No tables.') && html.includes('No figures.'));
  const empty = sampleInput();
  empty.tables = [{ id: 't', title: 't', metric: 'r2', rows: ['a'], columns: ['b'], ours: [], published: {} }];
  empty.curves = [{ id: 'c', title: 'c', x: 'x', y: 'y', series: [] }];
  empty.lossCurves = [{ runId: 'r', label: 'r', points: [] }];
  empty.latentViews = [{ runId: 'r', label: 'r', truth: [], recovered: [] }];
  empty.theory = [{ title: 't', lambdas: [], series: [] }];
  const figures = await renderFigures(empty);
  assert.equal(figures.length, 4);
  for (const f of figures) assertSvg(f.svg, f.id);
  const html2 = await renderReport(empty);
  assert.ok(html2.includes('>—<') && html2.includes('>n/a<'));
});

test('writeReport writes report.html and figures/<id>.svg and nothing else', async () => {
  const dir = tempDir('report');
  const out = path.join(dir, 'nested', 'report');
  const written = await writeReport(out, sampleInput());
  assert.equal(written.reportPath, path.join(out, 'report.html'));
  assert.deepEqual(fs.readdirSync(out).sort(), ['figures', 'report.html']);
  const files = fs.readdirSync(path.join(out, 'figures')).sort();
  assert.deepEqual(files, written.figures.map((f) => `${f.id}.svg`).sort());
  for (const p of written.figurePaths) assertSvg(fs.readFileSync(p, 'utf8'), p);
  const html = fs.readFileSync(written.reportPath, 'utf8');
  assertSelfContained(html);
  // Rewriting over an existing report works (atomic replace).
  await writeReport(out, emptyInput());
  assert.ok(fs.readFileSync(written.reportPath, 'utf8').includes('No tables.'));
  fs.rmSync(dir, { recursive: true, force: true });
});
