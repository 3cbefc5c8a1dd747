// Kakao Alim channel: compose rules with the guide's Kakao messageStatus strings, the request
// validated against Infobip's own schema (no URL tracking: Alim's request options have none), the
// 200 answer read from the spec's example, and the example execute end to end through the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OutboundMessage, RequestContext } from '../src/channels/channel.ts';
import { kakaoAlim } from '../src/channels/kakao-alim.ts';
import { findChannel } from '../src/channels/registry.ts';
import { ActivityArguments } from '../src/journey/activity-arguments.ts';
import { ExecuteSigner, fillExample, loadExample } from '../src/sandbox/journey-builder.ts';
import { loadInfobipSpec, requestBodyValidator, responseExample } from '../src/sandbox/openapi.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { reportRows, sendThroughSandbox } from './helpers/flow.ts';
import { type ExecuteBody, withArguments } from './helpers/execute-body.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const SPEC = 'infobip-kakao-openapi.json';
const PATH = '/kakao-alim/1/messages';
const SENDER = '4f1c8a2e9b7d3c5a6e0f1b2d3c4a5e6f7a8b9c0d';
const template = loadExample('kakao-alim');
const example = fillExample(template, { contactKey: 'contact-1', phone: '+821012345678' }) as ExecuteBody;

const argsWith = (set: Record<string, unknown> = {}, remove: string[] = []) => ActivityArguments.fromInArguments(withArguments(example, { set, remove }).inArguments);
const statusOf = (set: Record<string, unknown> = {}, remove: string[] = []) => {
  const composed = kakaoAlim.compose(argsWith(set, remove));
  return composed.ok ? 'ok' : composed.messageStatus;
};
const withButton = (button: Record<string, unknown>) => statusOf({ buttons: [button] });

describe('Kakao Alim compose', () => {
  test('the example composes into a template with title and five buttons', () => {
    const composed = kakaoAlim.compose(argsWith());
    assert.ok(composed.ok);
    const content = composed.content as { templateCode: string; title: string; text: string; buttons: { type: string }[] };
    assert.equal(content.templateCode, 'ORDER_SHIPPED_01');
    assert.equal(content.title, '배송 안내');
    assert.match(content.text, /#\{FirstName\}님/);
    assert.deepEqual(content.buttons.map((b) => b.type), ['DELIVERY_TRACKING', 'URL', 'APP_LINK', 'CHATBOT_SWITCH', 'BOT_KEYWORD']);
    assert.equal('imageUrl' in content, false);
  });

  test('the channel is found by its name and aliases', () => {
    for (const name of ['kakao-alim', 'Kakao Alim', 'kakaoAlim', 'KakaoAlim', 'alimtalk']) assert.equal(findChannel(name), kakaoAlim, name);
  });

  test('template name (code) is required, at most 30 characters → Invalid template name', () => {
    assert.equal(statusOf({}, ['templateName']), 'Error: Invalid template name');
    assert.equal(statusOf({ templateName: 'T'.repeat(31) }), 'Error: Invalid template name');
    assert.equal(statusOf({ templateName: 'T'.repeat(30) }), 'ok');
  });

  test('message body is required, at most 1000 characters → Invalid text length', () => {
    assert.equal(statusOf({}, ['text']), 'Error: Invalid text length');
    assert.equal(statusOf({ text: '가'.repeat(1001) }), 'Error: Invalid text length');
    assert.equal(statusOf({ text: '가'.repeat(1000) }), 'ok');
  });

  test('title is at most 50 characters', () => {
    assert.match(statusOf({ title: 'x'.repeat(51) }), /^Error: Invalid request: title /);
    assert.equal(statusOf({}, ['title']), 'ok');
  });

  test('image URL: http(s), at most 250 characters → Invalid image url length', () => {
    assert.equal(statusOf({ imageUrl: `https://cdn.example.com/${'a'.repeat(230)}.png` }), 'Error: Invalid image url length');
    assert.equal(statusOf({ imageUrl: 'cdn.example.com/a.png' }), 'Error: Invalid image url length');
  });

  test('more than 5 buttons, or a malformed list → Invalid buttons field length', () => {
    const keyword = { type: 'BOT_KEYWORD', name: '문의' };
    assert.equal(statusOf({ buttons: Array(6).fill(keyword) }), 'Error: Invalid buttons field length');
    assert.equal(statusOf({ buttons: '[{"type": "BOT_KEYWORD"' }), 'Error: Invalid buttons field length');
    assert.equal(statusOf({ buttons: { type: 'BOT_KEYWORD', name: '문의' } }), 'Error: Invalid buttons field length');
    assert.equal(statusOf({ buttons: ['문의'] }), 'Error: Invalid buttons field length');
    assert.equal(statusOf({ buttons: Array(5).fill(keyword) }), 'ok');
  });

  test('button name: 1 to 28 characters → Invalid button text length', () => {
    assert.equal(withButton({ type: 'BOT_KEYWORD', name: 'x'.repeat(29) }), 'Error: Invalid button text length');
    assert.equal(withButton({ type: 'BOT_KEYWORD' }), 'Error: Invalid button text length');
    assert.equal(withButton({ type: 'BOT_KEYWORD', name: 'x'.repeat(28) }), 'ok');
  });

  test('app schemes: at most 500 characters → Invalid androidScheme and iosScheme length', () => {
    const app = { type: 'APP_LINK', name: '앱', schemeIos: 'shop://a', urlMobile: 'https://m.shop.example.com' };
    assert.equal(withButton({ ...app, schemeAndroid: `shop://${'a'.repeat(494)}` }), 'Error: Invalid androidScheme and iosScheme length');
    assert.equal(withButton({ ...app, schemeIos: `shop://${'a'.repeat(494)}` }), 'Error: Invalid androidScheme and iosScheme length');
  });

  test('an app link needs two of schemeAndroid, schemeIos and urlMobile', () => {
    assert.match(withButton({ type: 'APP_LINK', name: '앱', schemeAndroid: 'shop://a', urlPc: 'https://shop.example.com' }), /^Error: Invalid request: buttons\[0\] \(APP_LINK\) needs at least two/);
    assert.equal(withButton({ type: 'APP_LINK', name: '앱', schemeAndroid: 'shop://a', schemeIos: 'shop://a' }), 'ok');
  });

  test('button links: http(s), at most 500 characters, a web link needs urlMobile → Invalid button url length', () => {
    assert.equal(withButton({ type: 'URL', name: '웹', urlMobile: `https://m.example.com/${'a'.repeat(480)}` }), 'Error: Invalid button url length');
    assert.equal(withButton({ type: 'URL', name: '웹', urlMobile: 'm.example.com' }), 'Error: Invalid button url length');
    assert.equal(withButton({ type: 'URL', name: '웹', urlPc: 'https://example.com' }), 'Error: Invalid button url length');
  });

  test('button types: the spec\'s seven, or the guide\'s names for them', () => {
    assert.match(withButton({ type: 'PHONE_CALL', name: '전화' }), /^Error: Invalid request: buttons\[0\]\.type must be one of APP_LINK, DELIVERY_TRACKING, URL/);
    assert.equal(withButton({ type: 'Web Link', name: '웹', urlMobile: 'https://m.example.com' }), 'ok');
    for (const type of ['Delivery Tracking', 'Bot Keyword', 'Message Delivery', 'Add Channel', 'chatbot_switch']) assert.equal(withButton({ type, name: 'x' }), 'ok', type);
  });

  test('a field that the button type does not have is refused', () => {
    assert.match(withButton({ type: 'BOT_KEYWORD', name: '문의', urlMobile: 'https://m.example.com' }), /^Error: Invalid request: buttons\[0\]\.urlMobile is not a field of a BOT_KEYWORD button/);
  });

  test('chatbot fields and the link target follow the spec\'s limits', () => {
    assert.match(withButton({ type: 'CHATBOT_SWITCH', name: '상담', chatExtra: 'x'.repeat(51) }), /^Error: Invalid request: buttons\[0\]\.chatExtra /);
    assert.match(withButton({ type: 'URL', name: '웹', urlMobile: 'https://m.example.com', target: '_blank' }), /^Error: Invalid request: buttons\[0\]\.target /);
    assert.equal(withButton({ type: 'URL', name: '웹', urlMobile: 'https://m.example.com', target: 'out' }), 'ok');
  });

  test('sender: a Kakao sender key', () => {
    assert.ok(kakaoAlim.isValidSender(SENDER));
    assert.ok(!kakaoAlim.isValidSender('not a key'));
  });
});

describe('Kakao Alim request and response', () => {
  const spec = loadInfobipSpec(SPEC);
  const validate = requestBodyValidator(spec, PATH, 'post');
  const context: RequestContext = {
    bulkId: 'Order shipped Kakao Alim',
    // A group never carries tracking for Alim (urlTracking false); the request must not either.
    tracking: { shortenUrl: true, trackClicks: true, removeProtocol: false },
    deliveryReportUrl: 'https://relay.example.com/webhooks/t1/delivery',
    seenReportUrl: 'https://relay.example.com/webhooks/t1/seen',
    applicationId: 'mc-relay-acme',
  };
  const message = (id: string, destination: string, set: Record<string, unknown>, remove: string[] = []): OutboundMessage => {
    const composed = kakaoAlim.compose(argsWith(set, remove));
    assert.ok(composed.ok, JSON.stringify(composed));
    return { id, destination, sender: SENDER, content: composed.content, callbackData: `{"ContactKey":"${id}"}` };
  };
  const messages = [
    message('m-1', '821012345601', { text: 'Ana님, 주문하신 상품이 발송되었습니다.' }),
    message('m-2', '821012345602', {}, ['title', 'buttons']),
    message('m-3', '821012345603', { buttons: [{ type: 'ADD_CHANNEL', name: '채널 추가' }, { type: 'MESSAGE_DELIVERY', name: '전달' }] }),
  ];

  test('buildRequest for three messages validates against the spec and carries ids, webhooks, callback data, bulkId, no tracking', () => {
    assert.equal(kakaoAlim.urlTracking, false);
    const body = kakaoAlim.buildRequest(messages, context) as { messages: Record<string, any>[]; options: Record<string, any> };
    assert.equal(validate(body), true, JSON.stringify(validate.errors, null, 2));
    assert.deepEqual(body.options, { schedule: { bulkId: context.bulkId } });
    for (const m of body.messages) assert.deepEqual(m.options.platform, { applicationId: context.applicationId });
    assert.deepEqual(body.messages.map((m) => m.destinations), [[{ to: '821012345601', messageId: 'm-1' }], [{ to: '821012345602', messageId: 'm-2' }], [{ to: '821012345603', messageId: 'm-3' }]]);
    for (const [i, m] of body.messages.entries()) {
      assert.equal(m.sender, SENDER);
      assert.equal(m.content.type, 'TEMPLATE');
      assert.equal(m.content.templateCode, 'ORDER_SHIPPED_01');
      assert.equal(m.webhooks.delivery.url, context.deliveryReportUrl);
      assert.equal(m.webhooks.callbackData, messages[i]!.callbackData);
      assert.equal(m.webhooks.seen, undefined);
    }
    assert.equal(body.messages[1]!.content.buttons, undefined);
  });

  test('readResponse reads the spec\'s documented 200 answer', () => {
    const documented = responseExample(spec, PATH, 'post', 200) as { messages: { messageId: string; status: { name: string } }[] };
    const first = documented.messages[0]!;
    assert.equal(kakaoAlim.readResponse(documented)?.get(first.messageId)?.name, first.status.name);
  });
});

const phone = (i: number) => `+8210123456${String(i).padStart(2, '0')}`;

for (const dialect of testDialects) {
  describe(`Kakao Alim from execute to a delivery report (${dialect})`, () => {
    let sandbox: Sandbox;
    let signer: ExecuteSigner;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      signer = new ExecuteSigner(sandbox.info.jwtSecret);
    });
    after(() => sandbox.close());

    test('executes answer pending, the template reaches Infobip merged, and a delivery report comes back', async () => {
      const contacts = Array.from({ length: 3 }, (_, i) => ({ contactKey: `alim-contact-${i}`, phone: phone(i) }));
      const { ids, sent } = await sendThroughSandbox(sandbox, signer, template, contacts);
      const first = sent[0]!;
      assert.equal(first.channel, 'KAKAO_ALIM');
      assert.equal(first.path, PATH);
      assert.equal(first.destination, phone(0).slice(1));
      const request = first.request as { sender: string; content: { text: string; buttons: unknown[] }; webhooks: { callbackData: string } };
      assert.equal(request.sender, SENDER);
      assert.match(request.content.text, /Ana님, 주문하신/);
      assert.equal(request.content.buttons.length, 5);
      assert.match(request.webhooks.callbackData, /"ContactKey":"alim-contact-0".*"TemplateName":"ORDER_SHIPPED_01"/);

      const rows = await reportRows(sandbox, 'omniReports', ids);
      assert.ok(rows.every((r) => r.statusGroupName === 'DELIVERED' && r.channel === 'Kakao Alim'));
    });
  });
}
