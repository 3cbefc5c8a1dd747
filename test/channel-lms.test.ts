// LMS (Korean long SMS): compose validates the example and each rule with its exact messageStatus;
// buildRequest bodies validate against the SMS spec with `options.regional.southKorea`; the spec's
// 200 example is read; and the example goes through the sandbox to /sms/3/messages and back as a
// delivery report in the SMS Delivery Reports data extension.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OutboundMessage, RequestContext } from '../src/channels/channel.ts';
import { lms, lmsBytes } from '../src/channels/lms.ts';
import { ActivityArguments } from '../src/journey/activity-arguments.ts';
import { ExecuteSigner, fillExample, loadExample } from '../src/sandbox/journey-builder.ts';
import { loadInfobipSpec, requestBodyValidator, responseExample } from '../src/sandbox/openapi.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { reportRows, sendThroughSandbox } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const PATH = '/sms/3/messages';
const spec = loadInfobipSpec('infobip-sms-openapi.json');
const template = loadExample('lms');
const example = fillExample(template, { contactKey: 'contact-1', phone: '+821020000001' }) as { inArguments: Record<string, unknown>[] };

/** The example's inArguments with `changes` applied (an undefined value removes the argument). */
function args(changes: Record<string, unknown> = {}): ActivityArguments {
  const entries = new Map<string, unknown>(example.inArguments.flatMap((a) => Object.entries(a)));
  for (const [k, v] of Object.entries(changes)) if (v === undefined) entries.delete(k); else entries.set(k, v);
  return new ActivityArguments(entries);
}
function composed(changes: Record<string, unknown> = {}): Record<string, any> {
  const result = lms.compose(args(changes));
  assert.ok(result.ok, result.ok ? '' : result.messageStatus);
  return result.content;
}
const statusOf = (changes: Record<string, unknown>) => {
  const result = lms.compose(args(changes));
  return result.ok ? 'composed' : result.messageStatus;
};

describe('LMS compose', () => {
  test('the example composes: text, title and the reseller code as a number', () => {
    const content = composed();
    assert.match(content.text, /^안녕하세요 #\{FirstName\}님!/);
    assert.equal(content.title, '#{FirstName}님, 주문하신 상품이 발송되었습니다');
    assert.equal(content.resellerCode, 123456789);
  });

  test('Korean carriers count a Korean character as 2 bytes, ASCII as 1', () => {
    assert.equal(lmsBytes('abc'), 3);
    assert.equal(lmsBytes('안녕 a'), 6);
  });

  test('text: present and at most 2,000 bytes → Invalid text length', () => {
    assert.equal(statusOf({ text: '가'.repeat(1000) }), 'composed');
    assert.equal(statusOf({ text: 'a'.repeat(2000) }), 'composed');
    assert.equal(statusOf({ text: '가'.repeat(1000) + 'a' }), 'Error: Invalid text length');
    assert.equal(statusOf({ text: undefined }), 'Error: Invalid text length');
    assert.equal(statusOf({ text: '   ' }), 'Error: Invalid text length');
  });

  test('title is optional and at most 66 characters', () => {
    assert.equal(statusOf({ title: undefined }), 'composed');
    assert.equal(statusOf({ title: '가'.repeat(66) }), 'composed');
    assert.equal(statusOf({ title: '가'.repeat(67) }), 'Error: Invalid request: title must be at most 66 characters');
  });

  test('resellerCode is mandatory: the 9-digit business registration number', () => {
    const problem = 'Error: Invalid request: resellerCode must be the 9-digit business registration number';
    assert.equal(statusOf({ resellerCode: 987654321 }), 'composed');
    assert.equal(statusOf({ resellerCode: undefined }), problem);
    assert.equal(statusOf({ resellerCode: '12345678' }), problem);
    assert.equal(statusOf({ resellerCode: '1234567890' }), problem);
    assert.equal(statusOf({ resellerCode: '12345678a' }), problem);
    // A leading zero would be lost in the integer Infobip takes.
    assert.equal(statusOf({ resellerCode: '012345678' }), problem);
  });

  test('senders are SMS senders, and optional', () => {
    assert.equal(lms.senderRequired, false);
    assert.ok(lms.isValidSender('0212345678'));
    assert.ok(!lms.isValidSender('a sender that is too long'));
  });
});

describe('LMS request', () => {
  const context: RequestContext = {
    bulkId: 'Order shipped LMS',
    tracking: { shortenUrl: true, trackClicks: true, removeProtocol: true, customDomain: 'go.example.com' },
    deliveryReportUrl: 'https://relay.example.com/hooks/t/delivery-reports',
    seenReportUrl: 'https://relay.example.com/hooks/t/seen-reports',
    applicationId: 'mc-relay-acme',
  };
  const contents = [composed(), composed({ title: undefined, text: 'Plain ASCII long message', resellerCode: '555666777' })];
  const messages: OutboundMessage[] = contents.map((content, i) => ({
    id: `msg-${i}`,
    destination: `8210200000${i}`,
    sender: i === 0 ? '0212345678' : undefined,
    content,
    callbackData: `{"ContactKey":"c-${i}"}`,
  }));
  const body = lms.buildRequest(messages, context) as any;

  test('validates against the SMS spec request schema', () => {
    const validate = requestBodyValidator(spec, PATH, 'post');
    assert.equal(validate(body), true, JSON.stringify(validate.errors, null, 2));
  });

  test('the Korean options go to options.regional.southKorea, the text to content', () => {
    assert.equal(body.messages[0].content.text, contents[0]!.text);
    assert.deepEqual(body.messages[0].options, { regional: { southKorea: { title: contents[0]!.title, resellerCode: 123456789 } }, platform: { applicationId: context.applicationId } });
    assert.deepEqual(body.messages[1].options, { regional: { southKorea: { resellerCode: 555666777 } }, platform: { applicationId: context.applicationId } });
    assert.equal(body.messages[1].sender, undefined);
  });

  test('our messageId per destination, the delivery webhook, callbackData, no seen reports', () => {
    for (const [i, m] of body.messages.entries()) {
      assert.deepEqual(m.destinations, [{ to: messages[i]!.destination, messageId: messages[i]!.id }]);
      assert.equal(m.webhooks.delivery.url, context.deliveryReportUrl);
      assert.equal(m.webhooks.seen, undefined);
      assert.equal(m.webhooks.callbackData, messages[i]!.callbackData);
    }
  });

  test('bulkId and tracking', () => {
    assert.deepEqual(body.options, { schedule: { bulkId: context.bulkId }, tracking: context.tracking, includeSmsCountInResponse: true });
  });

  test("reads the spec's documented 200 answer", () => {
    const answer = responseExample(spec, PATH, 'post', 200) as any;
    assert.deepEqual(lms.readResponse(answer)?.get(answer.messages[0].messageId), answer.messages[0].status);
  });
});

const ALL_DELIVERED = { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 };

for (const dialect of testDialects) {
  describe(`LMS through the sandbox (${dialect})`, () => {
    let sandbox: Sandbox;
    let signer: ExecuteSigner;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: ALL_DELIVERED });
      signer = new ExecuteSigner(sandbox.info.jwtSecret);
    });
    after(() => sandbox.close());

    test('executes are pending, reach /sms/3/messages with the Korean options and merge fields filled, and come back as delivery reports', async () => {
      const contacts = Array.from({ length: 3 }, (_, i) => ({ contactKey: `lms-contact-${i}`, phone: `+8210${30_000_000 + i}` }));
      const { ids, sent } = await sendThroughSandbox(sandbox, signer, template, contacts);
      for (const [i, m] of sent.entries()) {
        assert.equal(m.channel, 'SMS');
        assert.equal(m.path, PATH);
        assert.equal(m.destination, contacts[i]!.phone.slice(1));
        const request = m.request as any;
        assert.match(request.content.text, /^안녕하세요 Ana님!/);
        assert.deepEqual(request.options.regional.southKorea, { title: 'Ana님, 주문하신 상품이 발송되었습니다', resellerCode: 123456789 });
        assert.match(m.callbackData ?? '', new RegExp(`"ContactKey":"lms-contact-${i}"`));
      }

      const rows = await reportRows(sandbox, 'smsDeliveryReports', ids);
      assert.ok(rows.every((r) => r.statusGroupName === 'DELIVERED' && r.from === '0212345678'));
    });
  });
}
