// The dashboard in a real browser (Debian's Chromium, headless, through playwright-core): over a
// store of tiny runs trained here (a two-row suite, two seeds each), a failed run and a run whose
// spec strings hold HTML, `clab serve` lists the runs, filters, sorts and selects them, draws their
// curves, shows a run's page and the suite's table next to the paper; a run started during the
// test appears and its curve grows on the open page without a reload.
// Set CLAB_DASHBOARD_SCREENSHOT=docs/dashboard.png (make screenshot) to write the README's picture.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { runExperiment } from '../../src/experiments/index.js';
import { loadSuite, planSuite } from '../../src/experiments/suite.js';
import { RunStore } from '../../src/runs/index.js';
import { setNumThreads } from '../../src/torch/index.js';
import { tempDir } from '../util/temp.js';
import { chromiumMissing, launchChromium } from './browser.js';
import { CLI, startServe, type ServeProcess } from './serve-process.js';

setNumThreads(1);
const skip = chromiumMissing();

/** The bits of the page's DOM the wait conditions read (this file compiles without the DOM types). */
interface El {
  textContent: string | null;
  getAttribute(name: string): string | null;
  complete?: boolean;
  naturalWidth?: number;
}
type Doc = { querySelectorAll(s: string): { length: number }; querySelector(s: string): El | null };
// Conditions run in the page as functions (the page's CSP forbids evaluating strings there).
const rowCount = (n: number) =>
  (globalThis as unknown as { document: Doc }).document.querySelectorAll('tr[data-run-id]').length === n;
const lossPoints = () =>
  Number(
    (globalThis as unknown as { document: Doc }).document
      .querySelector('.chart[data-metric="loss"]')
      ?.getAttribute('data-points') ?? 0,
  );

const XSS = '<img src=x onerror="window.__xss=1">';

const BASE = `name: dashboard/base
latent: { dim: 3 }
conditional: { kind: vmf, kappa: 3.3333333333333335 }
process: { kind: identity }
encoder: { kind: mlp, hidden: [16] }
loss: { kind: infonce, tau: 0.3 }
train: { iterations: 40, batch: 64, checkpointEvery: 20 }
eval: { every: 10, samples: 200 }
seeds: [0, 1]
presets: { quick: { train.iterations: 40 } }
`;
const SUITE = `suite: dashboard-test
title: "Dashboard test — linear R² by temperature"
base: base.yaml
metric: r2
alsoReport: [loss]
rows:
  tau-low: { loss: { kind: infonce, tau: 0.2 } }
  tau-high: { loss: { kind: infonce, tau: 0.6 } }
columns:
  vmf: {}
published: published.json#table
`;
const PUBLISHED = { table: { cells: { 'tau-low': { vmf: { mean: 0.9, std: 0.05 } }, 'tau-high': { vmf: null } } } };
// Long enough to still be training while the page watches it; the test stops it.
const LIVE = `name: dashboard/live
conditional: { kind: vmf, kappa: 3.3333333333333335 }
encoder: { kind: mlp, hidden: [16] }
loss: { kind: infonce, tau: 0.3 }
train: { iterations: 200000, batch: 32, checkpointEvery: 100000 }
eval: { every: 20, samples: 100 }
`;

let root = '';
let experiments = '';
let serve: ServeProcess | undefined;
let browser: BrowserContext | undefined;
let page: Page;
const suiteIds: string[] = [];
let failedId = '';
let xssId = '';

before(async () => {
  if (skip) return;
  root = tempDir('dashboard-store');
  experiments = tempDir('dashboard-experiments');
  fs.writeFileSync(path.join(experiments, 'base.yaml'), BASE);
  fs.writeFileSync(path.join(experiments, 'dashboard-test.yaml'), SUITE);
  fs.writeFileSync(path.join(experiments, 'published.json'), JSON.stringify(PUBLISHED));
  fs.writeFileSync(path.join(experiments, 'live.yaml'), LIVE);
  const store = new RunStore(root);
  try {
    const suite = loadSuite(path.join(experiments, 'dashboard-test.yaml'), { preset: 'quick' });
    const result = await runExperiment(planSuite(suite, 'quick'), { store });
    assert.equal(result.finished.length, 4);
    suiteIds.push(...result.finished.map((m) => m.id));
    // Strings a spec or label may hold are shown as text, never as markup.
    const xss = store.create(
      { spec: { name: XSS, loss: { kind: 'infonce', tau: 0.3 } } as never, seed: 0, point: {} },
      { suite: '<b>not-bold</b>' },
    );
    xss.appendMetrics({ step: 1, seconds: 0.1, loss: 4 });
    xss.writeSummary({ steps: 1, seconds: 0.1, finalLoss: 4, metrics: { r2: 0.1 } });
    xssId = xss.id;
    const failed = store.create({
      spec: { name: 'dashboard/failed', loss: { kind: 'infonce', tau: 0.3 } } as never,
      seed: 0,
      point: {},
    });
    failed.setStatus('failed', 'loss is NaN at step 12');
    failedId = failed.id;
  } finally {
    store.close();
  }
  serve = await startServe(['--root', root, '--experiments', experiments]);
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  await page.goto(serve.url);
  await page.evaluate('window.__marker = 1');
});

after(async () => {
  await browser?.close();
  await serve?.stop();
});

const rows = (p: Page) => p.locator('tr[data-run-id]');
const rowOf = (p: Page, id: string) => p.locator(`tr[data-run-id="${id}"]`);

test('the table lists every run of the store', { skip }, async () => {
  await rows(page).first().waitFor();
  const ids = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run-id')));
  assert.deepEqual([...ids].sort(), [...suiteIds, xssId, failedId].sort());
  assert.equal(await rowOf(page, failedId).locator('td.status').textContent(), 'failed');
  // loss.tau differs between the rows of the suite: it is a column.
  assert.ok(await page.locator('th[data-col="p:loss.tau"]').count());
});

test('a spec string holding HTML is shown as text, and never runs', { skip }, async () => {
  const nameCell = rowOf(page, xssId).locator('td').nth(4);
  assert.equal(await nameCell.textContent(), XSS);
  assert.equal(await page.locator('table.runs img').count(), 0);
  assert.equal(await page.evaluate('window.__xss'), undefined);
  await page.goto(`${serve!.url}#/run/${encodeURIComponent(xssId)}`);
  await page.locator('[data-testid="run-spec"]').waitFor();
  assert.ok((await page.locator('[data-testid="run-spec"]').textContent())!.includes(XSS.replace(/"/g, '\\"')));
  await page.goto(`${serve!.url}#/suites`);
  await page.locator('[data-testid="suites"]').waitFor();
  assert.match((await page.locator('[data-testid="suites"]').textContent())!, /<b>not-bold<\/b>/);
  assert.equal(await page.locator('[data-testid="suites"] b').count(), 0);
  assert.equal(await page.evaluate('window.__xss'), undefined);
  await page.goto(`${serve!.url}#/`);
  await rows(page).first().waitFor();
});

test('filtering by text and by a column range, and sorting', { skip }, async () => {
  await page.fill('[data-testid="filter"]', 'tau-high');
  await page.waitForFunction(rowCount, 2);
  assert.ok(
    (await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run-id')!))).every((id) =>
      id.includes('tau-high'),
    ),
  );
  await page.fill('[data-testid="filter"]', '');
  await page.fill('[data-filter="p:loss.tau:min"]', '0.5');
  await page.waitForFunction(rowCount, 2);
  await page.fill('[data-filter="p:loss.tau:min"]', '');
  await page.waitForFunction(rowCount, suiteIds.length + 2);
  await page.click('th[data-col="p:loss.tau"]');
  const first = async (): Promise<string> => (await rows(page).first().getAttribute('data-run-id'))!;
  assert.match(await first(), /tau-low/);
  await page.click('th[data-col="p:loss.tau"]');
  assert.match(await first(), /tau-high/);
});

test('selecting runs draws their curves; grouping draws a mean and a band; CSV export', { skip }, async () => {
  for (const id of suiteIds) await rowOf(page, id).locator('input.select').check();
  const loss = page.locator('.chart[data-metric="loss"]');
  await loss.locator('canvas').waitFor();
  assert.ok(Number(await loss.getAttribute('data-points')) >= 4, 'the loss curve has its points');
  assert.ok(await page.locator('.chart[data-metric="r2"] canvas').count());
  assert.equal(await loss.locator('.u-legend .u-series').count(), 1 + suiteIds.length, 'x and one series per run');
  await page.selectOption('[data-testid="group-by"]', 'cell');
  await page.waitForFunction(() =>
    (globalThis as unknown as { document: Doc }).document
      .querySelector('.chart[data-metric="loss"] .u-legend')
      ?.textContent?.includes('cell=tau-low/vmf (mean of 2)'),
  );
  if (process.env['CLAB_DASHBOARD_SCREENSHOT']) {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.screenshot({ path: path.resolve(process.env['CLAB_DASHBOARD_SCREENSHOT']) });
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv"]')]);
  const csv = fs
    .readFileSync((await download.path())!, 'utf8')
    .trim()
    .split(/\r\n/);
  assert.match(csv[0]!, /^id,name,status,suite,cell,seed,.*loss\.tau.*,r2/);
  assert.equal(csv.length, 1 + suiteIds.length);
  await page.selectOption('[data-testid="group-by"]', '');
});

test("a run's page shows its spec, status, error, checkpoints and latent view", { skip }, async () => {
  const id = suiteIds[0]!;
  await rowOf(page, id).locator('td.id a').click();
  await page.locator('[data-testid="run-spec"]').waitFor();
  assert.equal(await page.locator('[data-testid="run-title"]').textContent(), id);
  const spec = JSON.parse((await page.locator('[data-testid="run-spec"]').textContent())!) as {
    spec: { name: string; loss: { kind: string } };
  };
  const stored = JSON.parse(fs.readFileSync(path.join(root, id, 'spec.json'), 'utf8')) as unknown;
  assert.deepEqual(spec, stored, 'the resolved spec exactly as stored');
  assert.equal(await page.locator('[data-testid="run-status"]').textContent(), 'done');
  await page.waitForFunction(() => {
    const img = (globalThis as unknown as { document: Doc }).document.querySelector('[data-testid="latent-view"]');
    return img !== null && img.complete === true && (img.naturalWidth ?? 0) > 0;
  });
  assert.match((await page.locator('.run-page').textContent())!, /step-00000040\.safetensors/);
  await page.locator('[data-testid="metrics-table"] tbody tr').first().waitFor();
  await page.goto(`${serve!.url}#/run/${encodeURIComponent(failedId)}`);
  await page.locator('[data-testid="run-error"]').waitFor();
  assert.equal(await page.locator('[data-testid="run-error"]').textContent(), 'loss is NaN at step 12');
  await page.goto(`${serve!.url}#/`);
  await rows(page).first().waitFor();
});

test("the suite's table next to the paper's numbers, as the HTML report draws it", { skip }, async () => {
  await page.click('#nav-suites');
  await page.locator('[data-testid="suites"] a').first().click();
  await page.locator('[data-testid="suite-tables"] table.results').first().waitFor({ timeout: 60_000 });
  const text = (await page.locator('[data-testid="suite-tables"]').textContent())!;
  assert.match(text, /tau-low/);
  assert.match(text, /0\.90 ± 0\.05|0\.9/, 'the published number');
  assert.ok(
    await page.locator('[data-testid="suite-tables"] td.agree, [data-testid="suite-tables"] td.disagree').count(),
    'the cell with a paper number is compared',
  );
  const href = (await page.locator('a', { hasText: 'full HTML report' }).getAttribute('href'))!;
  const report = await page.request.get(new URL(href, serve!.url).toString());
  assert.equal(report.status(), 200);
  assert.match(await report.text(), /Dashboard test — linear R² by temperature/);
  await page.click('#nav-runs');
  await rows(page).first().waitFor();
});

test(
  'a run training during the test appears, and its curve grows on the open page without a reload',
  { skip, timeout: 180_000 },
  async () => {
    for (const id of suiteIds) await rowOf(page, id).locator('input.select').uncheck();
    const trainer = spawn(process.execPath, [CLI, 'run', path.join(experiments, 'live.yaml'), '--root', root], {
      stdio: 'ignore',
      env: { ...process.env, CLAB_THREADS: '1' },
    });
    const ended = new Promise<void>((resolve) => trainer.once('exit', () => resolve()));
    try {
      const live = page.locator('tr[data-run-id^="dashboard-live"]');
      await live.waitFor({ timeout: 90_000 });
      assert.equal(await live.locator('td.status').textContent(), 'running');
      await live.locator('input.select').check();
      const loss = page.locator('.chart[data-metric="loss"]');
      await page.waitForFunction(lossPoints, undefined, { timeout: 60_000 });
      const seen = Number(await loss.getAttribute('data-points'));
      await page.waitForFunction(
        (n) =>
          Number(
            (globalThis as unknown as { document: Doc }).document
              .querySelector('.chart[data-metric="loss"]')
              ?.getAttribute('data-points') ?? 0,
          ) > n,
        seen,
        { timeout: 60_000 },
      );
      assert.equal(await page.evaluate('window.__marker'), 1, 'the page was not reloaded');
    } finally {
      trainer.kill('SIGTERM');
      await ended;
    }
    // Stopped, the run is marked interrupted, and the open table says so.
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: Doc }).document.querySelector(
          'tr[data-run-id^="dashboard-live"] td.status',
        )?.textContent === 'interrupted',
      undefined,
      { timeout: 30_000 },
    );
  },
);
