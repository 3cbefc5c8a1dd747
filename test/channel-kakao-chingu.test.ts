// Kakao ChinguTalk channel: compose rules with the guide's Kakao messageStatus strings, the request
// (brand message TEXT_FREE_FORM / IMAGE_FREE_FORM, with URL tracking) validated against Infobip's
// own schema, the 200 answer read from the spec's example, and the example execute end to end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OutboundMessage, RequestContext } from '../src/channels/channel.ts';
import { kakaoChingu } from '../src/channels/kakao-chingu.ts';
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
const PATH = '/kakao-chingu/1/messages';
const SENDER = '4f1c8a2e9b7d3c5a6e0f1b2d3c4a5e6f7a8b9c0d';
const template = loadExample('kakao-chingu');
const example = fillExample(template, { contactKey: 'contact-1', phone: '+821012345678' }) as ExecuteBody;

const argsWith = (set: Record<string, unknown> = {}, remove: string[] = []) => ActivityArguments.fromInArguments(withArguments(example, { set, remove }).inArguments);
const statusOf = (set: Record<string, unknown> = {}, remove: string[] = []) => {
  const composed = kakaoChingu.compose(argsWith(set, remove));
  return composed.ok ? 'ok' : composed.messageStatus;
};
const withButton = (button: Record<string, unknown>) => statusOf({ buttons: [button] });

describe('Kakao ChinguTalk compose', () => {
  test('the example composes into text, image with link, and two buttons', () => {
    const composed = kakaoChingu.compose(argsWith());
    assert.ok(composed.ok);
    const content = composed.content as { text: string; image: unknown; buttons: { type: string }[] };
    assert.match(content.text, /#\{FirstName\}님/);
    assert.deepEqual(content.image, { url: 'https://cdn.example.com/kakao/spring-sale.jpg', link: 'https://shop.example.com/spring' });
    assert.deepEqual(content.buttons.map((b) => b.type), ['URL', 'APP_LINK']);
  });

  test('the channel is found by its name and aliases, and has URL tracking (its request options have `tracking`)', () => {
    for (const name of ['kakao-chingu', 'Kakao ChinguTalk', 'kakaoChingu', 'chingu', 'friendtalk', 'brand message']) assert.equal(findChannel(name), kakaoChingu, name);
    assert.equal(kakaoChingu.urlTracking, true);
  });

  test('text is required, at most 1300 characters → Invalid text length', () => {
    assert.equal(statusOf({}, ['text']), 'Error: Invalid text length');
    assert.equal(statusOf({ text: '가'.repeat(1301) }), 'Error: Invalid text length');
    assert.equal(statusOf({ text: '가'.repeat(1300) }), 'ok');
  });

  test('image URL: http(s), at most 250 characters → Invalid image url length', () => {
    assert.equal(statusOf({ imageUrl: `https://cdn.example.com/${'a'.repeat(230)}.jpg` }), 'Error: Invalid image url length');
    assert.equal(statusOf({ imageUrl: 'ftp://cdn.example.com/a.jpg' }), 'Error: Invalid image url length');
  });

  test('image link: http(s), at most 250 characters, only with an image', () => {
    assert.match(statusOf({ imageLink: `https://shop.example.com/${'a'.repeat(230)}` }), /^Error: Invalid request: imageLink must be/);
    assert.match(statusOf({}, ['imageUrl']), /^Error: Invalid request: imageLink needs imageUrl/);
    assert.equal(statusOf({}, ['imageUrl', 'imageLink']), 'ok');
  });

  test('more than 5 buttons, or a malformed list → Invalid buttons field length', () => {
    const web = { type: 'URL', name: '웹', urlMobile: 'https://m.example.com' };
    assert.equal(statusOf({ buttons: Array(6).fill(web) }), 'Error: Invalid buttons field length');
    assert.equal(statusOf({ buttons: 'not json' }), 'Error: Invalid buttons field length');
    assert.equal(statusOf({ buttons: Array(5).fill(web) }), 'ok');
  });

  test('button name: 1 to 14 characters → Invalid button text length', () => {
    assert.equal(withButton({ type: 'URL', name: 'x'.repeat(15), urlMobile: 'https://m.example.com' }), 'Error: Invalid button text length');
    assert.equal(withButton({ type: 'URL', name: ' ', urlMobile: 'https://m.example.com' }), 'Error: Invalid button text length');
  });

  test('app schemes: at most 500 characters → Invalid androidScheme and iosScheme length', () => {
    assert.equal(withButton({ type: 'APP_LINK', name: '앱', schemeAndroid: `shop://${'a'.repeat(494)}`, schemeIos: 'shop://a' }), 'Error: Invalid androidScheme and iosScheme length');
  });

  test('an app link needs two of schemeAndroid, schemeIos and urlMobile', () => {
    assert.match(withButton({ type: 'APP_LINK', name: '앱', urlMobile: 'https://m.example.com' }), /^Error: Invalid request: buttons\[0\] \(APP_LINK\) needs at least two/);
  });

  test('button links: http(s), at most 500 characters, a web link needs urlMobile → Invalid button url length', () => {
    assert.equal(withButton({ type: 'URL', name: '웹', urlMobile: `https://m.example.com/${'a'.repeat(480)}` }), 'Error: Invalid button url length');
    assert.equal(withButton({ type: 'URL', name: '웹', urlPc: 'https://example.com' }), 'Error: Invalid button url length');
  });

  test('only the guide\'s web link and app link types; target is OUT', () => {
    assert.match(withButton({ type: 'BOT_KEYWORD', name: '문의' }), /^Error: Invalid request: buttons\[0\]\.type must be one of URL, APP_LINK/);
    assert.match(withButton({ type: 'URL', name: '웹', urlMobile: 'https://m.example.com', target: 'IN' }), /^Error: Invalid request: buttons\[0\]\.target must be OUT/);
    assert.equal(withButton({ type: 'web link', name: '웹', urlMobile: 'https://m.example.com' }), 'ok');
  });
});

describe('Kakao ChinguTalk request and response', () => {
  const spec = loadInfobipSpec(SPEC);
  const validate = requestBodyValidator(spec, PATH, 'post');
  const context: RequestContext = {
    bulkId: 'Spring sale ChinguTalk',
    tracking: { shortenUrl: true, trackClicks: true, removeProtocol: true, customDomain: 'go.shop.example.com' },
    deliveryReportUrl: 'https://relay.example.com/webhooks/t1/delivery',
    seenReportUrl: 'https://relay.example.com/webhooks/t1/seen',
    applicationId: 'mc-relay-acme',
  };
  const message = (id: string, destination: string, set: Record<string, unknown>, remove: string[] = []): OutboundMessage => {
    const composed = kakaoChingu.compose(argsWith(set, remove));
    assert.ok(composed.ok, JSON.stringify(composed));
    return { id, destination, sender: SENDER, content: composed.content, callbackData: `{"ContactKey":"${id}"}` };
  };
  const messages = [
    message('m-1', '821012345601', { text: 'Ana님, 봄 시즌 신상품! https://shop.example.com/spring' }),
    message('m-2', '821012345602', {}, ['imageUrl', 'imageLink']),
    message('m-3', '821012345603', {}, ['imageLink', 'buttons']),
  ];

  test('buildRequest for three messages validates against the spec and carries ids, webhooks, callback data, bulkId, tracking', () => {
    const body = kakaoChingu.buildRequest(messages, context) as { messages: Record<string, any>[]; options: Record<string, any> };
    assert.equal(validate(body), true, JSON.stringify(validate.errors, null, 2));
    assert.deepEqual(body.options, { schedule: { bulkId: context.bulkId }, tracking: context.tracking });
    for (const m of body.messages) assert.deepEqual(m.options.platform, { applicationId: context.applicationId });
    assert.deepEqual(body.messages.map((m) => m.content.type), ['IMAGE_FREE_FORM', 'TEXT_FREE_FORM', 'IMAGE_FREE_FORM']);
    assert.deepEqual(body.messages.map((m) => m.destinations), [[{ to: '821012345601', messageId: 'm-1' }], [{ to: '821012345602', messageId: 'm-2' }], [{ to: '821012345603', messageId: 'm-3' }]]);
    for (const [i, m] of body.messages.entries()) {
      assert.equal(m.sender, SENDER);
      assert.equal(m.webhooks.delivery.url, context.deliveryReportUrl);
      assert.equal(m.webhooks.callbackData, messages[i]!.callbackData);
    }
    assert.deepEqual(body.messages[2]!.content.image, { url: 'https://cdn.example.com/kakao/spring-sale.jpg' });
  });

  test('without URL tracking there is no options.tracking, and the body still validates', () => {
    const body = kakaoChingu.buildRequest(messages, { ...context, tracking: undefined }) as { options: Record<string, unknown> };
    assert.equal(validate(body), true, JSON.stringify(validate.errors, null, 2));
    assert.equal('tracking' in body.options, false);
  });

  test('readResponse reads the spec\'s documented 200 answer', () => {
    const documented = responseExample(spec, PATH, 'post', 200) as { messages: { messageId: string; status: { name: string } }[] };
    const first = documented.messages[0]!;
    assert.equal(kakaoChingu.readResponse(documented)?.get(first.messageId)?.name, first.status.name);
  });
});

const phone = (i: number) => `+8210987654${String(i).padStart(2, '0')}`;

for (const dialect of testDialects) {
  describe(`Kakao ChinguTalk from execute to a delivery report (${dialect})`, () => {
    let sandbox: Sandbox;
    let signer: ExecuteSigner;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      signer = new ExecuteSigner(sandbox.info.jwtSecret);
    });
    after(() => sandbox.close());

    test('executes answer pending, the message reaches Infobip merged with tracking, and a delivery report comes back', async () => {
      const contacts = Array.from({ length: 3 }, (_, i) => ({ contactKey: `chingu-contact-${i}`, phone: phone(i) }));
      const { ids, sent } = await sendThroughSandbox(sandbox, signer, template, contacts);
      const first = sent[0]!;
      assert.equal(first.channel, 'KAKAO_CHINGU');
      assert.equal(first.path, PATH);
      assert.equal(first.destination, phone(0).slice(1));
      const request = first.request as { sender: string; content: { type: string; text: string }; webhooks: { callbackData: string } };
      assert.equal(request.sender, SENDER);
      assert.equal(request.content.type, 'IMAGE_FREE_FORM');
      assert.match(request.content.text, /^Ana님, 봄 시즌/);
      assert.match(request.webhooks.callbackData, /"ContactKey":"chingu-contact-0".*"Campaign":"spring-sale"/);

      const rows = await reportRows(sandbox, 'omniReports', ids);
      assert.ok(rows.every((r) => r.statusGroupName === 'DELIVERED' && r.channel === 'Kakao ChinguTalk'));
    });
  });
}
