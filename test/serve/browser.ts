// Debian's Chromium, headless, driven by playwright-core (which never downloads a browser): the
// flags keep it off the network (this machine has none) and a fresh profile per launch.
import fs from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from '../util/temp.js';

export const CHROMIUM = process.env['CLAB_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `no ${CHROMIUM}: install Debian's chromium (make test does)`;
}

/**
 * Launches headless Chromium on a fresh, empty profile (Playwright passes it as --user-data-dir;
 * a persistent context is how it takes one). Close the context to end the browser.
 */
export async function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir('chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
    timeout: 60_000,
  });
}
