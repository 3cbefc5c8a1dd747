import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Frame, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with a fresh profile; one per test file. */
export async function launchBrowser(): Promise<{ browser: Browser; context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'mc-relay-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.MC_RELAY_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1000, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser: context.browser()!,
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The activity UI's frame inside the Journey Builder stand-in, once its page has loaded. */
export async function activityFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('#activity-frame');
  for (;;) {
    const frame = await handle.contentFrame();
    if (frame && frame.url().includes('/activities/')) {
      await frame.waitForSelector('#app[aria-busy="false"]');
      return frame;
    }
    await page.waitForTimeout(25);
  }
}
