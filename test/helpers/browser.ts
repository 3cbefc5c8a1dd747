import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Frame, type Page } from 'playwright-core';

/** Debian's Chromium unless MC_RELAY_CHROMIUM names another, headless and quiet. */
const CHROMIUM = {
  executablePath: process.env.MC_RELAY_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/** Chromium with a fresh profile; one per test file. */
export async function launchBrowser(): Promise<{ browser: Browser; context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'mc-relay-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM, viewport: { width: 1000, height: 900 } });
  return {
    browser: context.browser()!,
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium without a persistent profile, for a test that needs several independent contexts
 * (a second visitor with no cookies or session storage of the first).
 */
export function launchIncognitoBrowser(): Promise<Browser> {
  return chromium.launch(CHROMIUM);
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

/** Types into the form field whose `data-field` is `path` (its input, textarea or select). */
export async function fillField(frame: Frame, path: string, value: string): Promise<void> {
  const control = frame.locator(`[data-field="${path}"] :is(input, textarea, select)`).first();
  if ((await control.evaluate((e) => e.tagName)) === 'SELECT') await control.selectOption(value);
  else await control.fill(value);
}

/** Ticks an SLDS checkbox or radio the way a user does: on its label (the input itself is visually hidden). */
export async function tick(frame: Frame, inputId: string): Promise<void> {
  await frame.click(`label[for="${inputId}"]`);
}

/** Adds one item to the list field `path` (buttons, segments, suggestions …). */
export async function addItem(frame: Frame, path: string): Promise<void> {
  await frame.click(`[data-field="${path}"] > button.mcr-add`);
}

/** The page's Journey Builder stand-in: what the activity triggered and saved. */
export function savedActivities(page: Page): Promise<any[]> {
  return page.evaluate(() => (window as any).journeyBuilder.saved);
}

/** Clicks the stand-in's Next/Done (Journey Builder's modal button, outside the activity's frame). */
export async function clickNext(page: Page): Promise<void> {
  await page.click('#jb-next');
}

/** Clicks the stand-in's Back (Journey Builder's modal button). */
export async function clickBack(page: Page): Promise<void> {
  await page.click('#jb-back');
}

/** Opens a new or saved activity in the stand-in and answers its frame. */
export async function openActivity(page: Page, journeyBuilderUrl: string, query: string): Promise<Frame> {
  await page.goto(`${journeyBuilderUrl}?${query}`);
  return activityFrame(page);
}

/** Makes the activity's frame as tall as its content and saves a PNG of the modal (docs/screenshots/). */
export async function screenshotModal(page: Page, frame: Frame, file: string): Promise<void> {
  const height = await frame.evaluate(() => document.documentElement.scrollHeight);
  await page.evaluate((h) => {
    (document.getElementById('activity-frame') as HTMLIFrameElement).style.height = `${h}px`;
  }, height);
  await page.locator('#modal').screenshot({ path: file });
  await page.evaluate(() => {
    (document.getElementById('activity-frame') as HTMLIFrameElement).style.height = '';
  });
}

/** Executes a saved activity through the stand-in (signed as Journey Builder signs) for one contact. */
export async function executeSaved(journeyBuilderUrl: string, key: string, contact: Record<string, string>): Promise<{ status: number; body: Record<string, any>; inArguments: Record<string, unknown>[] }> {
  const response = await fetch(`${journeyBuilderUrl}/api/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, contact }) });
  const answer = (await response.json()) as { status: number; body: Record<string, any>; inArguments: Record<string, unknown>[] };
  if (response.status !== 200) throw new Error(`stand-in execute answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}
