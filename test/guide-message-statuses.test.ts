import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { countMessages } from './helpers/messages.ts';

// Every row of the connector guide's messageStatus table ("Error handling for Infobip message
// custom activity"), for every channel the row lists, plus the channels where the same check
// obviously applies (marked "beyond the guide"). Each case executes the channel's example with one
// change through the sandbox and expects the exact string, an empty messageId, and nothing sent.

type Change = Record<string, unknown | null>;
const long = (n: number) => 'a'.repeat(n);
const url = (n: number) => `https://cdn.example.com/${long(n)}.jpg`;

const tracking = (extra: Change): Change => ({ urlShortening: 'true', shortenUrl: 'true', trackClicks: 'true', ...extra });
const TRACKING_CHANNELS = ['sms', 'lms', 'mms', 'rcs', 'viber', 'whatsapp'];
const ALL_CHANNELS = ['sms', 'lms', 'mms', 'rcs', 'viber', 'whatsapp', 'kakao-alim', 'kakao-chingu', 'zalo'];

/** Guide row → { channel → the change that must produce it }. */
const rows: Record<string, Record<string, Change>> = {
  'Error: Missing trackClicks flag': Object.fromEntries(TRACKING_CHANNELS.map((c) => [c, tracking({ trackClicks: null })])),
  'Error: Missing shortenUrl flag': Object.fromEntries(TRACKING_CHANNELS.map((c) => [c, tracking({ shortenUrl: null })])),
  'Error: Missing phone number in request': Object.fromEntries(ALL_CHANNELS.map((c) => [c, { 'phone.MobilePhone': null }])),
  'Error: Invalid tracking url length': Object.fromEntries(TRACKING_CHANNELS.map((c) => [c, tracking({ trackingUrl: `https://t.example.com/${long(2100)}` })])),
  'Error: Invalid text length': {
    sms: { text: long(1531) },
    whatsapp: { placeholders: [long(1025), '8731', 'x'] },
    viber: { text: long(1001) },
    // beyond the guide
    lms: { text: long(2001) },
    mms: { segments: [{ type: 'TEXT', text: long(4097) }] },
    rcs: { messageType: 'TEXT', text: long(3073) },
    'kakao-alim': { text: long(1001) },
    'kakao-chingu': { text: long(1301) },
  },
  // The guide lists no channel; template names exist on these three.
  'Error: Invalid template name': { whatsapp: { templateName: 'Order Shipped!' }, 'kakao-alim': { templateName: long(31) }, zalo: { templateName: 'order-shipped' } },
  'Error: Invalid scenario key': { viber: { scenarioKey: 'F3A9C1D2E4B5A6978812345678901234' } },
  'Error: Invalid promotional flag': { viber: { label: 'SOMETIMES' } },
  'Error: Invalid image url length': { viber: { imageUrl: url(1000) }, 'kakao-alim': { imageUrl: url(300) }, 'kakao-chingu': { imageUrl: url(300) } },
  'Error: Invalid from field': {
    whatsapp: { sender: 'not-a-number' },
    'kakao-alim': { sender: '!!!' },
    'kakao-chingu': { sender: '!!!' },
    viber: { sender: long(101) },
    // beyond the guide
    sms: { sender: 'TwelveLetter' },
    lms: { sender: 'TwelveLetter' },
    mms: { sender: 'TwelveLetter' },
    rcs: { sender: long(101) },
    zalo: { sender: '!!!' },
  },
  'Error: Invalid custom domain length': Object.fromEntries(TRACKING_CHANNELS.map((c) => [c, tracking({ customDomain: `${long(250)}.example.com` })])),
  'Error: Invalid buttons field length': {
    'kakao-alim': { buttons: Array.from({ length: 6 }, () => ({ type: 'DELIVERY_TRACKING', name: 'Track' })) },
    'kakao-chingu': { buttons: Array.from({ length: 6 }, () => ({ type: 'URL', name: 'Shop', urlMobile: 'https://m.example.com' })) },
  },
  'Error: Invalid button url length': { viber: { buttonUrl: `https://shop.example.com/${long(1000)}` } },
  'Error: Invalid button text length': {
    viber: { buttonText: long(31) },
    'kakao-alim': { buttons: [{ type: 'DELIVERY_TRACKING', name: long(29) }] },
    'kakao-chingu': { buttons: [{ type: 'URL', name: long(15), urlMobile: 'https://m.example.com' }] },
  },
  'Error: Invalid androidScheme and iosScheme length': {
    'kakao-alim': { buttons: [{ type: 'APP_LINK', name: 'Open', schemeAndroid: `shop://${long(500)}`, schemeIos: 'shop://o' }] },
    'kakao-chingu': { buttons: [{ type: 'APP_LINK', name: 'Open', schemeAndroid: `shop://${long(500)}`, schemeIos: 'shop://o' }] },
  },
};

let contact = 0;
function body(channel: string, changes: Change) {
  const n = contact++;
  const filled = fillExample(loadExample(channel), { contactKey: `guide-${n}`, phone: `+49151${40_000_000 + n}` }) as { inArguments: Record<string, unknown>[] };
  const args = new Map(filled.inArguments.map((a) => Object.entries(a)[0]!));
  for (const [k, v] of Object.entries(changes)) (v === null ? args.delete(k) : args.set(k, v));
  return { ...filled, inArguments: [...args].map(([k, v]) => ({ [k]: v })) };
}

describe("the guide's messageStatus table, channel by channel", () => {
  let sandbox: Sandbox;
  let signer: ExecuteSigner;
  before(async () => {
    sandbox = await startTestSandbox('sqlite');
    signer = new ExecuteSigner(sandbox.info.jwtSecret);
  });
  after(() => sandbox.close());

  test('Success: Message pending, for every channel, and the message reaches Infobip', async () => {
    for (const channel of ALL_CHANNELS) {
      const answer = (await postExecute(sandbox.info.messageActivityUrl, await signer.sign(body(channel, {})))).body;
      assert.equal(answer.messageStatus, 'Success: Message pending', channel);
      await eventually(() => sandbox.infobip.sentMessages().get(String(answer.messageId)), `${channel} at Infobip`);
    }
  });

  for (const [status, cases] of Object.entries(rows)) {
    for (const [channel, changes] of Object.entries(cases)) {
      test(`${status} — ${channel}`, async () => {
        const answer = await postExecute(sandbox.info.messageActivityUrl, await signer.sign(body(channel, changes)));
        assert.equal(answer.status, 200);
        assert.deepEqual(answer.body, { messageId: '', messageStatus: status });
      });
    }
  }

  test('nothing refused was stored or sent', async () => {
    assert.equal(await countMessages(sandbox.connector.store.db), ALL_CHANNELS.length);
  });
});
