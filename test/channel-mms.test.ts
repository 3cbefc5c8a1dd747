// MMS: compose validates the example and each rule with its exact messageStatus; buildRequest
// bodies validate against the published spec; the spec's 200 example is read; and the example goes
// through the sandbox to /mms/2/messages and back as a delivery report (SMS Delivery Reports).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OutboundMessage, RequestContext } from '../src/channels/channel.ts';
import { mms, mmsSizeGuidance } from '../src/channels/mms.ts';
import { ActivityArguments } from '../src/journey/activity-arguments.ts';
import { ExecuteSigner, fillExample, loadExample } from '../src/sandbox/journey-builder.ts';
import { loadInfobipSpec, requestBodyValidator, responseExample } from '../src/sandbox/openapi.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { reportRows, sendThroughSandbox } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const PATH = '/mms/2/messages';
const spec = loadInfobipSpec('infobip-mms-openapi.json');
const template = loadExample('mms');
const example = fillExample(template, { contactKey: 'contact-1', phone: '+4915112345678' }) as { inArguments: Record<string, unknown>[] };

/** The example's inArguments with `changes` applied (an undefined value removes the argument). */
function args(changes: Record<string, unknown> = {}): ActivityArguments {
  const entries = new Map<string, unknown>(example.inArguments.flatMap((a) => Object.entries(a)));
  for (const [k, v] of Object.entries(changes)) if (v === undefined) entries.delete(k); else entries.set(k, v);
  return new ActivityArguments(entries);
}
function composed(changes: Record<string, unknown> = {}): Record<string, any> {
  const result = mms.compose(args(changes));
  assert.ok(result.ok, result.ok ? '' : result.messageStatus);
  return result.content;
}
const statusOf = (changes: Record<string, unknown>) => {
  const result = mms.compose(args(changes));
  return result.ok ? 'composed' : result.messageStatus;
};
const oneSegment = (segment: unknown) => statusOf({ segments: [segment] });

describe('MMS compose', () => {
  test('the example composes into the spec content: title and ordered TEXT and LINK segments', () => {
    const content = composed();
    assert.equal(content.title, 'Your spring picks, #{FirstName}');
    assert.deepEqual(content.messageSegments.map((s: any) => s.type), ['TEXT', 'LINK', 'TEXT', 'LINK']);
    assert.deepEqual(content.messageSegments[1], { type: 'LINK', contentUrl: 'https://cdn.example.com/mms/spring-collection.jpg', contentType: 'image/jpeg' });
  });

  test('segments may arrive as a string holding JSON', () => {
    assert.equal(statusOf({ segments: JSON.stringify([{ type: 'TEXT', text: 'Hi' }]) }), 'composed');
  });

  test('the size guidance for the UI names the 300 KB and 1 MB carrier limits', () => {
    assert.match(mmsSizeGuidance, /300 KB/);
    assert.match(mmsSizeGuidance, /1 MB/);
  });

  test('title is optional and at most 66 characters', () => {
    assert.equal(statusOf({ title: undefined }), 'composed');
    assert.equal(statusOf({ title: 'x'.repeat(67) }), 'Error: Invalid request: title must be at most 66 characters');
  });

  test('segments: a JSON array of at least one', () => {
    const problem = 'Error: Invalid request: segments must be a JSON array of at least one segment';
    assert.equal(statusOf({ segments: undefined }), problem);
    assert.equal(statusOf({ segments: [] }), problem);
    assert.equal(statusOf({ segments: '[{"type":' }), problem);
    assert.equal(oneSegment('just text'), 'Error: Invalid request: segments[0] must be an object');
  });

  test('segment type: TEXT or a medium', () => {
    assert.match(oneSegment({ type: 'SMIL', smil: '<smil/>' }), /^Error: Invalid request: segments\[0\]\.type/);
    assert.equal(oneSegment({ type: 'audio', url: 'https://cdn.example.com/a.mp3' }), 'composed');
  });

  test('text segment: 1 to 4,096 characters → Invalid text length', () => {
    assert.equal(oneSegment({ type: 'TEXT', text: 'x'.repeat(4096) }), 'composed');
    assert.equal(oneSegment({ type: 'TEXT', text: 'x'.repeat(4097) }), 'Error: Invalid text length');
    assert.equal(oneSegment({ type: 'TEXT', text: '' }), 'Error: Invalid text length');
  });

  test('image URL: http(s), at most 2,048 → Invalid image url length', () => {
    assert.equal(oneSegment({ type: 'IMAGE', url: 'cdn.example.com/a.jpg', contentType: 'image/jpeg' }), 'Error: Invalid image url length');
    assert.equal(oneSegment({ type: 'IMAGE', url: `https://cdn.example.com/${'a'.repeat(2048)}.jpg` }), 'Error: Invalid image url length');
  });

  test('other media URLs: http(s), at most 2,048', () => {
    assert.match(oneSegment({ type: 'VIDEO', url: 'ftp://cdn.example.com/v.mp4' }), /^Error: Invalid request: segments\[0\]\.url/);
  });

  test('contentType: given, or read from a known extension', () => {
    const video = composed({ segments: [{ type: 'VIDEO', url: 'https://cdn.example.com/v.mp4' }] });
    assert.equal(video.messageSegments[0].contentType, 'video/mp4');
    assert.match(oneSegment({ type: 'DOCUMENT', url: 'https://cdn.example.com/file' }), /^Error: Invalid request: segments\[0\]\.contentType is required/);
  });

  test('contentType matches the medium', () => {
    assert.match(oneSegment({ type: 'IMAGE', url: 'https://cdn.example.com/v', contentType: 'video/mp4' }), /video\/mp4 is not of type IMAGE/);
    assert.match(oneSegment({ type: 'LINK', url: 'https://cdn.example.com/v', contentType: 'nonsense' }), /nonsense is not an image, video, audio or document type/);
    assert.equal(oneSegment({ type: 'LINK', url: 'https://cdn.example.com/v', contentType: 'video/mp4' }), 'composed');
  });

  test('senders are SMS senders, and optional', () => {
    assert.equal(mms.senderRequired, false);
    assert.ok(mms.isValidSender('441134960000'));
    assert.ok(!mms.isValidSender('x'.repeat(17)));
  });
});

describe('MMS request', () => {
  const context: RequestContext = {
    bulkId: 'Spring sale MMS',
    tracking: { shortenUrl: true, trackClicks: false, removeProtocol: false },
    deliveryReportUrl: 'https://relay.example.com/hooks/t/delivery-reports',
    seenReportUrl: 'https://relay.example.com/hooks/t/seen-reports',
    applicationId: 'mc-relay-acme',
  };
  const contents = [composed(), composed({ title: undefined, segments: [{ type: 'TEXT', text: 'Only text' }] }), composed({ segments: [{ type: 'AUDIO', url: 'https://cdn.example.com/jingle.mp3' }] })];
  const messages: OutboundMessage[] = contents.map((content, i) => ({
    id: `msg-${i}`,
    destination: `4915112345${i}`,
    sender: '441134960000',
    content,
    callbackData: i === 1 ? null : `{"ContactKey":"c-${i}"}`,
  }));
  const body = mms.buildRequest(messages, context) as any;

  test('validates against the spec request schema', () => {
    const validate = requestBodyValidator(spec, PATH, 'post');
    assert.equal(validate(body), true, JSON.stringify(validate.errors, null, 2));
  });

  test('our messageId per destination, content as composed, the application, the delivery webhook, callbackData, no seen reports', () => {
    for (const [i, m] of body.messages.entries()) {
      assert.deepEqual(m.destinations, [{ to: messages[i]!.destination, messageId: messages[i]!.id }]);
      assert.deepEqual(m.content, contents[i]);
      assert.deepEqual(m.options, { platform: { applicationId: context.applicationId } });
      assert.equal(m.webhooks.delivery.url, context.deliveryReportUrl);
      assert.equal(m.webhooks.seen, undefined);
      assert.equal(m.webhooks.callbackData, messages[i]!.callbackData ?? undefined);
    }
  });

  test('bulkId and tracking', () => {
    assert.deepEqual(body.options, { schedule: { bulkId: context.bulkId }, tracking: context.tracking });
  });

  test("reads the spec's documented 200 answer", () => {
    const answer = responseExample(spec, PATH, 'post', 200) as any;
    assert.deepEqual(mms.readResponse(answer)?.get(answer.messages[0].messageId), answer.messages[0].status);
  });
});

const ALL_DELIVERED = { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 };

for (const dialect of testDialects) {
  describe(`MMS through the sandbox (${dialect})`, () => {
    let sandbox: Sandbox;
    let signer: ExecuteSigner;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: ALL_DELIVERED });
      signer = new ExecuteSigner(sandbox.info.jwtSecret);
    });
    after(() => sandbox.close());

    test('executes are pending, reach /mms/2/messages with merge fields filled, and come back as delivery reports', async () => {
      const contacts = Array.from({ length: 3 }, (_, i) => ({ contactKey: `mms-contact-${i}`, phone: `+49151${30_000_000 + i}` }));
      const { ids, sent } = await sendThroughSandbox(sandbox, signer, template, contacts);
      for (const [i, m] of sent.entries()) {
        assert.equal(m.channel, 'MMS');
        assert.equal(m.path, PATH);
        assert.equal(m.destination, contacts[i]!.phone.slice(1));
        const request = m.request as any;
        assert.equal(request.content.title, 'Your spring picks, Ana');
        assert.equal(request.content.messageSegments[0].text, 'Hi Ana, spring is here and so are our new arrivals!');
        assert.match(m.callbackData ?? '', new RegExp(`"ContactKey":"mms-contact-${i}"`));
      }

      const rows = await reportRows(sandbox, 'smsDeliveryReports', ids);
      assert.ok(rows.every((r) => r.statusGroupName === 'DELIVERED' && r.from === '441134960000'));
    });
  });
}
