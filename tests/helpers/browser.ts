import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

// Debian's Chromium, started the way this closed-network machine needs it:
// no background networking (its connections are refused here), no sandbox (root).
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('test-results', 'screenshots');

export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves every page of a failed test, named after the test, for whoever reads the CI artefacts. */
export async function screenshotFailure(testName: string, pages: readonly Page[]): Promise<void> {
  for (const [i, page] of pages.entries()) {
    await page.screenshot({ path: path.join(SCREENSHOTS, `failed-${testName.replace(/\W+/g, '-')}-${i}.png`), fullPage: true }).catch(() => undefined);
  }
}
