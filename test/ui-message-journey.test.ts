// The Message activity UI and its journey: the recipient's phone fields in the marketer's order
// (the first populated one is used), a copied journey's stale entry-source bindings detected and
// re-bound, a test send to a typed number through the real pipeline, and the sender names of the
// Configuration app offered per account and channel.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { clickBack, clickNext, executeSaved, fillField, launchBrowser, openActivity, savedActivities, tick } from './helpers/browser.ts';
import { eventually } from './helpers/eventually.ts';
import { configureAccountChannels } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const OLD_EVENT = 'DEAudience-2f6c1a0e-54b1-4c1e-9d27-5a1b7e0c9d11';
const NEW_EVENT = 'DEAudience-9a8b7c6d-0000-4e5f-8a9b-123456789abc';
const flat = (activity: any) => Object.fromEntries(activity.arguments.execute.inArguments.flatMap((e: object) => Object.entries(e)));

describe('Message activity UI in its journey, in Chromium', () => {
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

  async function smsForm(query = 'activity=message'): Promise<Frame> {
    const frame = await openActivity(page, sandbox.info.journeyBuilderUrl, query);
    await frame.click('label[for="channel-sms"]');
    await clickNext(page);
    await frame.waitForSelector('#step-message:not([hidden])');
    return frame;
  }
  async function done(): Promise<any> {
    await clickNext(page);
    await page.waitForSelector('#result:not([hidden])');
    return (await savedActivities(page)).at(-1);
  }

  test('quiet hours, validity and the journey-stop choice are saved as execute reads them and restored', async () => {
    const frame = await smsForm();
    await fillField(frame, 'text', 'Quiet please.');
    await tick(frame, (await frame.getAttribute('[data-field="sendWindow.enabled"] input', 'id'))!);
    await fillField(frame, 'sendWindow.from', '09:00');
    await fillField(frame, 'sendWindow.to', '20:30');
    await fillField(frame, 'sendWindow.outside', 'skip');
    await fillField(frame, 'sendWindow.timeZone', 'Europe/Berlin');
    await fillField(frame, 'validityPeriod', '120');
    await fillField(frame, 'onJourneyStop', 'keepSending');
    const saved = await done();
    const args = flat(saved);
    assert.deepEqual(
      [args['sendWindow.enabled'], args['sendWindow.from'], args['sendWindow.to'], args['sendWindow.outside'], args['sendWindow.timeZone'], String(args.validityPeriod), args.onJourneyStop],
      [true, '09:00', '20:30', 'skip', 'Europe/Berlin', '120', 'keepSending'],
    );
    const answer = await executeSaved(sandbox.info.journeyBuilderUrl, saved.key, { ContactKey: 'q-1', FirstName: 'Ada', MobilePhone: '+4915110000044', HomePhone: '', OrderNumber: 'A-4' });
    assert.equal(answer.body.messageStatus, 'Success: Message pending', 'execute accepts what the UI saved');

    const reopened = await openActivity(page, sandbox.info.journeyBuilderUrl, `key=${saved.key}`);
    await clickNext(page);
    await reopened.waitForSelector('#step-message:not([hidden])');
    assert.equal(await reopened.inputValue('[data-field="sendWindow.to"] input'), '20:30');
    assert.equal(await reopened.inputValue('[data-field="sendWindow.outside"] select'), 'skip');
    assert.equal(await reopened.inputValue('[data-field="validityPeriod"] input'), '120');
    assert.equal(await reopened.inputValue('[data-field="onJourneyStop"] select'), 'keepSending');
  });

  test('sending speed limit and Trigger Event on Response are saved as execute reads them and restored', async () => {
    const frame = await smsForm();
    await fillField(frame, 'text', 'Reply YES to confirm.');
    await tick(frame, (await frame.getAttribute('[data-field="speedLimit.enabled"] input', 'id'))!);
    await fillField(frame, 'speedLimit.amount', '500');
    await fillField(frame, 'speedLimit.timeUnit', 'HOUR');
    await tick(frame, (await frame.getAttribute('[data-field="triggerEventOnResponse"] input', 'id'))!);
    await fillField(frame, 'eventDefinitionKey', 'SMS-Response-1');
    const saved = await done();
    const args = flat(saved);
    assert.deepEqual(
      [args['speedLimit.enabled'], String(args['speedLimit.amount']), args['speedLimit.timeUnit'], args.triggerEventOnResponse, args.eventDefinitionKey],
      [true, '500', 'HOUR', true, 'SMS-Response-1'],
    );
    const answer = await executeSaved(sandbox.info.journeyBuilderUrl, saved.key, { ContactKey: 's-1', FirstName: 'Ada', MobilePhone: '+4915110000077', HomePhone: '', OrderNumber: 'A-7' });
    assert.equal(answer.body.messageStatus, 'Success: Message pending', 'execute accepts what the UI saved');

    const reopened = await openActivity(page, sandbox.info.journeyBuilderUrl, `key=${saved.key}`);
    await clickNext(page);
    await reopened.waitForSelector('#step-message:not([hidden])');
    assert.equal(await reopened.inputValue('[data-field="speedLimit.amount"] input'), '500');
    assert.equal(await reopened.inputValue('[data-field="speedLimit.timeUnit"] select'), 'HOUR');
    assert.equal(await reopened.inputValue('[data-field="eventDefinitionKey"] input'), 'SMS-Response-1');
  });

  test('phone fields keep the chosen order; execute sends to the first populated one', async () => {
    const frame = await smsForm();
    await fillField(frame, 'text', 'Your order ships today.');
    await frame.click('[data-up="1"]');
    assert.deepEqual(await frame.locator('#phones .slds-form-element__label').allTextContents(), ['1. HomePhone', '2. MobilePhone']);
    const saved = await done();
    const phones = saved.arguments.execute.inArguments.flatMap((e: object) => Object.keys(e)).filter((k: string) => k.startsWith('phone.'));
    assert.deepEqual(phones, ['phone.HomePhone', 'phone.MobilePhone']);

    const both = await executeSaved(sandbox.info.journeyBuilderUrl, saved.key, { ContactKey: 'c-1', FirstName: 'Ada', MobilePhone: '+4915110000011', HomePhone: '+4915110000022', OrderNumber: 'A-1' });
    const onlyMobile = await executeSaved(sandbox.info.journeyBuilderUrl, saved.key, { ContactKey: 'c-2', FirstName: 'Bo', MobilePhone: '+4915110000033', HomePhone: '', OrderNumber: 'A-2' });
    const sent = await eventually(() => {
      const messages = sandbox.infobip.sentMessages();
      return messages.has(both.body.messageId) && messages.has(onlyMobile.body.messageId) ? messages : undefined;
    }, 'both messages at Infobip');
    assert.equal(sent.get(both.body.messageId)!.destination, '4915110000022');
    assert.equal(sent.get(onlyMobile.body.messageId)!.destination, '4915110000033');

    // Reopened, the order is the saved one.
    const reopened = await openActivity(page, sandbox.info.journeyBuilderUrl, `key=${saved.key}`);
    await clickNext(page);
    await reopened.waitForSelector('#step-message:not([hidden])');
    assert.deepEqual(await reopened.locator('#phones .slds-form-element__label').allTextContents(), ['1. HomePhone', '2. MobilePhone']);
  });

  test("a copied journey's bindings to another entry source are detected, named, and re-bound on Done", async () => {
    const frame = await smsForm();
    await fillField(frame, 'text', 'Hi #{FirstName}');
    const saved = await done();
    assert.equal(flat(saved)['field.FirstName'], `{{Event.${OLD_EVENT}."FirstName"}}`);

    const copied = await openActivity(page, sandbox.info.journeyBuilderUrl, `key=${saved.key}&eventKey=${NEW_EVENT}`);
    const banner = String(await copied.textContent('#stale'));
    assert.match(banner, new RegExp(`bound to another entry source \\(${OLD_EVENT}\\)`));
    assert.match(banner, /re-bound to the current entry source when you click Done: MobilePhone, HomePhone, FirstName\./);
    await clickNext(page);
    await copied.waitForSelector('#step-message:not([hidden])');
    const rebound = flat(await done());
    assert.equal(rebound['field.FirstName'], `{{Event.${NEW_EVENT}."FirstName"}}`);
    assert.equal(rebound['phone.MobilePhone'], `{{Event.${NEW_EVENT}."MobilePhone"}}`);
    const executed = await executeSaved(sandbox.info.journeyBuilderUrl, saved.key, { ContactKey: 'c-3', FirstName: 'Cy', MobilePhone: '+4915110000044', HomePhone: '', OrderNumber: 'A-3' });
    assert.equal(executed.body.messageStatus, 'Success: Message pending');
  });

  test('a test message goes to the typed number with sample merge values, and its delivery is shown', async () => {
    const frame = await smsForm();
    await fillField(frame, 'text', 'Hi #{FirstName}, order #{OrderNumber}');
    await frame.fill('#test-to', '+4915110000055');
    await frame.click('#test-send');
    const result = await eventually(async () => {
      const text = String(await frame.textContent('#test-result'));
      return text.includes('DELIVERED') ? text : undefined;
    }, 'the test message delivered', 20_000);
    assert.match(result, /Merge fields were filled with sample values: FirstName = "\[FirstName\]", OrderNumber = "A-1001"\./);
    const messageId = /Test message ([\w-]+):/.exec(result)![1]!;
    const sent = sandbox.infobip.sentMessages().get(messageId)!;
    assert.equal(sent.destination, '4915110000055');
    assert.equal(sent.text, 'Hi [FirstName], order A-1001');
  });
  // Last: it changes the default account's sender names, hence the tenant's default senders.
  test("the chosen account's sender names from the Configuration app are offered for the channel; the picked one is sent", async () => {
    const { adminUrl, adminToken, tenantId, infobip } = sandbox.info;
    const added = await fetch(`${adminUrl}/tenants/${tenantId}/infobip-accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Korea', baseUrl: infobip.baseUrl, apiKey: infobip.apiKey }),
    });
    assert.equal(added.status, 201);
    const [main, korea] = ((await added.json()) as { infobipAccounts: { id: string }[] }).infobipAccounts;
    await configureAccountChannels(sandbox, main!.id, { customDomains: [], senders: { sms: ['AcmeBank', 'AcmeAlerts'], viber: ['Acme Viber'] } });
    await configureAccountChannels(sandbox, korea!.id, { customDomains: [], senders: { sms: ['AcmeKR'] } });
    const offered = (frame: Frame) => frame.locator('#sender-names option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    const sender = (frame: Frame) => frame.locator('#sender');

    const frame = await smsForm();
    assert.deepEqual(await offered(frame), ['AcmeBank', 'AcmeAlerts']);
    // Another account: its own names.
    await clickBack(page);
    await frame.selectOption('#account', korea!.id);
    await clickNext(page);
    await frame.waitForSelector('#step-message:not([hidden])');
    assert.deepEqual(await offered(frame), ['AcmeKR']);
    await clickBack(page);
    await frame.selectOption('#account', main!.id);
    await clickNext(page);
    await frame.waitForSelector('#step-message:not([hidden])');
    assert.deepEqual(await offered(frame), ['AcmeBank', 'AcmeAlerts']);

    // Not the default (the first name): the picked one must reach Infobip.
    await frame.selectOption('#sender-names', 'AcmeAlerts');
    assert.equal(await sender(frame).inputValue(), 'AcmeAlerts');
    await fillField(frame, 'text', 'Your statement is ready.');
    const saved = await done();
    assert.equal(flat(saved).sender, 'AcmeAlerts');
    const answer = await executeSaved(sandbox.info.journeyBuilderUrl, saved.key, { ContactKey: 'sn-1', FirstName: 'Ada', MobilePhone: '+4915110000088', HomePhone: '', OrderNumber: 'A-8' });
    assert.equal(answer.body.messageStatus, 'Success: Message pending');
    const sent = await eventually(() => sandbox.infobip.sentMessages().get(answer.body.messageId), 'the message at Infobip');
    assert.equal(sent.sender, 'AcmeAlerts');

    const reopened = await openActivity(page, sandbox.info.journeyBuilderUrl, `key=${saved.key}`);
    await clickNext(page);
    await reopened.waitForSelector('#step-message:not([hidden])');
    assert.equal(await sender(reopened).inputValue(), 'AcmeAlerts');
    assert.equal(await reopened.inputValue('#sender-names'), 'AcmeAlerts');
    // A typed sender still goes; the picker then shows its prompt.
    await sender(reopened).fill('OtherName');
    assert.equal(await reopened.inputValue('#sender-names'), '');

    // Viber offers the account's Viber names.
    const viber = await openActivity(page, sandbox.info.journeyBuilderUrl, 'activity=message');
    await viber.click('label[for="channel-viber"]');
    await clickNext(page);
    await viber.waitForSelector('#step-message:not([hidden])');
    assert.deepEqual(await offered(viber), ['Acme Viber']);
  });
});
