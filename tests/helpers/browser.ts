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

/** Saves a screenshot under test-results/screenshots, where the CI artefacts and the docs pick them up. */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, name), ...options });
}

/**
 * Saves a screenshot of the whole console screen. The console scrolls inside
 * its page area, not the document (so `fullPage` would cut it off), so the
 * viewport is grown to fit that area first and put back after.
 */
export async function saveConsoleScreenshot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 860 };
  // A string, not a function: the tests compile without the DOM library.
  const needed = Number(
    await page.evaluate(`(() => {
      const area = document.querySelector('.page');
      return area ? area.getBoundingClientRect().top + area.scrollHeight : document.documentElement.scrollHeight;
    })()`),
  );
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.ceil(needed)) });
  await saveScreenshot(page, name);
  await page.setViewportSize(viewport);
}
