// WhatsApp template channel: compose rules with the guide's messageStatus strings, the legacy
// flat request validated against Infobip's own schema, the legacy 200 answer read from the spec's
// example, and the example execute end to end through the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OutboundMessage, RequestContext } from '../src/channels/channel.ts';
import { findChannel } from '../src/channels/registry.ts';
import { whatsapp } from '../src/channels/whatsapp.ts';
import { ActivityArguments } from '../src/journey/activity-arguments.ts';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import { loadInfobipSpec, requestBodyValidator, responseExample } from '../src/sandbox/openapi.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { reportRows, sendThroughSandbox } from './helpers/flow.ts';
import { type ExecuteBody, withArguments } from './helpers/execute-body.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const SPEC = 'infobip-whatsapp-openapi.json';
const PATH = '/whatsapp/1/message/template';
const template = loadExample('whatsapp');
const example = fillExample(template, { contactKey: 'contact-1', phone: '+447911123456' }) as ExecuteBody;

const argsWith = (set: Record<string, unknown> = {}, remove: string[] = []) => ActivityArguments.fromInArguments(withArguments(example, { set, remove }).inArguments);
const statusOf = (set: Record<string, unknown> = {}, remove: string[] = []) => {
  const composed = whatsapp.compose(argsWith(set, remove));
  return composed.ok ? 'ok' : composed.messageStatus;
};
const HEADER = ['headerType', 'headerMediaUrl'];

describe('WhatsApp compose', () => {
  test('the example composes into a template with body, IMAGE header and buttons', () => {
    const composed = whatsapp.compose(argsWith());
    assert.ok(composed.ok);
    assert.deepEqual(composed.content, {
      templateName: 'order_shipped',
      language: 'en_GB',
      placeholders: ['#{FirstName}', '8731', 'https://shop.example.com/orders/8731'],
      header: { type: 'IMAGE', mediaUrl: 'https://cdn.example.com/images/parcel.jpg' },
      buttons: [
        { type: 'QUICK_REPLY', parameter: 'delivery-ok-8731' },
        { type: 'URL', parameter: 'orders/8731/track' },
        { type: 'COPY_CODE', parameter: 'SHIP10' },
      ],
    });
  });

  test('the channel is found by its id and name', () => {
    assert.equal(findChannel('whatsapp'), whatsapp);
    assert.equal(findChannel('WhatsApp'), whatsapp);
  });

  test('template name: lowercase letters, digits and underscores, at most 512 → Invalid template name', () => {
    assert.equal(statusOf({ templateName: 'Order_Shipped' }), 'Error: Invalid template name');
    assert.equal(statusOf({ templateName: 'order shipped' }), 'Error: Invalid template name');
    assert.equal(statusOf({}, ['templateName']), 'Error: Invalid template name');
    assert.equal(statusOf({ templateName: 'a'.repeat(513) }), 'Error: Invalid template name');
    assert.equal(statusOf({ templateName: 'a'.repeat(512) }), 'ok');
  });

  test('language is required and must look like a WhatsApp language code', () => {
    assert.match(statusOf({}, ['language']), /^Error: Invalid request: language /);
    assert.match(statusOf({ language: 'english' }), /^Error: Invalid request: language /);
    assert.equal(statusOf({ language: 'pt_BR' }), 'ok');
    assert.equal(statusOf({ language: 'fil' }), 'ok');
  });

  test('body placeholders must not be empty → Invalid text length', () => {
    assert.equal(statusOf({ placeholders: ['Ana', ''] }), 'Error: Invalid text length');
    assert.equal(statusOf({ placeholders: ['Ana', null] }), 'Error: Invalid text length');
    assert.equal(statusOf({ placeholders: [] }), 'ok');
    assert.equal(statusOf({}, ['placeholders']), 'ok');
  });

  test('a body placeholder is at most 1,024 characters, 32,768 when the body is the only component → Invalid text length', () => {
    assert.equal(statusOf({ placeholders: ['x'.repeat(1025)] }), 'Error: Invalid text length');
    assert.equal(statusOf({ placeholders: ['x'.repeat(1024)] }), 'ok');
    assert.equal(statusOf({ placeholders: ['x'.repeat(1025)] }, [...HEADER, 'buttons']), 'ok');
    assert.equal(statusOf({ placeholders: ['x'.repeat(32769)] }, [...HEADER, 'buttons']), 'Error: Invalid text length');
  });

  test('placeholders must be a JSON list (also as a string holding one)', () => {
    assert.match(statusOf({ placeholders: 'Ana' }), /^Error: Invalid request: placeholders /);
    assert.equal(statusOf({ placeholders: '["Ana","8731"]' }), 'ok');
  });

  test('headerType must be one of the supported header types', () => {
    assert.match(statusOf({ headerType: 'GIF' }), /^Error: Invalid request: headerType /);
    assert.equal(statusOf({ headerType: 'video' }), 'ok');
  });

  test('header fields without headerType are refused', () => {
    assert.match(statusOf({}, ['headerType']), /^Error: Invalid request: headerMediaUrl needs headerType/);
  });

  test('a TEXT header placeholder is 1 to 60 characters → Invalid text length', () => {
    assert.equal(statusOf({ headerType: 'TEXT', headerPlaceholder: 'x'.repeat(61) }, ['headerMediaUrl']), 'Error: Invalid text length');
    assert.equal(statusOf({ headerType: 'TEXT' }, ['headerMediaUrl']), 'Error: Invalid text length');
    assert.equal(statusOf({ headerType: 'TEXT', headerPlaceholder: '#8731' }, ['headerMediaUrl']), 'ok');
  });

  test('a media header needs an http(s) URL of at most 2048 characters', () => {
    assert.match(statusOf({ headerMediaUrl: 'cdn.example.com/parcel.jpg' }), /^Error: Invalid request: headerMediaUrl /);
    assert.match(statusOf({ headerMediaUrl: `https://cdn.example.com/${'a'.repeat(2030)}` }), /^Error: Invalid request: headerMediaUrl /);
    assert.match(statusOf({}, ['headerMediaUrl']), /^Error: Invalid request: headerMediaUrl /);
  });

  test('a DOCUMENT header needs a filename of at most 240 characters', () => {
    assert.match(statusOf({ headerType: 'DOCUMENT' }), /^Error: Invalid request: headerFilename /);
    assert.match(statusOf({ headerType: 'DOCUMENT', headerFilename: 'a'.repeat(241) }), /^Error: Invalid request: headerFilename /);
    assert.equal(statusOf({ headerType: 'DOCUMENT', headerFilename: 'invoice-8731.pdf' }), 'ok');
  });

  test('a LOCATION header needs latitude -90…90 and longitude -180…180', () => {
    const location = (headerLatitude: unknown, headerLongitude: unknown) => statusOf({ headerType: 'LOCATION', headerLatitude, headerLongitude }, ['headerMediaUrl']);
    assert.match(location('91', '10'), /^Error: Invalid request: headerLatitude /);
    assert.match(location('north', '10'), /^Error: Invalid request: headerLatitude /);
    assert.match(location('45.8', '-181'), /^Error: Invalid request: headerLongitude /);
    assert.equal(location('45.815', 15.98), 'ok');
  });

  test('buttons: a list of at most 10 of QUICK_REPLY, URL, COPY_CODE', () => {
    const reply = { type: 'QUICK_REPLY', parameter: 'yes' };
    assert.match(statusOf({ buttons: Array(11).fill(reply) }), /^Error: Invalid request: buttons must be a list/);
    assert.match(statusOf({ buttons: { type: 'URL', parameter: 'x' } }), /^Error: Invalid request: buttons must be a list/);
    assert.match(statusOf({ buttons: [{ type: 'FLOW', parameter: 'x' }] }), /^Error: Invalid request: buttons\[0\]\.type /);
    assert.equal(statusOf({ buttons: Array(10).fill(reply) }), 'ok');
  });

  test('buttons: at most 2 dynamic URL and 1 copy code button', () => {
    const url = { type: 'URL', parameter: 'a' };
    const code = { type: 'COPY_CODE', parameter: 'A1' };
    assert.match(statusOf({ buttons: [url, url, url] }), /^Error: Invalid request: a template has at most 2 URL buttons/);
    assert.match(statusOf({ buttons: [code, code] }), /^Error: Invalid request: a template has at most 1 COPY_CODE button/);
  });

  test('button parameters: payload 1–128, code 1–15, URL suffix not empty', () => {
    assert.match(statusOf({ buttons: [{ type: 'QUICK_REPLY', parameter: 'x'.repeat(129) }] }), /^Error: Invalid request: buttons\[0\]\.parameter /);
    assert.match(statusOf({ buttons: [{ type: 'COPY_CODE', parameter: 'CODE-1234567890X' }] }), /^Error: Invalid request: buttons\[0\]\.parameter /);
    assert.match(statusOf({ buttons: [{ type: 'URL', parameter: ' ' }] }), /^Error: Invalid request: buttons\[0\]\.parameter /);
  });

  test('sender: a WhatsApp number in international format', () => {
    assert.ok(whatsapp.isValidSender('441134960000'));
    assert.ok(whatsapp.isValidSender('+441134960000'));
    assert.ok(!whatsapp.isValidSender('InfoWA'));
    assert.ok(!whatsapp.isValidSender('4411349600001234'));
  });
});

describe('WhatsApp request and response', () => {
  const spec = loadInfobipSpec(SPEC);
  const validate = requestBodyValidator(spec, PATH, 'post');
  const context: RequestContext = {
    bulkId: 'Order shipped WhatsApp',
    tracking: { shortenUrl: true, trackClicks: true, removeProtocol: false, customDomain: 'go.shop.example.com', trackingUrl: 'https://hooks.example.com/clicks' },
    deliveryReportUrl: 'https://relay.example.com/webhooks/t1/delivery',
    seenReportUrl: 'https://relay.example.com/webhooks/t1/seen',
    applicationId: 'mc-relay-acme',
  };
  const message = (id: string, destination: string, set: Record<string, unknown>, remove: string[] = []): OutboundMessage => {
    const composed = whatsapp.compose(argsWith(set, remove));
    assert.ok(composed.ok, JSON.stringify(composed));
    return { id, destination, sender: '+441134960000', content: composed.content, callbackData: `{"ContactKey":"${id}"}` };
  };
  const messages = [
    message('m-1', '447700900001', { placeholders: ['Ana', '8731', 'https://shop.example.com/o/8731'] }),
    message('m-2', '447700900002', { headerType: 'DOCUMENT', headerFilename: 'invoice.pdf', buttons: [] }),
    message('m-3', '447700900003', { headerType: 'LOCATION', headerLatitude: '51.5', headerLongitude: '-0.12' }, ['headerMediaUrl']),
  ];

  test('buildRequest for three messages validates against the spec and carries ids, webhooks, callback data, bulkId, URL options', () => {
    const body = whatsapp.buildRequest(messages, context) as { messages: Record<string, unknown>[]; bulkId: string };
    assert.equal(validate(body), true, JSON.stringify(validate.errors, null, 2));
    assert.equal(body.bulkId, context.bulkId);
    assert.deepEqual(body.messages.map((m) => [m.to, m.messageId]), [['447700900001', 'm-1'], ['447700900002', 'm-2'], ['447700900003', 'm-3']]);
    for (const [i, m] of body.messages.entries()) {
      assert.equal(m.from, '441134960000');
      assert.equal(m.notifyUrl, context.deliveryReportUrl);
      assert.equal(m.applicationId, context.applicationId, 'flat in this generation');
      assert.equal(m.callbackData, messages[i]!.callbackData);
      assert.deepEqual(m.urlOptions, context.tracking);
    }
    const content = body.messages[1]!.content as { templateData: Record<string, unknown> };
    assert.deepEqual(content.templateData.header, { type: 'DOCUMENT', mediaUrl: 'https://cdn.example.com/images/parcel.jpg', filename: 'invoice.pdf' });
    assert.equal(content.templateData.buttons, undefined);
  });

  test('without URL tracking there are no urlOptions, and the body still validates', () => {
    const body = whatsapp.buildRequest(messages.slice(0, 1), { ...context, tracking: undefined }) as { messages: Record<string, unknown>[] };
    assert.equal(validate(body), true, JSON.stringify(validate.errors, null, 2));
    assert.equal('urlOptions' in body.messages[0]!, false);
  });

  test('readResponse reads the spec\'s documented 200 answer', () => {
    const documented = responseExample(spec, PATH, 'post', 200) as { messages: { messageId: string; status: { name: string } }[] };
    const statuses = whatsapp.readResponse(documented);
    const first = documented.messages[0]!;
    assert.equal(statuses?.get(first.messageId)?.name, first.status.name);
    assert.equal(statuses?.get(first.messageId)?.groupName, 'PENDING');
    assert.equal(whatsapp.readResponse({ requestError: {} }), undefined);
  });
});

const phone = (i: number) => `+4479111234${String(i).padStart(2, '0')}`;

for (const dialect of testDialects) {
  describe(`WhatsApp from execute to a delivery report (${dialect})`, () => {
    let sandbox: Sandbox;
    let signer: ExecuteSigner;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      signer = new ExecuteSigner(sandbox.info.jwtSecret);
    });
    after(() => sandbox.close());

    test('executes answer pending, the template reaches Infobip merged, and a delivery report comes back', async () => {
      const contacts = Array.from({ length: 3 }, (_, i) => ({ contactKey: `wa-contact-${i}`, phone: phone(i) }));
      const { ids, sent } = await sendThroughSandbox(sandbox, signer, template, contacts);
      const first = sent[0]!;
      assert.equal(first.channel, 'WHATSAPP');
      assert.equal(first.path, PATH);
      assert.equal(first.destination, phone(0).slice(1));
      const request = first.request as { from: string; content: { templateData: { body: { placeholders: string[] } } }; urlOptions: unknown; callbackData: string };
      assert.equal(request.from, '441134960000');
      assert.deepEqual(request.content.templateData.body.placeholders, ['Ana', '8731', 'https://shop.example.com/orders/8731']);
      assert.deepEqual(request.urlOptions, { shortenUrl: true, trackClicks: true, removeProtocol: false });
      assert.match(request.callbackData, /"ContactKey":"wa-contact-0".*"TemplateName":"order_shipped".*"Campaign":"spring-orders"/);

      const rows = await reportRows(sandbox, 'omniReports', ids);
      assert.ok(rows.every((r) => r.statusGroupName === 'DELIVERED' && r.channel === 'WhatsApp'));
    });

    test("without a typed sender the tenant's WhatsApp sender is used; a malformed one answers Invalid from field", async () => {
      const body = withArguments(fillExample(template, { contactKey: 'wa-no-sender', phone: phone(9) }) as ExecuteBody, { remove: ['sender'] });
      const answer = await postExecute(sandbox.info.messageActivityUrl, await signer.sign(body));
      assert.equal(answer.body.messageStatus, 'Success: Message pending');
      const sent = await eventually(() => sandbox.infobip.sentMessages().get(String(answer.body.messageId)), 'the message at Infobip');
      assert.equal(sent.sender, '441134960000');
      const bad = withArguments(fillExample(template, { contactKey: 'wa-bad-sender', phone: phone(10) }) as ExecuteBody, { set: { sender: 'not a number' } });
      assert.equal((await postExecute(sandbox.info.messageActivityUrl, await signer.sign(bad))).body.messageStatus, 'Error: Invalid from field');
    });
  });
}
