// The Message activity UI refuses Done until the activity would execute, and says why next to the
// field: required fields in the page, execute's own rules through the backend (the same code, so
// the same answer a contact would get), unknown merge fields. The live SMS/LMS counter runs the
// server's counting modules in the browser.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { smsInfo } from '../src/text/sms-encoding.ts';
import { clickNext, fillField, launchBrowser, openActivity, savedActivities } from './helpers/browser.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

describe('Message activity UI: validation and counters, in Chromium', () => {
  let sandbox: Sandbox;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  before(async () => {
    sandbox = await startTestSandbox('sqlite');
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });
  after(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  async function channelForm(channel: string): Promise<Frame> {
    const frame = await openActivity(page, sandbox.info.journeyBuilderUrl, 'activity=message');
    await frame.click(`label[for="channel-${channel}"]`);
    await clickNext(page);
    await frame.waitForSelector('#step-message:not([hidden])');
    return frame;
  }
  const errorOf = (frame: Frame, path: string) => frame.locator(`[data-field="${path}"] > .slds-form-element__help[id$="-error"]`).first();

  async function doneRefused(frame: Frame): Promise<void> {
    await clickNext(page);
    await frame.waitForSelector('#errors:not([hidden])');
    assert.equal(await page.isHidden('#result'), true, 'nothing was saved');
    assert.deepEqual(await savedActivities(page), []);
  }

  test('Next without a channel names the missing choice and stays on step 1', async () => {
    const frame = await openActivity(page, sandbox.info.journeyBuilderUrl, 'activity=message');
    await clickNext(page);
    await frame.waitForSelector('#channel-error:not([hidden])');
    assert.equal(await frame.isHidden('#step-message'), true);
  });

  test('Back (clickedBack → prevStep → gotoStep) returns to the channel step; Next again keeps what was typed', async () => {
    const frame = await channelForm('sms');
    await fillField(frame, 'text', 'Kept');
    await page.click('#jb-back');
    await frame.waitForSelector('#step-channel:not([hidden])');
    assert.equal(await page.getAttribute('#steps li[aria-current="step"]', 'aria-current'), 'step');
    assert.equal(await page.textContent('#steps li[aria-current="step"]'), 'Channel');
    await clickNext(page);
    await frame.waitForSelector('#step-message:not([hidden])');
    assert.equal(await frame.inputValue('[data-field="text"] textarea'), 'Kept');
    assert.equal(await page.textContent('#jb-next'), 'Done');
  });

  test('a required field left empty is named next to it, and focused', async () => {
    const frame = await channelForm('lms');
    await fillField(frame, 'text', 'Hello');
    await doneRefused(frame);
    assert.equal(await errorOf(frame, 'resellerCode').textContent(), 'Reseller code is required');
    assert.equal(await frame.evaluate(() => document.activeElement?.closest('[data-field]')?.getAttribute('data-field')), 'resellerCode');
  });

  test("execute's own rule (the 9-digit reseller code) is shown next to the field before Done", async () => {
    const frame = await channelForm('lms');
    await fillField(frame, 'text', 'Hello');
    await fillField(frame, 'resellerCode', '12345');
    await doneRefused(frame);
    assert.equal(await errorOf(frame, 'resellerCode').textContent(), 'Error: Invalid request: resellerCode must be the 9-digit business registration number');
  });

  test('a Turkey IYS brand code without a recipient type is refused next to the recipient type', async () => {
    const frame = await channelForm('sms');
    await fillField(frame, 'text', 'Merhaba');
    await fillField(frame, 'turkeyIys.brandCode', '123');
    await doneRefused(frame);
    assert.match(String(await errorOf(frame, 'turkeyIys.recipientType').textContent()), /turkeyIys\.recipientType must be TACIR or BIREYSEL/);
  });

  test('an invalid sender is refused next to the sender', async () => {
    const frame = await channelForm('sms');
    await fillField(frame, 'text', 'Hello');
    await frame.fill('#sender', 'far too long a sender name');
    await doneRefused(frame);
    assert.equal(await frame.textContent('#sender-error'), 'Error: Invalid from field');
  });

  test("Zalo offers only the chosen template's registered placeholders, and names an empty one before Done", async () => {
    const frame = await channelForm('zalo');
    const templates = await frame.locator('[data-field="templateName"] select option').allTextContents();
    assert.deepEqual(templates, ['Choose a template…', 'Template_2 (900026)', 'Order shipped (322307)'], 'the enabled templates only');
    await fillField(frame, 'templateName', '900026');
    await frame.waitForSelector('[data-name="templateData.date"]');
    assert.deepEqual(await frame.locator('[data-field="templateName"] [data-name^="templateData."]').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('data-name'))), [
      'templateData.customer_name',
      'templateData.order_code',
      'templateData.date',
    ]);
    assert.equal(await frame.locator('[data-field="templateName"] button').count(), 0, 'no way to add an unregistered placeholder');
    await frame.fill('[data-name="templateData.customer_name"]', '#{FirstName}');
    await frame.fill('[data-name="templateData.order_code"]', '#{OrderNumber}');
    await doneRefused(frame);
    assert.equal(await errorOf(frame, 'templateData.date').textContent(), 'date is required');
    assert.equal(await frame.evaluate(() => document.activeElement?.getAttribute('data-name')), 'templateData.date');

    await frame.fill('[data-name="templateData.date"]', '2026-05-01');
    await clickNext(page);
    await page.waitForSelector('#result:not([hidden])');
    const args = Object.fromEntries((await savedActivities(page)).at(-1).arguments.execute.inArguments.flatMap((e: object) => Object.entries(e)));
    assert.equal(args.templatePlaceholders, JSON.stringify(['customer_name', 'order_code', 'date']));
    assert.equal(args['templateData.date'], '2026-05-01');
  });

  test('a merge field the entry source does not have is named', async () => {
    const frame = await channelForm('sms');
    await fillField(frame, 'text', 'Hi #{Nickname}');
    await doneRefused(frame);
    assert.equal(await errorOf(frame, 'text').textContent(), 'Not a field of the entry source: #{Nickname}');
  });

  test('the merge-field picker writes #{Field} at the cursor; Done binds it to the entry source', async () => {
    const frame = await channelForm('sms');
    await fillField(frame, 'text', 'Hi !');
    await frame.locator('[data-field="text"] textarea').evaluate((t: HTMLTextAreaElement) => t.setSelectionRange(3, 3));
    await frame.selectOption('[data-field="text"] select.mcr-merge', 'FirstName');
    assert.equal(await frame.inputValue('[data-field="text"] textarea'), 'Hi #{FirstName}!');
    await clickNext(page);
    await page.waitForSelector('#result:not([hidden])');
    const args = Object.fromEntries((await savedActivities(page))[0].arguments.execute.inArguments.flatMap((e: object) => Object.entries(e)));
    assert.equal(args['field.FirstName'], '{{Event.DEAudience-2f6c1a0e-54b1-4c1e-9d27-5a1b7e0c9d11."FirstName"}}');
  });

  test('keyboard only: choose the channel, reach every control in order, insert a merge field with Enter, reorder phones', async () => {
    const frame = await openActivity(page, sandbox.info.journeyBuilderUrl, 'activity=message');
    const active = () => frame.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('data-up') || document.activeElement?.tagName);
    await frame.focus('#channel-sms');
    await page.keyboard.press('ArrowDown');
    const second = await frame.getAttribute('input[name="channel"] >> nth=1', 'id');
    assert.equal(await frame.isChecked(`#${second}`), true, 'arrow keys move through the channels');
    await page.keyboard.press('ArrowUp');
    assert.equal(await frame.isChecked('#channel-sms'), true);
    await page.keyboard.press('Tab');
    assert.equal(await active(), 'account', 'then the Infobip account');
    await page.focus('#jb-next');
    await page.keyboard.press('Enter');
    await frame.waitForSelector('#step-message:not([hidden])');
    assert.equal(await active(), 'channel-title', 'the new step takes the focus');

    await page.keyboard.press('Tab');
    assert.equal(await active(), 'activity-name');
    await page.keyboard.press('Tab');
    assert.equal(await active(), 'sender');
    await page.keyboard.press('Tab');
    assert.equal(await active(), 'phone-MobilePhone');
    await page.keyboard.press('Tab');
    assert.equal(await active(), 'phone-HomePhone', 'the first Move up is disabled, so skipped');
    await page.keyboard.press('Tab');
    assert.equal(await active(), '1', "HomePhone's Move up");
    await page.keyboard.press('Enter');
    assert.deepEqual(await frame.locator('#phones .slds-form-element__label').allTextContents(), ['1. HomePhone', '2. MobilePhone']);
    assert.equal(await active(), 'phone-HomePhone', 'the focus stays with the moved field');

    const text = frame.locator('[data-field="text"] textarea');
    await text.focus();
    await page.keyboard.type('Hi ');
    await page.keyboard.press('Tab');
    assert.equal(await frame.evaluate(() => document.activeElement?.classList.contains('mcr-merge')), true, 'the merge-field picker follows the message');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await text.inputValue(), 'Hi ', 'arrow keys only choose');
    await page.keyboard.press('Enter');
    assert.equal(await text.inputValue(), 'Hi #{FirstName}', 'Enter inserts');
    assert.equal(await frame.evaluate(() => document.activeElement?.tagName), 'TEXTAREA', 'and returns to the message');
  });

  test('the SMS counter shows encoding, segments and characters left as the server counts them, and warns about merge fields', async () => {
    const frame = await channelForm('sms');
    const counter = frame.locator('[data-field="text"] .mcr-counter');
    const text = 'Çok güzel bir gün! İndirim şimdi başladı.';
    await fillField(frame, 'text', text);
    const ucs2 = smsInfo(text);
    assert.equal(await counter.textContent(), `${ucs2.encoding} · ${ucs2.segments} segment · ${ucs2.remaining} characters left in this segment`);
    await fillField(frame, 'language', 'TR');
    const turkish = smsInfo(text, 'TR');
    assert.equal(turkish.encoding, 'GSM-7');
    assert.equal(await counter.textContent(), `GSM-7 · ${turkish.segments} segment · ${turkish.remaining} characters left in this segment`);

    await fillField(frame, 'language', '');
    await fillField(frame, 'text', `${'a'.repeat(150)} #{FirstName}`);
    assert.match(String(await counter.textContent()), /^GSM-7 · 1 segment · 9 characters left in this segment · Warning: merge fields \(FirstName up to 40\) can make it up to 3 segments\.$/);
    assert.equal(await counter.getAttribute('class'), 'mcr-counter mcr-warning');
  });

  test('the LMS counter counts bytes as Korean carriers do', async () => {
    const frame = await channelForm('lms');
    await fillField(frame, 'text', '안녕하세요 ab');
    assert.equal(await frame.textContent('[data-field="text"] .mcr-counter'), '13 of 2000 bytes · 1987 left');
  });
});
