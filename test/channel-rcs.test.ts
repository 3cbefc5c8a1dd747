// RCS: compose validates the example and each rule with its exact messageStatus; buildRequest
// bodies validate against the published spec; the spec's 200 example is read; and the example
// goes through the sandbox to Infobip's /rcs/2/messages and back as a delivery report.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OutboundMessage, RequestContext } from '../src/channels/channel.ts';
import { rcs } from '../src/channels/rcs.ts';
import { ActivityArguments } from '../src/journey/activity-arguments.ts';
import { ExecuteSigner, fillExample, loadExample } from '../src/sandbox/journey-builder.ts';
import { loadInfobipSpec, requestBodyValidator, responseExample } from '../src/sandbox/openapi.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { reportRows, sendThroughSandbox } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const PATH = '/rcs/2/messages';
const spec = loadInfobipSpec('infobip-rcs-openapi.json');
const template = loadExample('rcs');
const example = fillExample(template, { contactKey: 'contact-1', phone: '+4915112345678' }) as { inArguments: Record<string, unknown>[] };
const exampleValue = (name: string) => example.inArguments.find((a) => name in a)![name] as any;
const card = exampleValue('card');

/** The example's inArguments with `changes` applied (an undefined value removes the argument). */
function args(changes: Record<string, unknown> = {}): ActivityArguments {
  const entries = new Map<string, unknown>(example.inArguments.flatMap((a) => Object.entries(a)));
  for (const [k, v] of Object.entries(changes)) if (v === undefined) entries.delete(k); else entries.set(k, v);
  return new ActivityArguments(entries);
}
function composed(changes: Record<string, unknown> = {}): Record<string, any> {
  const result = rcs.compose(args(changes));
  assert.ok(result.ok, result.ok ? '' : result.messageStatus);
  return result.content;
}
const statusOf = (changes: Record<string, unknown>) => {
  const result = rcs.compose(args(changes));
  return result.ok ? 'composed' : result.messageStatus;
};
const withSuggestion = (suggestion: Record<string, unknown>) => ({ suggestions: [suggestion] });
const INVALID = /^Error: Invalid request: /;

describe('RCS compose', () => {
  test('the example composes into the spec card content, suggestions on the card and the message', () => {
    const content = composed();
    assert.equal(content.type, 'CARD');
    assert.equal(content.orientation, 'HORIZONTAL');
    assert.equal(content.alignment, 'LEFT');
    assert.deepEqual(content.content.media, { file: { url: card.mediaUrl }, height: 'MEDIUM' });
    assert.deepEqual(content.content.suggestions.map((s: any) => s.type), ['OPEN_URL', 'REPLY']);
    assert.deepEqual(content.suggestions.map((s: any) => s.type), ['DIAL_PHONE', 'SHOW_LOCATION', 'REQUEST_LOCATION', 'CREATE_CALENDAR_EVENT']);
    // Calendar times in Infobip's yyyy-MM-dd'T'HH:mm:ss.SSSZ, same instant.
    assert.equal(content.suggestions[3].startTime, '2035-04-05T08:00:00.000+0000');
  });

  test("the guide's suggestion names are read, postbackData defaults to the text", () => {
    const content = composed({
      messageType: 'text',
      text: 'Hello',
      suggestions: [
        { type: 'Open URL', text: 'Open', url: 'https://example.com' },
        { type: 'Calendar event', text: 'Save', startTime: '2035-01-01T10:00:00Z', endTime: '2035-01-01T11:00:00Z', title: 'Sale' },
      ],
    });
    assert.deepEqual(content.suggestions[0], { type: 'OPEN_URL', text: 'Open', postbackData: 'Open', url: 'https://example.com', application: 'BROWSER' });
    assert.equal(content.suggestions[1].type, 'CREATE_CALENDAR_EVENT');
  });

  test('messageType must be TEXT, FILE, CARD or CAROUSEL', () => {
    assert.match(statusOf({ messageType: 'VIDEO' }), /^Error: Invalid request: messageType/);
  });

  test('text: 1 to 3,072 characters → Invalid text length', () => {
    const text = (t: string | undefined) => statusOf({ messageType: 'TEXT', text: t });
    assert.equal(text('x'.repeat(3072)), 'composed');
    assert.equal(text('x'.repeat(3073)), 'Error: Invalid text length');
    assert.equal(text(undefined), 'Error: Invalid text length');
  });

  test('file: an http(s) fileUrl, a thumbnail that is an image URL', () => {
    const file = { messageType: 'FILE', fileUrl: 'https://cdn.example.com/v.mp4' };
    assert.equal(statusOf({ ...file, thumbnailUrl: 'https://cdn.example.com/t.jpg' }), 'composed');
    assert.match(statusOf({ ...file, fileUrl: 'ftp://cdn.example.com/v.mp4' }), /^Error: Invalid request: fileUrl/);
    assert.match(statusOf({ ...file, fileUrl: `https://cdn.example.com/${'v'.repeat(2048)}` }), /^Error: Invalid request: fileUrl/);
    assert.equal(statusOf({ ...file, thumbnailUrl: 'thumbnail.jpg' }), 'Error: Invalid image url length');
  });

  test('card orientation and alignment are the spec enums', () => {
    assert.match(statusOf({ cardOrientation: 'DIAGONAL' }), /^Error: Invalid request: cardOrientation/);
    assert.match(statusOf({ cardAlignment: 'CENTER' }), /^Error: Invalid request: cardAlignment/);
  });

  test('a card needs a title or media', () => {
    assert.equal(statusOf({ card: { description: 'Only a description' } }), 'Error: Invalid request: card needs a title or a mediaUrl');
    assert.equal(statusOf({ card: { title: 'Only a title' } }), 'composed');
  });

  test('card title ≤ 200, description ≤ 2,000', () => {
    assert.match(statusOf({ card: { ...card, title: 'x'.repeat(201) } }), /^Error: Invalid request: card\.title/);
    assert.match(statusOf({ card: { ...card, description: 'x'.repeat(2001) } }), /^Error: Invalid request: card\.description/);
  });

  test('card media: http(s) URL, height SHORT/MEDIUM/TALL, image thumbnail', () => {
    assert.match(statusOf({ card: { ...card, mediaUrl: 'cdn.example.com/a.jpg' } }), /^Error: Invalid request: card\.mediaUrl/);
    assert.match(statusOf({ card: { ...card, mediaHeight: 'HUGE' } }), /^Error: Invalid request: card\.mediaHeight/);
    assert.equal(statusOf({ card: { ...card, thumbnailUrl: 'not a url' } }), 'Error: Invalid image url length');
  });

  test('at most 4 suggestions on a card, 11 on the message', () => {
    const reply = { type: 'REPLY', text: 'Yes' };
    assert.match(statusOf({ card: { ...card, suggestions: Array(5).fill(reply) } }), /^Error: Invalid request: card\.suggestions/);
    assert.equal(statusOf({ suggestions: Array(11).fill(reply) }), 'composed');
    assert.match(statusOf({ suggestions: Array(12).fill(reply) }), /^Error: Invalid request: suggestions must be/);
    assert.match(statusOf({ suggestions: '[not json' }), /^Error: Invalid request: suggestions must be/);
  });

  test('a carousel has 2 to 10 cards and a SMALL or MEDIUM width', () => {
    const carousel = (cards: unknown[], cardWidth?: string) => statusOf({ messageType: 'CAROUSEL', cards, cardWidth });
    assert.equal(carousel([card, card]), 'composed');
    assert.match(carousel([card]), /^Error: Invalid request: cards must be/);
    assert.match(carousel(Array(11).fill(card)), /^Error: Invalid request: cards must be/);
    assert.match(carousel([card, { title: 'x'.repeat(201) }]), /^Error: Invalid request: cards\[1\]\.title/);
    assert.match(carousel([card, card], 'LARGE'), /^Error: Invalid request: cardWidth/);
  });

  test('suggestion type is one of the six', () => {
    assert.match(statusOf(withSuggestion({ type: 'SHARE', text: 'Share' })), /^Error: Invalid request: suggestions\[0\]\.type/);
  });

  test('suggestion text: 1 to 25 characters → Invalid button text length', () => {
    assert.equal(statusOf(withSuggestion({ type: 'REPLY', text: 'x'.repeat(25) })), 'composed');
    assert.equal(statusOf(withSuggestion({ type: 'REPLY', text: 'x'.repeat(26) })), 'Error: Invalid button text length');
    assert.equal(statusOf(withSuggestion({ type: 'REPLY', text: '' })), 'Error: Invalid button text length');
  });

  test('postbackData is at most 2,024 characters', () => {
    assert.match(statusOf(withSuggestion({ type: 'REPLY', text: 'Yes', postbackData: 'x'.repeat(2025) })), /postbackData/);
  });

  test('open URL: an http(s) URL of ≤ 2,048 → Invalid button url length', () => {
    assert.equal(statusOf(withSuggestion({ type: 'OPEN_URL', text: 'Open', url: 'mailto:a@example.com' })), 'Error: Invalid button url length');
    assert.equal(statusOf(withSuggestion({ type: 'OPEN_URL', text: 'Open', url: `https://example.com/${'x'.repeat(2048)}` })), 'Error: Invalid button url length');
  });

  test('open URL: application BROWSER or WEBVIEW, a webview needs its view mode', () => {
    const open = { type: 'OPEN_URL', text: 'Open', url: 'https://example.com' };
    assert.match(statusOf(withSuggestion({ ...open, application: 'APP' })), /application/);
    assert.match(statusOf(withSuggestion({ ...open, application: 'WEBVIEW' })), /webviewViewMode/);
    assert.equal(statusOf(withSuggestion({ ...open, application: 'WEBVIEW', webviewViewMode: 'HALF' })), 'composed');
  });

  test('dial phone: + and up to 15 digits', () => {
    assert.equal(statusOf(withSuggestion({ type: 'DIAL_PHONE', text: 'Call', phoneNumber: '+44 113 496 0000' })), 'composed');
    assert.match(statusOf(withSuggestion({ type: 'DIAL_PHONE', text: 'Call', phoneNumber: '+1234567890123456' })), /phoneNumber/);
    assert.match(statusOf(withSuggestion({ type: 'DIAL_PHONE', text: 'Call' })), /phoneNumber/);
  });

  test('show location: latitude in ±90, longitude in ±180, label ≤ 100', () => {
    const at = { type: 'SHOW_LOCATION', text: 'Find us', latitude: '45.8', longitude: 15.9 };
    assert.equal(statusOf(withSuggestion(at)), 'composed');
    assert.match(statusOf(withSuggestion({ ...at, latitude: 91 })), INVALID);
    assert.match(statusOf(withSuggestion({ ...at, longitude: 'east' })), INVALID);
    assert.match(statusOf(withSuggestion({ ...at, label: 'x'.repeat(101) })), /label/);
  });

  test('calendar event: start in the future, end after start, title ≤ 100, description ≤ 500', () => {
    const event = { type: 'CREATE_CALENDAR_EVENT', text: 'Save', startTime: '2035-01-01T10:00:00.000+0100', endTime: '2035-01-01T11:00:00.000+0100', title: 'Sale' };
    assert.equal(statusOf(withSuggestion(event)), 'composed');
    assert.match(statusOf(withSuggestion({ ...event, startTime: '2020-01-01T10:00:00.000+0000' })), /startTime/);
    assert.match(statusOf(withSuggestion({ ...event, endTime: event.startTime })), /endTime/);
    assert.match(statusOf(withSuggestion({ ...event, startTime: 'next Monday' })), /startTime/);
    assert.match(statusOf(withSuggestion({ ...event, title: undefined })), /title/);
    assert.match(statusOf(withSuggestion({ ...event, description: 'x'.repeat(501) })), /description/);
  });

  test('the sender is a registered agent name: printable, not blank', () => {
    assert.equal(rcs.senderRequired, true);
    assert.ok(rcs.isValidSender('McRelayShop'));
    assert.ok(!rcs.isValidSender(' padded'));
    assert.ok(!rcs.isValidSender('line\nbreak'));
    assert.ok(!rcs.isValidSender('x'.repeat(101)));
  });
});

describe('RCS request', () => {
  const context: RequestContext = {
    bulkId: 'Spring sale RCS',
    tracking: { shortenUrl: true, trackClicks: true, removeProtocol: false, trackingUrl: 'https://relay.example.com/clicks' },
    deliveryReportUrl: 'https://relay.example.com/hooks/t/delivery-reports',
    seenReportUrl: 'https://relay.example.com/hooks/t/seen-reports',
    applicationId: 'mc-relay-acme',
  };
  const contents = [
    composed(),
    composed({ messageType: 'TEXT', text: 'Hello Ana', suggestions: [{ type: 'REPLY', text: 'Hi' }] }),
    composed({ messageType: 'FILE', fileUrl: 'https://cdn.example.com/v.mp4', thumbnailUrl: 'https://cdn.example.com/t.jpg', suggestions: undefined }),
    composed({ messageType: 'CAROUSEL', cards: [card, { title: 'Second' }], cardWidth: 'SMALL' }),
  ];
  const messages: OutboundMessage[] = contents.map((content, i) => ({
    id: `msg-${i}`,
    destination: `4915112345${i}`,
    sender: 'McRelayShop',
    content,
    callbackData: i === 2 ? null : `{"ContactKey":"c-${i}"}`,
  }));
  const body = rcs.buildRequest(messages, context) as any;

  test('every content type validates against the spec request schema', () => {
    const validate = requestBodyValidator(spec, PATH, 'post');
    assert.equal(validate(body), true, JSON.stringify(validate.errors, null, 2));
  });

  test('our messageId per destination, the application, delivery and seen webhooks, callbackData', () => {
    for (const [i, m] of body.messages.entries()) {
      assert.deepEqual(m.destinations, [{ to: messages[i]!.destination, messageId: messages[i]!.id }]);
      assert.equal(m.sender, 'McRelayShop');
      assert.deepEqual(m.options, { platform: { applicationId: context.applicationId } });
      assert.equal(m.webhooks.delivery.url, context.deliveryReportUrl);
      assert.equal(m.webhooks.seen.url, context.seenReportUrl);
      assert.equal(m.webhooks.callbackData, messages[i]!.callbackData ?? undefined);
    }
  });

  test('bulkId, tracking, and no message ordering across contacts', () => {
    assert.deepEqual(body.options, { schedule: { bulkId: context.bulkId }, tracking: context.tracking, messageOrdering: { respectOrder: false } });
  });

  test("reads the spec's documented 200 answer", () => {
    const answer = responseExample(spec, PATH, 'post', 200) as any;
    const statuses = rcs.readResponse(answer);
    assert.deepEqual(statuses?.get(answer.messages[0].messageId), answer.messages[0].status);
  });
});

const ALL_DELIVERED = { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 };

for (const dialect of testDialects) {
  describe(`RCS through the sandbox (${dialect})`, () => {
    let sandbox: Sandbox;
    let signer: ExecuteSigner;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: ALL_DELIVERED });
      signer = new ExecuteSigner(sandbox.info.jwtSecret);
    });
    after(() => sandbox.close());

    test('executes are pending, reach /rcs/2/messages with merge fields filled, and come back as delivery reports', async () => {
      const contacts = Array.from({ length: 3 }, (_, i) => ({ contactKey: `rcs-contact-${i}`, phone: `+49151${20_000_000 + i}` }));
      const { ids, sent } = await sendThroughSandbox(sandbox, signer, template, contacts);
      for (const [i, m] of sent.entries()) {
        assert.equal(m.channel, 'RCS');
        assert.equal(m.path, PATH);
        assert.equal(m.destination, contacts[i]!.phone.slice(1));
        assert.equal(m.sender, 'McRelayShop');
        assert.match(m.seenUrl ?? '', /\/seen-reports$/);
        const request = m.request as any;
        assert.equal(request.content.content.title, 'Ana, your spring picks are here');
        assert.match(m.callbackData ?? '', new RegExp(`"ContactKey":"rcs-contact-${i}"`));
      }

      const reports = await eventually(async () => {
        const rows = await sandbox.connector.store.db.selectFrom('reports').selectAll().where('message_id', 'in', ids).where('status_group_name', '=', 'DELIVERED').execute();
        return rows.length === ids.length ? rows : undefined;
      }, 'a delivery report per message');
      assert.ok(reports.every((r) => r.channel === 'rcs'));
      const rows = await reportRows(sandbox, 'omniReports', ids);
      assert.ok(rows.every((r) => r.statusGroupName === 'DELIVERED' && r.channel === 'RCS'));
    });
  });
}
