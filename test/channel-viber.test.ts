// Viber: compose validates the example and each rule with its exact messageStatus; buildRequest
// bodies validate against the published spec; the spec's 200 example is read; and the example goes
// through the sandbox to /viber/2/messages and back as a delivery report.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OutboundMessage, RequestContext } from '../src/channels/channel.ts';
import { viber } from '../src/channels/viber.ts';
import { ActivityArguments } from '../src/journey/activity-arguments.ts';
import { ExecuteSigner, fillExample, loadExample } from '../src/sandbox/journey-builder.ts';
import { loadInfobipSpec, requestBodyValidator, responseExample } from '../src/sandbox/openapi.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { reportRows, sendThroughSandbox } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const PATH = '/viber/2/messages';
const spec = loadInfobipSpec('infobip-viber-openapi.json');
const template = loadExample('viber');
const example = fillExample(template, { contactKey: 'contact-1', phone: '+4915112345678' }) as { inArguments: Record<string, unknown>[] };

/** The example's inArguments with `changes` applied (an undefined value removes the argument). */
function args(changes: Record<string, unknown> = {}): ActivityArguments {
  const entries = new Map<string, unknown>(example.inArguments.flatMap((a) => Object.entries(a)));
  for (const [k, v] of Object.entries(changes)) if (v === undefined) entries.delete(k); else entries.set(k, v);
  return new ActivityArguments(entries);
}
function composed(changes: Record<string, unknown> = {}): Record<string, any> {
  const result = viber.compose(args(changes));
  assert.ok(result.ok, result.ok ? '' : result.messageStatus);
  return result.content;
}
const statusOf = (changes: Record<string, unknown>) => {
  const result = viber.compose(args(changes));
  return result.ok ? 'composed' : result.messageStatus;
};
const video = { messageType: 'VIDEO_TEXT_BUTTON', videoUrl: 'https://cdn.example.com/v.mp4', thumbnailUrl: 'https://cdn.example.com/v.jpg', videoDuration: '45' };
const file = { messageType: 'FILE', fileUrl: 'https://cdn.example.com/docs/Spring%20lookbook.pdf' };

describe('Viber compose', () => {
  test('the example composes: an image with text and button, the label and an SMS failover', () => {
    const content = composed();
    assert.deepEqual(content.message, {
      type: 'IMAGE',
      mediaUrl: 'https://cdn.example.com/viber/spring-collection.jpg',
      text: 'Hi #{FirstName}, spring is here! Members get 10% off new arrivals until Sunday: https://shop.example.com/spring',
      button: { title: 'Shop now', action: 'https://shop.example.com/spring' },
    });
    assert.equal(content.label, 'PROMOTIONAL');
    assert.deepEqual(content.smsFailover, { sender: 'mc-relay', text: 'Hi #{FirstName}, spring is here! 10% off new arrivals until Sunday: https://shop.example.com/spring' });
  });

  test("the guide's message type names are read; without one the type follows the fields", () => {
    assert.equal(composed({ messageType: 'Image + Text + Button' }).message.type, 'IMAGE');
    assert.deepEqual(composed({ messageType: 'Text + Button' }).message, { type: 'TEXT', text: composed().message.text, button: composed().message.button });
    assert.deepEqual(Object.keys(composed({ messageType: 'Image' }).message), ['type', 'mediaUrl']);
    assert.deepEqual(composed({ messageType: undefined, imageUrl: undefined, buttonText: undefined }).message.type, 'TEXT');
    assert.ok(composed({ messageType: undefined }).message.button);
  });

  test('a leftover OMNI scenario key answers Invalid scenario key (no scenarios with /viber/2)', () => {
    assert.equal(statusOf({ scenarioKey: 'F3A9C1D2E4B5A6978812345678901234' }), 'Error: Invalid scenario key');
  });

  test('messageType is one of the supported combinations', () => {
    assert.match(statusOf({ messageType: 'LIST' }), /^Error: Invalid request: messageType must be one of/);
    assert.match(statusOf({ messageType: 'IMAGE_BUTTON' }), /^Error: Invalid request: messageType/);
  });

  test('text: 1 to 1,000 characters → Invalid text length', () => {
    assert.equal(statusOf({ text: 'x'.repeat(1000) }), 'composed');
    assert.equal(statusOf({ text: 'x'.repeat(1001) }), 'Error: Invalid text length');
    assert.equal(statusOf({ text: undefined }), 'Error: Invalid text length');
    assert.equal(statusOf({ messageType: 'TEXT', text: ' ' }), 'Error: Invalid text length');
  });

  test('image URL: http(s), at most 1,000 → Invalid image url length', () => {
    assert.equal(statusOf({ imageUrl: 'cdn.example.com/a.jpg' }), 'Error: Invalid image url length');
    assert.equal(statusOf({ imageUrl: `https://cdn.example.com/${'a'.repeat(1000)}.jpg` }), 'Error: Invalid image url length');
    assert.equal(statusOf({ imageUrl: undefined }), 'Error: Invalid image url length');
  });

  test('button text: 1 to 30 characters → Invalid button text length', () => {
    assert.equal(statusOf({ buttonText: 'x'.repeat(30) }), 'composed');
    assert.equal(statusOf({ buttonText: 'x'.repeat(31) }), 'Error: Invalid button text length');
    assert.equal(statusOf({ buttonText: undefined }), 'Error: Invalid button text length');
  });

  test('button URL: a URI of at most 1,000 → Invalid button url length', () => {
    assert.equal(statusOf({ buttonUrl: 'viber://pa?chatURI=shop' }), 'composed');
    assert.equal(statusOf({ buttonUrl: undefined }), 'Error: Invalid button url length');
    assert.equal(statusOf({ buttonUrl: 'shop.example.com' }), 'Error: Invalid button url length');
    assert.equal(statusOf({ buttonUrl: `https://shop.example.com/${'x'.repeat(1000)}` }), 'Error: Invalid button url length');
  });

  test('label: PROMOTIONAL or TRANSACTIONAL → Invalid promotional flag', () => {
    assert.equal(composed({ label: 'transactional' }).label, 'TRANSACTIONAL');
    assert.equal(composed({ label: undefined }).label, undefined);
    assert.equal(statusOf({ label: 'yes' }), 'Error: Invalid promotional flag');
  });

  test('showImageInFullScreen is a flag', () => {
    assert.equal(composed({ showImageInFullScreen: true }).message.showImageInFullScreen, true);
    assert.match(statusOf({ showImageInFullScreen: 'sometimes' }), /^Error: Invalid request: showImageInFullScreen/);
  });

  test('video: http(s) video URL, image thumbnail, ISO 8601 duration or seconds; a button may have no URL', () => {
    const content = composed({ ...video, buttonUrl: undefined });
    assert.equal(content.message.mediaDuration, 'PT45S');
    assert.deepEqual(content.message.button, { title: 'Shop now' });
    assert.equal(composed({ ...video, videoDuration: 'PT1M5S' }).message.mediaDuration, 'PT1M5S');
    assert.match(statusOf({ ...video, videoUrl: 'video.mp4' }), /^Error: Invalid request: videoUrl/);
    assert.equal(statusOf({ ...video, thumbnailUrl: undefined }), 'Error: Invalid image url length');
    assert.match(statusOf({ ...video, videoDuration: '1:05' }), /^Error: Invalid request: videoDuration/);
    assert.match(statusOf({ ...video, videoDuration: undefined }), /^Error: Invalid request: videoDuration/);
  });

  test("file: http(s) URL, a file name with one of the spec's extensions (taken from the URL when absent)", () => {
    assert.deepEqual(composed(file).message, { type: 'FILE', mediaUrl: file.fileUrl, fileName: 'Spring lookbook.pdf' });
    assert.match(statusOf({ ...file, fileName: 'lookbook.exe' }), /^Error: Invalid request: fileName/);
    assert.match(statusOf({ ...file, fileUrl: 'https://cdn.example.com/docs/' }), /^Error: Invalid request: fileName/);
    assert.match(statusOf({ ...file, fileUrl: 'file.pdf' }), /^Error: Invalid request: fileUrl/);
  });

  test('SMS failover text: within the SMS length limit → Invalid text length', () => {
    assert.equal(composed({ smsFailoverText: undefined }).smsFailover, undefined);
    assert.equal(statusOf({ smsFailoverText: 'x'.repeat(153 * 10) }), 'composed');
    assert.equal(statusOf({ smsFailoverText: 'x'.repeat(153 * 10 + 1) }), 'Error: Invalid text length');
  });

  test('SMS failover sender: an SMS sender → Invalid from field', () => {
    assert.deepEqual(composed({ smsFailoverSender: undefined }).smsFailover, { text: composed().smsFailover.text });
    assert.equal(statusOf({ smsFailoverSender: 'a sender name far too long' }), 'Error: Invalid from field');
  });

  test('the sender is required and a printable name', () => {
    assert.equal(viber.senderRequired, true);
    assert.ok(viber.isValidSender('McRelayShop'));
    assert.ok(!viber.isValidSender('tab\tinside'));
    assert.ok(!viber.isValidSender('trailing '));
  });
});

describe('Viber request', () => {
  const context: RequestContext = {
    bulkId: 'Spring sale Viber',
    tracking: { shortenUrl: true, trackClicks: true, removeProtocol: false, customDomain: 'go.example.com', trackingUrl: 'https://relay.example.com/clicks' },
    deliveryReportUrl: 'https://relay.example.com/hooks/t/delivery-reports',
    seenReportUrl: 'https://relay.example.com/hooks/t/seen-reports',
    applicationId: 'mc-relay-acme',
  };
  const contents = [
    composed(),
    composed({ messageType: 'TEXT_BUTTON', label: undefined, smsFailoverText: undefined }),
    composed({ ...video, buttonUrl: undefined, label: 'TRANSACTIONAL', smsFailoverSender: undefined }),
    composed({ ...file, label: undefined, smsFailoverText: undefined }),
  ];
  const messages: OutboundMessage[] = contents.map((content, i) => ({
    id: `msg-${i}`,
    destination: `4915112345${i}`,
    sender: 'McRelayShop',
    content,
    callbackData: i === 3 ? null : `{"ContactKey":"c-${i}"}`,
  }));
  const body = viber.buildRequest(messages, context) as any;

  test('text, image, video and file messages validate against the spec request schema', () => {
    const validate = requestBodyValidator(spec, PATH, 'post');
    assert.equal(validate(body), true, JSON.stringify(validate.errors, null, 2));
  });

  test('content, label, SMS failover and the application in their places', () => {
    const platform = { applicationId: context.applicationId };
    assert.deepEqual(body.messages[0].content, contents[0]!.message);
    assert.deepEqual(body.messages[0].options, { label: 'PROMOTIONAL', smsFailover: contents[0]!.smsFailover, platform });
    assert.deepEqual(body.messages[1].options, { platform });
    assert.deepEqual(body.messages[2].options, { label: 'TRANSACTIONAL', smsFailover: { text: contents[2]!.smsFailover.text }, platform });
  });

  test('an account without our subscriptions names no application', () => {
    const without = viber.buildRequest(messages, { ...context, applicationId: undefined }) as any;
    assert.equal(without.messages[1].options, undefined);
    assert.deepEqual(without.messages[0].options, { label: 'PROMOTIONAL', smsFailover: contents[0]!.smsFailover });
  });

  test('our messageId per destination, delivery and seen webhooks, callbackData', () => {
    for (const [i, m] of body.messages.entries()) {
      assert.deepEqual(m.destinations, [{ to: messages[i]!.destination, messageId: messages[i]!.id }]);
      assert.equal(m.sender, 'McRelayShop');
      assert.equal(m.webhooks.delivery.url, context.deliveryReportUrl);
      assert.equal(m.webhooks.seen.url, context.seenReportUrl);
      assert.equal(m.webhooks.callbackData, messages[i]!.callbackData ?? undefined);
    }
  });

  test('bulkId and tracking', () => {
    assert.deepEqual(body.options, { schedule: { bulkId: context.bulkId }, tracking: context.tracking });
  });

  test("reads the spec's documented 200 answer", () => {
    const answer = responseExample(spec, PATH, 'post', 200) as any;
    assert.deepEqual(viber.readResponse(answer)?.get(answer.messages[0].messageId), answer.messages[0].status);
  });
});

const ALL_DELIVERED = { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 };

for (const dialect of testDialects) {
  describe(`Viber through the sandbox (${dialect})`, () => {
    let sandbox: Sandbox;
    let signer: ExecuteSigner;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: ALL_DELIVERED });
      signer = new ExecuteSigner(sandbox.info.jwtSecret);
    });
    after(() => sandbox.close());

    test('executes are pending, reach /viber/2/messages with merge fields filled, and come back as delivery reports', async () => {
      const contacts = Array.from({ length: 3 }, (_, i) => ({ contactKey: `viber-contact-${i}`, phone: `+49151${40_000_000 + i}` }));
      const { ids, sent } = await sendThroughSandbox(sandbox, signer, template, contacts);
      for (const [i, m] of sent.entries()) {
        assert.equal(m.channel, 'VIBER');
        assert.equal(m.path, PATH);
        assert.equal(m.destination, contacts[i]!.phone.slice(1));
        assert.equal(m.sender, 'McRelayShop');
        assert.match(m.seenUrl ?? '', /\/seen-reports$/);
        const request = m.request as any;
        assert.match(request.content.text, /^Hi Ana, spring is here!/);
        assert.match(request.options.smsFailover.text, /^Hi Ana, /);
        assert.equal(request.options.label, 'PROMOTIONAL');
        assert.match(m.callbackData ?? '', new RegExp(`"ContactKey":"viber-contact-${i}"`));
      }

      const reports = await eventually(async () => {
        const rows = await sandbox.connector.store.db.selectFrom('reports').selectAll().where('message_id', 'in', ids).where('status_group_name', '=', 'DELIVERED').execute();
        return rows.length === ids.length ? rows : undefined;
      }, 'a delivery report per message');
      assert.ok(reports.every((r) => r.channel === 'viber'));
      const rows = await reportRows(sandbox, 'omniReports', ids);
      assert.ok(rows.every((r) => r.statusGroupName === 'DELIVERED' && r.channel === 'Viber'));
    });
  });
}
