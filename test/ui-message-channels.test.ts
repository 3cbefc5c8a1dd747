// The Message activity UI in a real browser, inside the Journey Builder stand-in, for each of the
// nine channels: fill the channel's form, Done, check the activity JSON Journey Builder receives,
// execute it for a contact through the sandbox to a delivered report, then reopen it and check
// that every field came back (Done again saves exactly the same inArguments).
// MC_RELAY_UPDATE_SCREENSHOTS=1 also refreshes docs/screenshots/message-<channel>.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { addItem, clickNext, executeSaved, fillField, launchBrowser, openActivity, savedActivities, screenshotModal, tick } from './helpers/browser.ts';
import { eventually } from './helpers/eventually.ts';
import { configureAccountChannels, demoTenant, reportsActivity, type TestTenant } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

interface Scenario {
  channel: string;
  fill(frame: Frame): Promise<void>;
  /** inArguments the saved activity must carry (besides channel, account and phone fields). */
  expected: Record<string, unknown>;
}

const EVENT = 'DEAudience-2f6c1a0e-54b1-4c1e-9d27-5a1b7e0c9d11';
const bound = (field: string) => `{{Event.${EVENT}."${field}"}}`;

const scenarios: Scenario[] = [
  {
    channel: 'sms',
    async fill(frame) {
      await fillField(frame, 'text', 'Hi #{FirstName}, order #{OrderNumber} ships today: https://shop.example.com/o');
      await fillField(frame, 'language', 'AUTODETECT');
      await tick(frame, await frame.getAttribute('[data-field="urlShortening"] input', 'id') as string);
      // The domains offered are Infobip's default and the account's custom domains from the Configuration app.
      assert.deepEqual(await frame.locator('[data-field="customDomain"] option').allTextContents(), ["Infobip's default domain", 'go.example.com']);
      await fillField(frame, 'customDomain', 'go.example.com');
      await addItem(frame, 'callbackData');
      await fillField(frame, 'callbackData.0.name', 'Campaign');
      await fillField(frame, 'callbackData.0.value', 'spring-#{OrderNumber}');
    },
    expected: {
      text: 'Hi #{FirstName}, order #{OrderNumber} ships today: https://shop.example.com/o',
      language: 'AUTODETECT',
      urlShortening: true,
      shortenUrl: true,
      trackClicks: true,
      customDomain: 'go.example.com',
      'callbackData.Campaign': 'spring-#{OrderNumber}',
      'field.FirstName': bound('FirstName'),
      'field.OrderNumber': bound('OrderNumber'),
    },
  },
  {
    channel: 'lms',
    async fill(frame) {
      await fillField(frame, 'title', '주문 안내');
      await fillField(frame, 'text', '#{FirstName}님, 주문하신 상품이 오늘 발송됩니다.');
      await fillField(frame, 'resellerCode', '123456789');
    },
    expected: { title: '주문 안내', text: '#{FirstName}님, 주문하신 상품이 오늘 발송됩니다.', resellerCode: '123456789', 'field.FirstName': bound('FirstName') },
  },
  {
    channel: 'mms',
    async fill(frame) {
      await fillField(frame, 'title', 'Your order');
      await addItem(frame, 'segments');
      await fillField(frame, 'segments.0.type', 'TEXT');
      await fillField(frame, 'segments.0.text', 'Hi #{FirstName}, here it is:');
      await addItem(frame, 'segments');
      await fillField(frame, 'segments.1.type', 'IMAGE');
      await fillField(frame, 'segments.1.url', 'https://cdn.example.com/order.jpg');
    },
    expected: {
      title: 'Your order',
      segments: JSON.stringify([{ type: 'TEXT', text: 'Hi #{FirstName}, here it is:' }, { type: 'IMAGE', url: 'https://cdn.example.com/order.jpg' }]),
    },
  },
  {
    channel: 'rcs',
    async fill(frame) {
      await fillField(frame, 'messageType', 'CARD');
      await fillField(frame, 'card.0.title', 'Spring sale, #{FirstName}');
      await fillField(frame, 'card.0.description', '10% off until Sunday');
      await fillField(frame, 'card.0.mediaUrl', 'https://cdn.example.com/card.jpg');
      await addItem(frame, 'card.0.suggestions');
      await fillField(frame, 'card.0.suggestions.0.type', 'OPEN_URL');
      await fillField(frame, 'card.0.suggestions.0.text', 'Shop now');
      await fillField(frame, 'card.0.suggestions.0.url', 'https://shop.example.com/spring');
      await fillField(frame, 'card.0.suggestions.0.application', 'BROWSER');
      await addItem(frame, 'suggestions');
      await fillField(frame, 'suggestions.0.type', 'REPLY');
      await fillField(frame, 'suggestions.0.text', 'Stop');
    },
    expected: {
      messageType: 'CARD',
      card: JSON.stringify({
        title: 'Spring sale, #{FirstName}',
        description: '10% off until Sunday',
        mediaUrl: 'https://cdn.example.com/card.jpg',
        suggestions: [{ type: 'OPEN_URL', text: 'Shop now', url: 'https://shop.example.com/spring', application: 'BROWSER' }],
      }),
      suggestions: JSON.stringify([{ type: 'REPLY', text: 'Stop' }]),
    },
  },
  {
    channel: 'viber',
    async fill(frame) {
      await fillField(frame, 'messageType', 'IMAGE_TEXT_BUTTON');
      await fillField(frame, 'text', 'Hi #{FirstName}, spring is here!');
      await fillField(frame, 'imageUrl', 'https://cdn.example.com/viber.png');
      await fillField(frame, 'buttonText', 'Shop now');
      await fillField(frame, 'buttonUrl', 'https://shop.example.com/spring');
      await fillField(frame, 'label', 'PROMOTIONAL');
      await fillField(frame, 'smsFailoverText', 'Hi #{FirstName}, spring is here: https://shop.example.com/spring');
    },
    expected: {
      messageType: 'IMAGE_TEXT_BUTTON',
      text: 'Hi #{FirstName}, spring is here!',
      imageUrl: 'https://cdn.example.com/viber.png',
      buttonText: 'Shop now',
      buttonUrl: 'https://shop.example.com/spring',
      label: 'PROMOTIONAL',
      smsFailoverText: 'Hi #{FirstName}, spring is here: https://shop.example.com/spring',
    },
  },
  {
    channel: 'whatsapp',
    async fill(frame) {
      // The approved templates of the tenant's WhatsApp sender, as the Infobip simulator lists them.
      await frame.waitForSelector('[data-field="templateName"] option[value="media_template|en"]', { state: 'attached' });
      await fillField(frame, 'templateName', 'media_template|en');
      await frame.fill('[data-name="placeholders.0"]', '#{FirstName}');
      await frame.fill('[data-name="headerMediaUrl"]', 'https://cdn.example.com/header.jpg');
    },
    expected: { templateName: 'media_template', language: 'en', placeholders: JSON.stringify(['#{FirstName}']), headerType: 'IMAGE', headerMediaUrl: 'https://cdn.example.com/header.jpg' },
  },
  {
    channel: 'kakao-alim',
    async fill(frame) {
      await fillField(frame, 'templateName', 'order_shipped_01');
      await fillField(frame, 'title', 'Order shipped');
      await fillField(frame, 'text', '#{FirstName}, order #{OrderNumber} has shipped.');
      await addItem(frame, 'buttons');
      await fillField(frame, 'buttons.0.type', 'URL');
      await fillField(frame, 'buttons.0.name', 'Track');
      await fillField(frame, 'buttons.0.urlMobile', 'https://m.example.com/track');
      await addItem(frame, 'buttons');
      await fillField(frame, 'buttons.1.type', 'DELIVERY_TRACKING');
      await fillField(frame, 'buttons.1.name', 'Delivery');
    },
    expected: {
      templateName: 'order_shipped_01',
      title: 'Order shipped',
      text: '#{FirstName}, order #{OrderNumber} has shipped.',
      buttons: JSON.stringify([{ type: 'URL', name: 'Track', urlMobile: 'https://m.example.com/track' }, { type: 'DELIVERY_TRACKING', name: 'Delivery' }]),
    },
  },
  {
    channel: 'kakao-chingu',
    async fill(frame) {
      await fillField(frame, 'text', '#{FirstName}, new arrivals are in!');
      await fillField(frame, 'imageUrl', 'https://cdn.example.com/kakao.jpg');
      await fillField(frame, 'imageLink', 'https://shop.example.com/new');
      await addItem(frame, 'buttons');
      await fillField(frame, 'buttons.0.type', 'URL');
      await fillField(frame, 'buttons.0.name', 'Shop');
      await fillField(frame, 'buttons.0.urlMobile', 'https://m.example.com/shop');
    },
    expected: {
      text: '#{FirstName}, new arrivals are in!',
      imageUrl: 'https://cdn.example.com/kakao.jpg',
      imageLink: 'https://shop.example.com/new',
      buttons: JSON.stringify([{ type: 'URL', name: 'Shop', urlMobile: 'https://m.example.com/shop' }]),
    },
  },
  {
    channel: 'zalo',
    async fill(frame) {
      // The sender's enabled templates and the chosen one's registered placeholders, as the Infobip simulator lists them.
      await frame.waitForSelector('[data-field="templateName"] option[value="322307"]', { state: 'attached' });
      await fillField(frame, 'templateName', '322307');
      await frame.fill('[data-name="templateData.customer_name"]', '#{FirstName}');
      await frame.fill('[data-name="templateData.order_code"]', '#{OrderNumber}');
    },
    expected: {
      templateName: '322307',
      templatePlaceholders: JSON.stringify(['customer_name', 'order_code']),
      'templateData.customer_name': '#{FirstName}',
      'templateData.order_code': '#{OrderNumber}',
    },
  },
];

const flat = (inArguments: Record<string, unknown>[]) => Object.fromEntries(inArguments.flatMap((e) => Object.entries(e)));

describe('Message activity UI, each channel, in Chromium', () => {
  let sandbox: Sandbox;
  let tenant: TestTenant;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    sandbox = await startTestSandbox('sqlite', { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
    tenant = await demoTenant(sandbox);
    await configureAccountChannels(sandbox, tenant.accountId, { customDomains: ['go.example.com'], senders: {} });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  test("each form offers the options of the guide's channel section", async () => {
    const optionsOf = (frame: Frame, path: string) => frame.locator(`[data-field="${path}"] > .slds-form-element__control select option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    const form = async (channel: string) => {
      const frame = await openActivity(page, sandbox.info.journeyBuilderUrl, 'activity=message');
      await tick(frame, `channel-${channel}`);
      await clickNext(page);
      await frame.waitForSelector('#step-message:not([hidden])');
      return frame;
    };
    const fieldsOf = (frame: Frame) => frame.locator('#channel-form [data-field]').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-field')));

    // Step 1 lists the channels in the order of the guide's per-channel sections.
    const step1 = await openActivity(page, sandbox.info.journeyBuilderUrl, 'activity=message');
    assert.deepEqual(await step1.locator('input[name="channel"]').evaluateAll((is) => is.map((i) => (i as HTMLInputElement).value)), ['sms', 'lms', 'mms', 'rcs', 'viber', 'whatsapp', 'kakao-chingu', 'kakao-alim', 'zalo']);

    let frame = await form('sms');
    assert.deepEqual(await optionsOf(frame, 'language'), ['TR', 'ES', 'PT', 'AUTODETECT']);
    assert.deepEqual(await optionsOf(frame, 'turkeyIys.recipientType'), ['TACIR', 'BIREYSEL']);
    for (const f of ['turkeyIys.brandCode', 'indiaDlt.principalEntityId', 'indiaDlt.contentTemplateId', 'indiaDlt.telemarketerId']) assert.ok((await fieldsOf(frame)).includes(f), f);
    // Additional features of the SMS section: URL shortening & tracking, speed limit, Trigger Event on Response, callback data.
    assert.deepEqual(await frame.locator('#features [data-feature]').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-feature'))), ['urlTracking', 'speedLimit', 'sendWindow', 'delivery', 'triggerEvent', 'callbackData']);

    frame = await form('lms');
    assert.deepEqual((await fieldsOf(frame)).slice(0, 3), ['title', 'text', 'resellerCode']);

    frame = await form('mms');
    await addItem(frame, 'segments');
    assert.deepEqual(await optionsOf(frame, 'segments.0.type'), ['TEXT', 'IMAGE', 'VIDEO', 'AUDIO', 'DOCUMENT']);

    frame = await form('rcs');
    assert.deepEqual(await optionsOf(frame, 'messageType'), ['TEXT', 'FILE', 'CARD', 'CAROUSEL']);
    await addItem(frame, 'suggestions');
    assert.deepEqual(await optionsOf(frame, 'suggestions.0.type'), ['REPLY', 'OPEN_URL', 'DIAL_PHONE', 'SHOW_LOCATION', 'REQUEST_LOCATION', 'CREATE_CALENDAR_EVENT']);

    frame = await form('viber');
    assert.deepEqual(await optionsOf(frame, 'messageType'), ['TEXT', 'TEXT_BUTTON', 'IMAGE', 'IMAGE_TEXT', 'IMAGE_TEXT_BUTTON', 'VIDEO', 'VIDEO_TEXT', 'VIDEO_TEXT_BUTTON', 'FILE']);

    frame = await form('kakao-alim');
    assert.deepEqual((await fieldsOf(frame)).slice(0, 5), ['templateName', 'title', 'text', 'imageUrl', 'buttons']);
    await addItem(frame, 'buttons');
    assert.deepEqual(await optionsOf(frame, 'buttons.0.type'), ['APP_LINK', 'DELIVERY_TRACKING', 'URL', 'CHATBOT_SWITCH', 'BOT_KEYWORD', 'MESSAGE_DELIVERY', 'ADD_CHANNEL']);

    frame = await form('kakao-chingu');
    for (let i = 0; i < 5; i++) await addItem(frame, 'buttons');
    assert.equal(await frame.isHidden('[data-field="buttons"] > button.mcr-add'), true, 'up to 5 buttons');
    assert.deepEqual(await optionsOf(frame, 'buttons.0.type'), ['URL', 'APP_LINK']);
  });

  scenarios.forEach((scenario, index) => {
    test(`${scenario.channel}: fill, Done, activity JSON, execute to a delivered report, reopen restores every field`, async () => {
      const jb = sandbox.info.journeyBuilderUrl;
      let frame = await openActivity(page, jb, 'activity=message');
      await tick(frame, `channel-${scenario.channel}`);
      await clickNext(page);
      await frame.waitForSelector('#step-message:not([hidden])');
      await scenario.fill(frame);
      if (process.env.MC_RELAY_UPDATE_SCREENSHOTS === '1') await screenshotModal(page, frame, `docs/screenshots/message-${scenario.channel}.png`);
      await clickNext(page);
      await page.waitForSelector('#result:not([hidden])');

      const saved = (await savedActivities(page)).at(-1);
      assert.equal(saved.key, `REST-${index + 1}`);
      assert.equal(saved.metaData.isConfigured, true);
      const args = flat(saved.arguments.execute.inArguments);
      assert.equal(args.channel, scenario.channel);
      assert.equal(args.accountId, tenant.accountId);
      assert.equal(args['phone.MobilePhone'], bound('MobilePhone'));
      assert.equal(args['phone.HomePhone'], bound('HomePhone'));
      for (const [name, value] of Object.entries(scenario.expected)) assert.deepEqual(args[name], value, name);

      const executed = await executeSaved(jb, saved.key, { ContactKey: `ui-${scenario.channel}`, FirstName: 'Ada', MobilePhone: '+4915110000001', HomePhone: '', OrderNumber: 'A-1001' });
      assert.equal(executed.body.messageStatus, 'Success: Message pending', JSON.stringify(executed.body));
      const report = await eventually(async () => {
        const r = await reportsActivity(tenant, String(executed.body.messageId));
        return r.statusGroupName === 'DELIVERED' ? r : undefined;
      }, `the ${scenario.channel} message's delivery report`);
      assert.equal(report.statusName, 'DELIVERED_TO_HANDSET');

      frame = await openActivity(page, jb, `key=${saved.key}`);
      assert.equal(await frame.isChecked(`#channel-${scenario.channel}`), true);
      await clickNext(page);
      await frame.waitForSelector('#step-message:not([hidden])');
      if (scenario.channel === 'whatsapp') await frame.waitForSelector('[data-name="placeholders.0"]');
      if (scenario.channel === 'zalo') assert.equal(await (await frame.waitForSelector('[data-name="templateData.order_code"]')).inputValue(), '#{OrderNumber}');
      await clickNext(page);
      await page.waitForSelector('#result:not([hidden])');
      const resaved = (await savedActivities(page)).at(-1);
      assert.deepEqual(resaved.arguments.execute.inArguments, saved.arguments.execute.inArguments);
      assert.deepEqual(pageErrors, []);
    });
  });
});
