// The Reports activity UI in Chromium: it offers the journey's mc-relay Message activities only
// (from requestInteraction), writes the `{{Interaction.<key>.messageId}}` binding and the report
// type, reopens with both restored, and the saved activity executes to the message's report.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { reportModes } from '../src/journey/report-modes.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { clickNext, executeSaved, fillField, launchBrowser, openActivity, savedActivities, screenshotModal } from './helpers/browser.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

describe('Reports activity UI, in Chromium', () => {
  let sandbox: Sandbox;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  before(async () => {
    sandbox = await startTestSandbox('sqlite', { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });
  after(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  test('before any Message activity it says so and refuses Done', async () => {
    const frame = await openActivity(page, sandbox.info.journeyBuilderUrl, 'activity=reports');
    assert.equal(await frame.textContent('#message-activity option'), 'No mc-relay Message activity in this journey yet');
    await clickNext(page);
    await frame.waitForSelector('#message-activity-error:not([hidden])');
    assert.deepEqual(await savedActivities(page), []);
  });

  test('picks the Message activity, writes its messageId binding, and executes to its delivery report', async () => {
    const jb = sandbox.info.journeyBuilderUrl;
    const message = await openActivity(page, jb, 'activity=message');
    await message.click('label[for="channel-sms"]');
    if (process.env.MC_RELAY_UPDATE_SCREENSHOTS === '1') await screenshotModal(page, message, 'docs/screenshots/message-step1-channel.png');
    await clickNext(page);
    await message.waitForSelector('#step-message:not([hidden])');
    await fillField(message, 'text', 'Your parcel is on its way.');
    await message.fill('#activity-name', 'Parcel notice');
    await clickNext(page);
    await page.waitForSelector('#result:not([hidden])');
    const messageKey = (await savedActivities(page)).at(-1).key;

    const frame = await openActivity(page, jb, 'activity=reports');
    const offered = await frame.locator('#message-activity option').allTextContents();
    assert.deepEqual(offered, ['Choose a Message activity…', `Parcel notice (${messageKey})`], 'only mc-relay Message activities, by name');
    await frame.selectOption('#message-activity', messageKey);
    assert.equal(await frame.textContent('#binding'), `{{Interaction.${messageKey}.messageId}}`);
    assert.deepEqual(await frame.locator('#report-types input[name="reportType"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)), ['delivery', 'url', 'reply']);
    // Offered from the server's one list of report modes, with its labels.
    assert.deepEqual(await frame.locator('#report-types .slds-radio__label').allTextContents(), reportModes.map((m) => m.label));
    await frame.click('label[for="type-delivery"]');
    if (process.env.MC_RELAY_UPDATE_SCREENSHOTS === '1') await screenshotModal(page, frame, 'docs/screenshots/reports.png');
    await clickNext(page);
    await page.waitForSelector('#result:not([hidden])');
    const reports = (await savedActivities(page)).at(-1);
    assert.equal(reports.metaData.isConfigured, true);
    assert.deepEqual(reports.arguments.execute.inArguments, [{ messageId: `{{Interaction.${messageKey}.messageId}}` }, { reportType: 'delivery' }]);

    const contact = { ContactKey: 'r-1', FirstName: 'Ada', MobilePhone: '+4915110000066', HomePhone: '', OrderNumber: 'A-6' };
    const sent = await executeSaved(jb, messageKey, contact);
    assert.equal(sent.body.messageStatus, 'Success: Message pending');
    const report = await eventually(async () => {
      const answer = await executeSaved(jb, reports.key, contact);
      return answer.body.statusGroupName === 'DELIVERED' ? answer : undefined;
    }, 'the Reports activity to answer the delivery');
    assert.deepEqual(report.inArguments[0], { messageId: sent.body.messageId });

    const reopened = await openActivity(page, jb, `key=${reports.key}`);
    assert.equal(await reopened.inputValue('#message-activity'), messageKey);
    assert.equal(await reopened.isChecked('#type-delivery'), true);
  });

  test('a saved report type is restored by alias, as execute reads it; an unknown one is named and must be chosen', async () => {
    const jb = sandbox.info.journeyBuilderUrl;
    const journey = (await (await fetch(`${jb}/api/journey`)).json()) as { activities: { key: string; arguments: { execute: { inArguments: Record<string, string>[] } } }[] };
    const reports = journey.activities.find((a) => a.arguments.execute.inArguments.some((entry) => 'reportType' in entry));
    assert.ok(reports, 'the Reports activity saved by the test before');
    const saveWith = async (key: string, reportType: string) => {
      const inArguments = [reports.arguments.execute.inArguments[0]!, { reportType }];
      const copy = { ...reports, key, arguments: { ...reports.arguments, execute: { ...reports.arguments.execute, inArguments } } };
      assert.equal((await fetch(`${jb}/api/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(copy) })).status, 200);
    };

    // Written by hand or by an older version: execute reads these as URL tracking and Reply.
    for (const [key, alias, mode] of [['REST-alias-1', 'click', 'url'], ['REST-alias-2', 'URL tracking', 'url'], ['REST-alias-3', 'two_way', 'reply']] as const) {
      await saveWith(key, alias);
      const reopened = await openActivity(page, jb, `key=${key}`);
      assert.equal(await reopened.isChecked(`#type-${mode}`), true, `${alias} reopens as ${mode}`);
      assert.equal(await reopened.isHidden('#report-type-error'), true);
    }

    await saveWith('REST-alias-4', 'opens');
    const unknown = await openActivity(page, jb, 'key=REST-alias-4');
    assert.match((await unknown.textContent('#report-type-error')) ?? '', /"opens" is not one this activity knows/);
    assert.deepEqual(await unknown.locator('#report-types input:checked').count(), 0);
    await clickNext(page);
    await unknown.waitForSelector('#report-type-error:has-text("Choose the report to fetch")');
    await unknown.click('label[for="type-reply"]');
    assert.equal(await unknown.isHidden('#report-type-error'), true);
    await clickNext(page);
    await page.waitForSelector('#result:not([hidden])');
    const saved = (await savedActivities(page)).at(-1);
    assert.equal(saved.key, 'REST-alias-4');
    assert.deepEqual(saved.arguments.execute.inArguments[1], { reportType: 'reply' });
  });

  test('the engagement split is the same page without a report type, and routes the contact on delivery', async () => {
    const jb = sandbox.info.journeyBuilderUrl;
    const message = await openActivity(page, jb, 'activity=message');
    await message.click('label[for="channel-sms"]');
    await clickNext(page);
    await message.waitForSelector('#step-message:not([hidden])');
    await fillField(message, 'text', 'Did it arrive?');
    await clickNext(page);
    await page.waitForSelector('#result:not([hidden])');
    const messageKey = (await savedActivities(page)).at(-1).key;

    const frame = await openActivity(page, jb, 'activity=split');
    assert.equal(await frame.isVisible('#report-types'), false);
    // The journey also holds the Reports activity saved above: it is not offered.
    const journey = (await (await fetch(`${jb}/api/journey`)).json()) as { activities: { key: string; name: string }[] };
    assert.ok(journey.activities.length >= 3, 'the journey holds other activities too');
    const messages = journey.activities.filter((a) => a.key === messageKey || a.name === 'Parcel notice');
    assert.deepEqual(await frame.locator('#message-activity option').allTextContents(), ['Choose a Message activity…', ...messages.map((a) => (a.name ? `${a.name} (${a.key})` : a.key))]);
    await frame.selectOption('#message-activity', messageKey);
    await clickNext(page);
    await page.waitForSelector('#result:not([hidden])');
    const split = (await savedActivities(page)).at(-1);
    assert.deepEqual(split.arguments.execute.inArguments, [{ messageId: `{{Interaction.${messageKey}.messageId}}` }]);

    const contact = { ContactKey: 'r-2', FirstName: 'Ada', MobilePhone: '+4915110000067', HomePhone: '', OrderNumber: 'A-7' };
    assert.equal((await executeSaved(jb, messageKey, contact)).body.messageStatus, 'Success: Message pending');
    await eventually(async () => ((await executeSaved(jb, split.key, contact)).body.branchResult === 'delivered' ? true : undefined), 'the split to route on delivery');
  });
});
