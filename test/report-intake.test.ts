// Every kind of webhook Infobip sends, in the shapes of the published specs (their documented
// examples, pointed at our messages), reaches the report store through the tenant's URLs: delivery
// reports of every channel and the Messages API, seen reports, URL click reports (one object,
// epoch-ms time) and inbound messages (MO_JSON_2 and MO_MESSAGES_API_JSON). Infobip's `+0000`
// times are read. A tenant that secured its subscriptions (Basic or HMAC) gets 401 for anything
// else on the URLs subscriptions feed (clicks, inbound), and nothing is stored.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { loadInfobipSpec, webhookExamples } from '../src/sandbox/openapi.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { contacts, demoTenant, executeAll, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

type Json = Record<string, any>;

/** Delivery and seen report webhooks, by spec file; every documented example is posted. */
const REPORT_WEBHOOKS: [file: string, webhook: string][] = [
  ['infobip-sms-openapi.json', 'receive-outbound-sms-message-reports-v3'],
  ['infobip-sms-openapi.json', 'receive-outbound-sms-message-reports'],
  ['infobip-mms-openapi.json', 'receive-outbound-mms-message-delivery-reports'],
  ['infobip-rcs-openapi.json', 'receive-outbound-rcs-message-delivery-reports'],
  ['infobip-viber-openapi.json', 'receive-outbound-viber-message-delivery-reports'],
  ['infobip-whatsapp-openapi.json', 'receive-whatsapp-delivery-reports'],
  ['infobip-kakao-openapi.json', 'receive-outbound-kakao-alim-message-delivery-reports'],
  ['infobip-zalo-openapi.json', 'receive-outbound-zalo-delivery-reports'],
  ['infobip-messages-api-openapi.json', 'receive-messages-api-delivery-reports'],
  ['infobip-viber-openapi.json', 'receive-viber-seen-reports'],
  ['infobip-whatsapp-openapi.json', 'receive-whatsapp-seen-reports'],
  ['infobip-messages-api-openapi.json', 'receive-messages-api-seen-reports'],
];
const examples = (file: string, webhook: string) => webhookExamples(loadInfobipSpec(file), webhook).map((e) => e.value as Json);

for (const dialect of testDialects) {
  describe(`webhook intake (${dialect})`, () => {
    let sandbox: Sandbox;
    let tenant: TestTenant;
    let ids: string[] = [];
    let phones = 2000;
    const db = () => sandbox.connector.store.db;
    /** Our messages, one per result to place; Infobip's own reports for them are dropped. */
    const ourMessages = async (count: number) => {
      const list = await executeAll(tenant, contacts(uniquePrefix('intake'), count, phones), 20);
      phones += count;
      // Infobip reports only what it was sent.
      await eventually(() => list.every((id) => sandbox.infobip.sentMessages().has(id)) || undefined, 'sent');
      return list;
    };
    const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const admin = (path: string, body: unknown) =>
      fetch(`${sandbox.info.adminUrl}${path}`, { method: 'PATCH', headers: { authorization: `Bearer ${sandbox.info.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      tenant = await demoTenant(sandbox);
      sandbox.infobip.setFaults({ webhookDropRate: 1 });
      ids = await ourMessages(40);
    });
    after(() => sandbox.close());

    test('delivery and seen reports of every channel and the Messages API are stored with their times', async () => {
      let next = 0;
      for (const [file, webhook] of REPORT_WEBHOOKS) {
        for (const body of examples(file, webhook)) {
          const placed: Json[] = (body.results as Json[]).map((r) => ({ ...r, messageId: ids[next++] }));
          const url = webhook.includes('seen') ? sandbox.info.webhooks.seenReports! : sandbox.info.webhooks.deliveryReports!;
          const answer = await post(url, { ...body, results: placed });
          assert.equal(answer.status, 200, `${webhook}: ${await answer.text()}`);
          const stored = await db().selectFrom('reports').selectAll().where('message_id', 'in', placed.map((r) => r.messageId)).execute();
          assert.equal(stored.length, placed.length, `${webhook}: every result stored`);
          for (const result of placed) {
            const row = stored.find((r) => r.message_id === result.messageId)!;
            if (result.status) assert.equal(row.status_name, result.status.name, webhook);
            const time = result.seenAt ?? result.doneAt;
            if (time) {
              assert.equal(Date.parse(String(row.seen_at ?? row.done_at)), Date.parse(String(time).replace(/([+-]\d\d)(\d\d)$/, '$1:$2')), `${webhook}: the +0000 time`);
              assert.match(String(row.seen_at ?? row.done_at), /Z$/);
            }
          }
        }
      }
    });

    test('URL click reports (not wrapped, epoch-ms sendDateTime) of SMS and MMS are stored', async () => {
      const [sms, mms] = [examples('infobip-sms-openapi.json', 'receive-sms-tracking-notification')[0]!, examples('infobip-mms-openapi.json', 'receive-mms-tracking-notification')[0]!];
      const [a, b] = await ourMessages(2);
      for (const [body, id] of [[sms, a], [mms, b]] as const) {
        const answer = await post(sandbox.info.webhooks.clicks!, { ...body, messageId: id });
        assert.equal(answer.status, 200, await answer.text());
        const [click] = await db().selectFrom('url_clicks').selectAll().where('message_id', '=', id!).execute();
        assert.equal(click?.url, body.url);
        assert.equal(click?.clicked_at, new Date(body.sendDateTime).toISOString());
        assert.equal(click?.device_type, body.recipientInfo.deviceType);
      }
      // The same click again changes nothing.
      assert.equal((await post(sandbox.info.webhooks.clicks!, { ...sms, messageId: a })).status, 200);
      assert.equal((await db().selectFrom('url_clicks').selectAll().where('message_id', '=', a!).execute()).length, 1);
    });

    test('inbound messages: MO_JSON_2 and every MO_MESSAGES_API_JSON example; typing indicators are skipped', async () => {
      const sms = examples('infobip-sms-openapi.json', 'receive-inbound-sms-messages');
      const messagesApi = examples('infobip-messages-api-openapi.json', 'receive-messages-api-incoming-messages');
      let expected = 0;
      for (const [index, body] of [...sms, ...messagesApi].entries()) {
        // Each example under its own id: several share the spec's sample messageId.
        const results: Json[] = (body.results as Json[]).map((r, i) => ({ ...r, messageId: `${dialect}-mo-${index}-${i}` }));
        expected += results.filter((r) => r.event === undefined || r.event === 'MO').length;
        const answer = await post(sandbox.info.webhooks.inbound!, { ...body, results });
        assert.equal(answer.status, 200, await answer.text());
      }
      const stored = await db().selectFrom('inbound_messages').selectAll().where('id', 'like', `${dialect}-mo-%`).execute();
      assert.equal(stored.length, expected);
      const sample = stored.find((m) => m.id === `${dialect}-mo-0-0`)!;
      assert.deepEqual([sample.text, sample.keyword, sample.received_at], ['QUIZ Correct answer is Paris', 'QUIZ', '2019-11-09T16:00:00.000Z']);
      // WhatsApp media: the URL and the caption, which is the reply's text.
      for (const type of ['IMAGE', 'VIDEO', 'DOCUMENT']) {
        const media = stored.find((m) => m.content_type === type)!;
        assert.deepEqual([media.channel, media.media_url?.startsWith('http://my.domain/'), media.text?.endsWith('caption')], ['whatsapp', true, true], type);
      }
      assert.ok(stored.some((m) => m.content_type === 'BUTTON_REPLY'));
    });

    test('a wrong token, or an empty or non-JSON body, answers without storing anything', async () => {
      const wrong = sandbox.info.webhooks.inbound!.replace(/\/hooks\/[^/]+/, '/hooks/not-a-token');
      assert.equal((await post(wrong, { results: [] })).status, 401);
      assert.equal((await post(sandbox.info.webhooks.inbound!, 'not json')).status, 400);
      assert.equal((await post(sandbox.info.webhooks.clicks!, { url: 'https://x.example' })).status, 400);
    });

    test('a click time no Date can hold is a 400 naming sendDateTime, not a server error (found by a CI seed)', async () => {
      const [id] = await ourMessages(1);
      for (const sendDateTime of [-1.2941882545398292e261, 1e300, -1, 1.5]) {
        const answer = await post(sandbox.info.webhooks.clicks!, { results: [{ messageId: id, url: 'https://x.example', sendDateTime }] });
        assert.equal(answer.status, 400, String(sendDateTime));
        assert.match(await answer.text(), /sendDateTime/);
      }
      assert.equal((await db().selectFrom('url_clicks').selectAll().where('message_id', '=', id!).execute()).length, 0);
    });

    test('Basic subscription security: requests without the credentials get 401 and store nothing', async () => {
      assert.equal((await admin(`/tenants/${tenant.id}/reports`, { webhookSecurity: { type: 'BASIC', username: 'infobip', password: 's3cret-pass' } })).status, 200);
      try {
        const body = { results: [{ messageId: `${dialect}-basic-1`, from: '491511234567', to: '4915799912345', text: 'hi', receivedAt: '2024-01-01T10:00:00.000+0000' }] };
        const good = `Basic ${Buffer.from('infobip:s3cret-pass').toString('base64')}`;
        const bad = `Basic ${Buffer.from('infobip:guess').toString('base64')}`;
        assert.equal((await post(sandbox.info.webhooks.inbound!, body)).status, 401);
        const refused = await post(sandbox.info.webhooks.inbound!, body, { authorization: bad });
        assert.equal(refused.status, 401);
        assert.deepEqual(await refused.json(), { error: 'unauthorized' }, 'nothing said about why');
        assert.equal((await db().selectFrom('inbound_messages').selectAll().where('id', '=', `${dialect}-basic-1`).execute()).length, 0);
        assert.equal((await post(sandbox.info.webhooks.inbound!, body, { authorization: good })).status, 200);
        assert.equal((await db().selectFrom('inbound_messages').selectAll().where('id', '=', `${dialect}-basic-1`).execute()).length, 1);
        assert.equal((await post(sandbox.info.webhooks.clicks!, { messageId: ids[0], url: 'https://x.example', sendDateTime: 1 })).status, 401, 'clicks come through subscriptions too');
        // Delivery reports come to the URL we put on each message, which Infobip never signs: the token suffices.
        const report = examples('infobip-sms-openapi.json', 'receive-outbound-sms-message-reports-v3')[0]!;
        assert.equal((await post(sandbox.info.webhooks.deliveryReports!, { results: [{ ...report.results[0], messageId: ids[0] }] })).status, 200);
        const described = (await (await fetch(`${sandbox.info.adminUrl}/tenants/${tenant.id}`, { headers: { authorization: `Bearer ${sandbox.info.adminToken}` } })).json()) as Json;
        assert.equal(described.reports.webhookSecurity, 'BASIC');
        assert.ok(!JSON.stringify(described).includes('s3cret-pass'), 'the password is never shown');
      } finally {
        await admin(`/tenants/${tenant.id}/reports`, { webhookSecurity: null });
      }
    });

    test('HMAC subscription security: the simulator signs what it posts; a wrong signature gets 401', async () => {
      const secretKey = 'hmac-secret-key-1';
      assert.equal((await admin(`/tenants/${tenant.id}/reports`, { webhookSecurity: { type: 'HMAC', algorithm: 'HMAC_SHA_256', secretKey } })).status, 200);
      try {
        const body = JSON.stringify({ results: [{ messageId: `${dialect}-hmac-1`, from: '491511234568', to: '4915799912345', text: 'hi' }] });
        assert.equal((await post(sandbox.info.webhooks.inbound!, body, { 'x-infobip-signature': 'deadbeef' })).status, 401);
        const signature = createHmac('sha256', secretKey).update(body).digest('hex');
        assert.equal((await post(sandbox.info.webhooks.inbound!, body, { 'x-infobip-signature': signature })).status, 200);
        // Infobip (the simulator) signing a subscription's notifications.
        sandbox.infobip.setFaults({ webhookDropRate: 0 });
        sandbox.infobip.subscribe({
          events: ['INBOUND_MESSAGE'],
          format: 'MO_JSON_2',
          profile: { webhook: { notifyUrl: sandbox.info.webhooks.inbound! }, security: { type: 'HMAC', credentials: { secretKey, algorithm: 'HMAC_SHA_256' } } },
        });
        const reply = sandbox.infobip.reply({ from: '491511234569', to: '4915799912345', text: 'signed' });
        await eventually(async () => (await db().selectFrom('inbound_messages').selectAll().where('id', '=', reply.messageId).execute()).length === 1 || undefined, 'the signed reply');
      } finally {
        await admin(`/tenants/${tenant.id}/reports`, { webhookSecurity: null });
        sandbox.infobip.subscribe({ events: ['INBOUND_MESSAGE'], format: 'MO_MESSAGES_API_JSON', profile: { webhook: { notifyUrl: sandbox.info.webhooks.inbound! } } });
      }
    });
  });
}
