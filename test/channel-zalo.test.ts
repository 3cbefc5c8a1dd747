// Zalo channel: the template id and registered-placeholder rules, the ZNS request validated
// against Infobip's own schema, the 200 answer read from the spec's example, and the example
// execute end to end through the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OutboundMessage, RequestContext } from '../src/channels/channel.ts';
import { findChannel } from '../src/channels/registry.ts';
import { zalo } from '../src/channels/zalo.ts';
import { ActivityArguments } from '../src/journey/activity-arguments.ts';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import { loadInfobipSpec, requestBodyValidator, responseExample } from '../src/sandbox/openapi.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { reportRows, sendThroughSandbox } from './helpers/flow.ts';
import { type ExecuteBody, withArguments } from './helpers/execute-body.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const SPEC = 'infobip-zalo-openapi.json';
const PATH = '/zalo/2/messages';
const SENDER = '4318274655102938471';
const template = loadExample('zalo');
const example = fillExample(template, { contactKey: 'contact-1', phone: '+84901234567' }) as ExecuteBody;

const argsWith = (set: Record<string, unknown> = {}, remove: string[] = []) => ActivityArguments.fromInArguments(withArguments(example, { set, remove }).inArguments);
const statusOf = (set: Record<string, unknown> = {}, remove: string[] = []) => {
  const composed = zalo.compose(argsWith(set, remove));
  return composed.ok ? 'ok' : composed.messageStatus;
};

describe('Zalo compose', () => {
  test('the example composes into the numeric template id and its registered placeholders', () => {
    const composed = zalo.compose(argsWith());
    assert.ok(composed.ok);
    assert.deepEqual(composed.content, { templateName: 322307, templateData: { customer_name: '#{FirstName}', order_code: 'ORD-8731', date: '21/03/2026' } });
  });

  test('the channel is found by its name; it has no URL tracking', () => {
    assert.equal(findChannel('Zalo'), zalo);
    assert.equal(zalo.urlTracking, false);
  });

  test('template name must be the numeric registered id → Invalid template name', () => {
    assert.equal(statusOf({ templateName: 'order_shipped' }), 'Error: Invalid template name');
    assert.equal(statusOf({ templateName: '3223.07' }), 'Error: Invalid template name');
    assert.equal(statusOf({}, ['templateName']), 'Error: Invalid template name');
    assert.equal(statusOf({ templateName: 322307 }), 'ok');
  });

  test('template name fits the spec\'s int32 → else Invalid template name', () => {
    assert.equal(statusOf({ templateName: '0' }), 'Error: Invalid template name');
    assert.equal(statusOf({ templateName: '2147483648' }), 'Error: Invalid template name');
    assert.equal(statusOf({ templateName: '2147483647' }), 'ok');
  });

  test('templatePlaceholders must list the registered placeholder names', () => {
    assert.match(statusOf({}, ['templatePlaceholders']), /^Error: Invalid request: templatePlaceholders /);
    assert.match(statusOf({ templatePlaceholders: 'customer_name' }), /^Error: Invalid request: templatePlaceholders /);
    assert.match(statusOf({ templatePlaceholders: ['customer_name', 'customer_name', 'order_code', 'date'] }), /^Error: Invalid request: templatePlaceholders /);
    assert.match(statusOf({ templatePlaceholders: ['customer name', 'order_code', 'date'] }), /^Error: Invalid request: templatePlaceholders /);
    assert.equal(statusOf({ templatePlaceholders: '["customer_name","order_code","date"]' }), 'ok');
  });

  test('data for a placeholder the template does not have is refused, naming it', () => {
    assert.equal(statusOf({ 'templateData.coupon': 'SPRING10' }), 'Error: Invalid request: templateData.coupon is not a placeholder of template 322307');
  });

  test('a registered placeholder without data is refused, naming it', () => {
    assert.equal(statusOf({}, ['templateData.date']), 'Error: Invalid request: templateData.date is missing (a placeholder of template 322307)');
    assert.equal(statusOf({ 'templateData.date': ' ' }), 'Error: Invalid request: templateData.date is missing (a placeholder of template 322307)');
  });

  test('a template without placeholders sends no data', () => {
    const composed = zalo.compose(argsWith({ templatePlaceholders: [] }, ['templateData.customer_name', 'templateData.order_code', 'templateData.date']));
    assert.ok(composed.ok);
    assert.deepEqual(composed.content, { templateName: 322307, templateData: {} });
  });

  test('sender: a Zalo Official Account id', () => {
    assert.ok(zalo.isValidSender(SENDER));
    assert.ok(!zalo.isValidSender('my OA'));
  });
});

describe('Zalo request and response', () => {
  const spec = loadInfobipSpec(SPEC);
  const validate = requestBodyValidator(spec, PATH, 'post');
  const context: RequestContext = {
    bulkId: 'Order shipped Zalo',
    tracking: undefined,
    deliveryReportUrl: 'https://relay.example.com/webhooks/t1/delivery',
    seenReportUrl: 'https://relay.example.com/webhooks/t1/seen',
    applicationId: 'mc-relay-acme',
  };
  const message = (id: string, destination: string, set: Record<string, unknown>, remove: string[] = []): OutboundMessage => {
    const composed = zalo.compose(argsWith(set, remove));
    assert.ok(composed.ok, JSON.stringify(composed));
    return { id, destination, sender: SENDER, content: composed.content, callbackData: `{"ContactKey":"${id}"}` };
  };
  const messages = [
    message('m-1', '84901234501', { 'templateData.customer_name': 'Ana' }),
    message('m-2', '84901234502', { 'templateData.customer_name': 'Minh' }),
    message('m-3', '84901234503', { templateName: '900025', templatePlaceholders: [] }, ['templateData.customer_name', 'templateData.order_code', 'templateData.date']),
  ];

  test('buildRequest for three messages validates against the spec and carries ids, webhooks, callback data, bulkId', () => {
    const body = zalo.buildRequest(messages, context) as { messages: Record<string, any>[]; options: Record<string, any> };
    assert.equal(validate(body), true, JSON.stringify(validate.errors, null, 2));
    assert.deepEqual(body.options, { schedule: { bulkId: context.bulkId } });
    for (const m of body.messages) assert.deepEqual(m.options.platform, { applicationId: context.applicationId });
    assert.deepEqual(body.messages.map((m) => m.destinations), [[{ to: '84901234501', messageId: 'm-1' }], [{ to: '84901234502', messageId: 'm-2' }], [{ to: '84901234503', messageId: 'm-3' }]]);
    assert.deepEqual(body.messages[0]!.content, { type: 'TEMPLATE', templateName: 322307, templateData: { customer_name: 'Ana', order_code: 'ORD-8731', date: '21/03/2026' } });
    assert.deepEqual(body.messages[2]!.content, { type: 'TEMPLATE', templateName: 900025 });
    for (const [i, m] of body.messages.entries()) {
      assert.equal(m.sender, SENDER);
      assert.equal(m.webhooks.delivery.url, context.deliveryReportUrl);
      assert.equal(m.webhooks.callbackData, messages[i]!.callbackData);
    }
  });

  test('a group with tracking still sends none (urlTracking is off), and the body validates', () => {
    const body = zalo.buildRequest(messages, { ...context, tracking: { shortenUrl: true, trackClicks: true, removeProtocol: false } }) as { options: Record<string, unknown> };
    assert.equal(validate(body), true, JSON.stringify(validate.errors, null, 2));
    assert.equal('tracking' in body.options, false);
  });

  test('the schema itself refuses a template id beyond int32, which compose refuses first', () => {
    const body = zalo.buildRequest([{ ...messages[0]!, content: { templateName: 3366070982, templateData: {} } }], context);
    assert.equal(validate(body), false);
  });

  test('readResponse reads the spec\'s documented 200 answer', () => {
    const documented = responseExample(spec, PATH, 'post', 200) as { messages: { messageId: string; status: { name: string } }[] };
    const first = documented.messages[0]!;
    assert.equal(zalo.readResponse(documented)?.get(first.messageId)?.name, first.status.name);
  });
});

const phone = (i: number) => `+849123456${String(i).padStart(2, '0')}`;

for (const dialect of testDialects) {
  describe(`Zalo from execute to a delivery report (${dialect})`, () => {
    let sandbox: Sandbox;
    let signer: ExecuteSigner;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      signer = new ExecuteSigner(sandbox.info.jwtSecret);
    });
    after(() => sandbox.close());

    test('executes answer pending, the template reaches Infobip merged, and a delivery report comes back', async () => {
      const contacts = Array.from({ length: 3 }, (_, i) => ({ contactKey: `zalo-contact-${i}`, phone: phone(i) }));
      const { ids, sent } = await sendThroughSandbox(sandbox, signer, template, contacts);
      const first = sent[0]!;
      assert.equal(first.channel, 'ZALO');
      assert.equal(first.path, PATH);
      assert.equal(first.destination, phone(0).slice(1));
      const request = first.request as { sender: string; content: { templateName: number; templateData: Record<string, string> }; webhooks: { callbackData: string } };
      assert.equal(request.sender, SENDER);
      assert.equal(request.content.templateName, 322307);
      assert.equal(request.content.templateData.customer_name, 'Ana');
      assert.match(request.webhooks.callbackData, /"ContactKey":"zalo-contact-0".*"TemplateName":"322307"/);

      const rows = await reportRows(sandbox, 'omniReports', ids);
      assert.ok(rows.every((r) => r.statusGroupName === 'DELIVERED' && r.channel === 'Zalo'));
    });

    test('data for an unregistered placeholder answers an error naming it, and nothing is sent', async () => {
      const body = withArguments(fillExample(template, { contactKey: 'zalo-extra', phone: phone(9) }) as ExecuteBody, { set: { 'templateData.coupon': 'SPRING10' } });
      const answer = await postExecute(sandbox.info.messageActivityUrl, await signer.sign(body));
      assert.equal(answer.body.messageStatus, 'Error: Invalid request: templateData.coupon is not a placeholder of template 322307');
    });
  });
}
