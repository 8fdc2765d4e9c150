// A store of 1,000 runs with 10,000 metrics rows each (synthetic: no training) in the browser: the
// page renders, the table keeps one page of rows in the DOM and pages through the rest, and the
// curves of selected runs draw all their rows. No timing is asserted (bench territory).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { tempDir } from '../util/temp.js';
import { chromiumMissing, launchChromium } from './browser.js';
import { startServe, type ServeProcess } from './serve-process.js';
import { syntheticStore } from './synthetic-store.js';

const RUNS = 1000;
const ROWS = 10_000;
const PAGE_SIZE = 50; // web/runs-table.ts
const skip = chromiumMissing();

let serve: ServeProcess | undefined;
let browser: BrowserContext | undefined;
let page: Page;

type Doc = { querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } | null };

before(async () => {
  if (skip) return;
  const { root } = syntheticStore(tempDir('dashboard-large'), RUNS, ROWS);
  serve = await startServe(['--root', root]);
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
});

after(async () => {
  await browser?.close();
  await serve?.stop();
});

test(
  '1,000 runs: the table shows one page of rows at a time and pages through all of them',
  { skip, timeout: 120_000 },
  async () => {
    await page.goto(serve!.url);
    await page.locator('tr[data-run-id]').first().waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('[data-testid="runs-info"]').textContent(), `${RUNS} of ${RUNS} runs · 0 selected`);
    assert.equal(await page.locator('tr[data-run-id]').count(), PAGE_SIZE);
    assert.match((await page.locator('.pager').first().textContent())!, new RegExp(`page 1 of ${RUNS / PAGE_SIZE}`));
    const first = await page.locator('tr[data-run-id]').first().getAttribute('data-run-id');
    await page.click('[data-testid="next-page"]');
    assert.match((await page.locator('.pager').first().textContent())!, /page 2 of/);
    assert.notEqual(await page.locator('tr[data-run-id]').first().getAttribute('data-run-id'), first);
    assert.equal(await page.locator('tr[data-run-id]').count(), PAGE_SIZE);
    await page.fill('[data-testid="filter"]', 'cell-7-');
    // 20 cells: one run in 20 is in cell 7.
    await page.waitForFunction(
      (t) =>
        (globalThis as unknown as { document: Doc }).document
          .querySelector('[data-testid="runs-info"]')
          ?.textContent?.startsWith(t),
      `${RUNS / 20} of ${RUNS} runs`,
    );
    await page.fill('[data-testid="filter"]', '');
  },
);

test('curves of three runs with 10,000 rows each draw every row', { skip, timeout: 120_000 }, async () => {
  const boxes = page.locator('tr[data-run-id] input.select');
  for (let i = 0; i < 3; i++) await boxes.nth(i).check();
  await page.waitForFunction(
    (n) =>
      Number(
        (globalThis as unknown as { document: Doc }).document
          .querySelector('.chart[data-metric="loss"]')
          ?.getAttribute('data-points') ?? 0,
      ) === n,
    ROWS,
    { timeout: 60_000 },
  );
  assert.ok(await page.locator('.chart[data-metric="r2"] canvas').count());
});
