// The Infobip simulator plays the recipients: clicks and replies, posted as Infobip posts them.
// Every body received is checked against the spec's own webhook schema (click reports not wrapped
// in `results`, inbound SMS `MO_JSON_2`, Messages API `MO_MESSAGES_API_JSON`), and a subscription's
// security is applied (Basic credentials, or the HMAC of the raw body).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { loadInfobipSpec, toViolations, webhookBodyValidator } from '../src/sandbox/openapi.ts';
import { type InfobipSimulator, startInfobipSimulator } from '../src/sandbox/infobip/simulator.ts';
import { eventually } from './helpers/eventually.ts';

const KEY = 'engagement-key';
const sms = loadInfobipSpec('infobip-sms-openapi.json');
const validators = {
  '/click': webhookBodyValidator(sms, 'receive-sms-tracking-notification'),
  '/mo': webhookBodyValidator(sms, 'receive-inbound-sms-messages'),
  '/messages-api': webhookBodyValidator(loadInfobipSpec('infobip-messages-api-openapi.json'), 'receive-messages-api-incoming-messages'),
};

describe('Infobip simulator: clicks and replies', () => {
  let sim: InfobipSimulator;
  let receiver: FastifyInstance;
  let base = '';
  const received: { path: string; body: any; raw: string; headers: Record<string, unknown> }[] = [];
  const invalid: unknown[] = [];

  before(async () => {
    receiver = Fastify({ logger: false });
    receiver.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    for (const path of Object.keys(validators) as (keyof typeof validators)[]) {
      receiver.post(path, async (req) => {
        const body = JSON.parse(req.body as string);
        if (!validators[path](body)) invalid.push({ path, body, errors: toViolations(validators[path].errors) });
        received.push({ path, body, raw: req.body as string, headers: req.headers });
        return {};
      });
    }
    await receiver.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}`;
    sim = await startInfobipSimulator({ apiKeys: [KEY], deliveryDelayMs: 5 });
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  const send = async (body: unknown) => {
    const response = await fetch(`${sim.url}/sms/3/messages`, { method: 'POST', headers: { authorization: `App ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(response.status, 200);
    return ((await response.json()) as { messages: { messageId: string }[] }).messages[0]!.messageId;
  };

  test('a click goes to the message\'s trackingUrl as one UrlTrackingWebhook object with epoch-ms time', async () => {
    const id = await send({
      messages: [{ sender: 'Shop', destinations: [{ to: '41793026727' }], content: { text: 'See https://shop.example.com/a now' }, webhooks: { callbackData: 'cb-1' } }],
      options: { tracking: { shortenUrl: true, trackClicks: true, trackingUrl: `${base}/click` } },
    });
    const answer = sim.click(id);
    assert.deepEqual(answer, { url: 'https://shop.example.com/a', notifyUrls: [`${base}/click`] });
    const post = await eventually(() => received.find((r) => r.path === '/click' && r.body.messageId === id), 'the click');
    assert.equal(post.body.results, undefined, 'not wrapped');
    assert.equal(typeof post.body.sendDateTime, 'number');
    assert.equal(post.body.callbackData, 'cb-1');
    assert.equal(post.body.recipient, '41793026727');
  });

  test('without a trackingUrl the CLICK subscription gets it, with its Basic credentials', async () => {
    sim.subscribe({ events: ['CLICK'], profile: { webhook: { notifyUrl: `${base}/click` }, security: { type: 'BASIC', credentials: { username: 'u1', password: 'p1' } } } });
    const id = await send({ messages: [{ sender: 'Shop', destinations: [{ to: '41793026728' }], content: { text: 'Hi' } }] });
    sim.click(id, 'https://other.example.com/');
    const post = await eventually(() => received.find((r) => r.path === '/click' && r.body.messageId === id), 'the click');
    assert.equal(post.headers.authorization, `Basic ${Buffer.from('u1:p1').toString('base64')}`);
    assert.equal(post.body.url, 'https://other.example.com/');
  });

  test('replies in MO_JSON_2 to the latest sender, then in MO_MESSAGES_API_JSON with media and suggestions, signed with HMAC', async () => {
    sim.subscribe({ events: ['INBOUND_MESSAGE'], format: 'MO_JSON_2', profile: { webhook: { notifyUrl: `${base}/mo` } } });
    await send({ messages: [{ sender: '4915799912345', destinations: [{ to: '41793026729' }], content: { text: 'Reply YES' } }] });
    const text = sim.reply({ from: '41793026729', text: 'YES' });
    const mo = await eventually(() => received.find((r) => r.path === '/mo' && r.body.results[0].messageId === text.messageId), 'the MO_JSON_2 reply');
    assert.deepEqual([mo.body.results[0].from, mo.body.results[0].to, mo.body.results[0].text], ['41793026729', '4915799912345', 'YES']);
    assert.match(mo.body.results[0].receivedAt, /\+0000$/);

    const secretKey = 'sim-hmac-key';
    sim.subscribe({
      events: ['INBOUND_MESSAGE'],
      format: 'MO_MESSAGES_API_JSON',
      profile: { webhook: { notifyUrl: `${base}/messages-api` }, security: { type: 'HMAC', credentials: { secretKey, algorithm: 'HMAC_SHA_256' } } },
    });
    const replies = [
      sim.reply({ from: '41793026729', type: 'IMAGE', url: 'https://media.example.com/1.jpg', channel: 'WHATSAPP' }),
      sim.reply({ from: '41793026729', type: 'DOCUMENT', channel: 'WHATSAPP' }),
      sim.reply({ from: '41793026729', type: 'VIDEO', channel: 'WHATSAPP' }),
      sim.reply({ from: '41793026729', text: 'Hallo', channel: 'VIBER' }),
      sim.reply({ from: '41793026729', type: 'BUTTON_REPLY', text: 'Confirm', channel: 'RCS' }),
    ];
    // Replies falling due together share a POST, as Infobip buckets them.
    const posts = () => received.filter((p) => p.path === '/messages-api');
    const results = await eventually(() => {
      const all = posts().flatMap((p) => p.body.results as any[]);
      const found = replies.map((r) => all.find((m) => m.messageId === r.messageId));
      return found.every(Boolean) ? found : undefined;
    }, 'every Messages API reply');
    assert.deepEqual(results.map((m) => `${m.channel}:${m.content[0].type}`), ['WHATSAPP:IMAGE', 'WHATSAPP:DOCUMENT', 'WHATSAPP:VIDEO', 'VIBER_BM:TEXT', 'RCS:BUTTON_REPLY']);
    assert.equal(results[0].content[0].url, 'https://media.example.com/1.jpg');
    for (const p of posts()) assert.equal(p.headers['x-infobip-signature'], createHmac('sha256', secretKey).update(p.raw).digest('hex'));
  });

  test('subscriptions and inbound configurations made through the Infobip API route clicks and replies, as on the platform', async () => {
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${sim.url}${path}`, { method, headers: { authorization: `App ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const created = await api('POST', '/subscriptions/1/subscription/SMS', {
      subscriptionId: 'mc-relay-click',
      name: 'clicks',
      events: ['CLICK'],
      profile: { profileId: 'mc-relay-profile', webhook: { notifyUrl: `${base}/click` }, security: { authId: 'mc-relay-profile', type: 'BASIC', credentials: { username: 'relay', password: 'api-made' } } },
    });
    assert.equal(created.status, 201, await created.clone().text());
    const id = await send({ messages: [{ sender: 'Shop', destinations: [{ to: '41793026731' }], content: { text: 'See https://shop.example.com/c' } }] });
    const apiMade = `Basic ${Buffer.from('relay:api-made').toString('base64')}`;
    // The control API's CLICK subscription (the test above) is notified too: each subscription is.
    assert.equal(sim.click(id).notifyUrls.length, 2);
    await eventually(() => received.find((r) => r.path === '/click' && r.body.messageId === id && r.headers.authorization === apiMade), 'the click through the API-made subscription');

    const deleted = await api('DELETE', '/subscriptions/1/subscription/SMS/mc-relay-click');
    assert.equal(deleted.status, 200, await deleted.clone().text());
    assert.equal(sim.click(id).notifyUrls.length, 1, 'a deleted subscription is notified no more');

    const numbers = (await (await api('GET', '/numbers/1/numbers')).json()) as { numbers: { numberKey: string; number: string; shared: boolean; editPermissions: { canEditConfiguration: boolean } }[] };
    const own = numbers.numbers.find((n) => !n.shared && n.editPermissions.canEditConfiguration)!;
    const configured = await api('POST', '/resource-management/1/inbound-message-configurations', { channel: 'SMS', numberKey: own.numberKey, forwarding: { type: 'HTTP_FORWARD', url: `${base}/mo`, format: 'MO_JSON_2' } });
    assert.equal(configured.status, 200, await configured.clone().text());
    await send({ messages: [{ sender: own.number, destinations: [{ to: '41793026732' }], content: { text: 'Reply?' } }] });
    const reply = sim.reply({ from: '41793026732', text: 'Sure' });
    const mo = await eventually(() => received.find((r) => r.path === '/mo' && r.body.results[0].messageId === reply.messageId), 'the reply through the API-made inbound configuration');
    assert.equal(mo.body.results[0].to, own.number);
  });

  test('every body received matches its spec schema; misuse of the control API is refused', async () => {
    assert.deepEqual(invalid, []);
    assert.throws(() => sim.click('no-such-message'), /no message/);
    assert.throws(() => sim.reply({ from: 'not-a-number' }), /digits/);
    assert.throws(() => sim.subscribe({ events: [], profile: { webhook: { notifyUrl: base } } } as never), /events/);
    const response = await fetch(`${sim.url}/__sim/reply`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"x"}' });
    assert.equal(response.status, 400);
  });
});

describe('Infobip simulator: subscriptions take the messages their criteria match', () => {
  const APP = 'mc-relay-acme';
  const viber = loadInfobipSpec('infobip-viber-openapi.json');
  const schemas: Record<string, ReturnType<typeof webhookBodyValidator>> = {
    '/sms-dlr': webhookBodyValidator(sms, 'receive-outbound-sms-message-reports-v3'),
    '/sms-dlr-own': webhookBodyValidator(sms, 'receive-outbound-sms-message-reports-v3'),
    '/click': webhookBodyValidator(sms, 'receive-sms-tracking-notification'),
    '/viber-dlr': webhookBodyValidator(viber, 'receive-outbound-viber-message-delivery-reports'),
    '/viber-seen': webhookBodyValidator(viber, 'receive-viber-seen-reports'),
  };
  let sim: InfobipSimulator;
  let receiver: FastifyInstance;
  let base = '';
  const received: { path: string; body: any; headers: Record<string, unknown> }[] = [];
  const invalid: unknown[] = [];
  const at = (path: string) => received.filter((r) => r.path === path);
  /** Every message id a path received a report of (delivery and seen bodies are `results` buckets). */
  const idsAt = (path: string) => at(path).flatMap((r) => (r.body.results ?? [r.body]).map((m: { messageId: string }) => m.messageId));

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${sim.url}${path}`, { method, headers: { authorization: `App ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const subscribe = async (channel: string, id: string, event: string, path: string, criteria?: { applicationId?: string; entityId?: string }[]) => {
    const created = await api('POST', `/subscriptions/1/subscription/${channel}`, {
      subscriptionId: id,
      name: id,
      events: [event],
      ...(criteria ? { criteria } : {}),
      profile: { profileId: id, webhook: { notifyUrl: `${base}${path}` }, security: { authId: id, type: 'BASIC', credentials: { username: id, password: 'secret' } } },
    });
    assert.equal(created.status, 201, await created.text());
  };
  const send = async (path: string, message: Record<string, unknown>) => {
    const response = await api('POST', path, { messages: [message] });
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { messages: { messageId: string }[] }).messages[0]!.messageId;
  };
  const withApp = { platform: { applicationId: APP } };

  before(async () => {
    receiver = Fastify({ logger: false });
    receiver.post('/*', async (req) => {
      const path = req.url;
      if (schemas[path] && !schemas[path](req.body)) invalid.push({ path, body: req.body, errors: toViolations(schemas[path].errors) });
      received.push({ path, body: req.body, headers: req.headers });
      return {};
    });
    await receiver.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}`;
    sim = await startInfobipSimulator({ apiKeys: [KEY], deliveryDelayMs: 5, seenDelayMs: 5, seenRate: 1, outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
    await subscribe('SMS', 'ours-sms-delivery', 'DELIVERY', '/sms-dlr', [{ applicationId: APP }]);
    await subscribe('SMS', 'ours-sms-click', 'CLICK', '/click', [{ applicationId: APP }]);
    await subscribe('VIBER', 'ours-viber-delivery', 'DELIVERY', '/viber-dlr', [{ applicationId: APP }]);
    await subscribe('VIBER', 'ours-viber-seen', 'SEEN', '/viber-seen', [{ applicationId: APP }]);
    // Another application's subscriptions on the same account, and one for an entity only.
    await subscribe('SMS', 'crm-sms-delivery', 'DELIVERY', '/crm', [{ applicationId: 'crm' }, { entityId: 'crm-entity' }]);
    await subscribe('SMS', 'crm-sms-click', 'CLICK', '/crm', [{ applicationId: 'crm' }]);
    await subscribe('VIBER', 'crm-viber-seen', 'SEEN', '/crm', [{ applicationId: 'crm' }]);
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  test('an SMS sent with our application and no webhook URL: its delivery report and click reach our subscriptions only, echoing the application', async () => {
    const id = await send('/sms/3/messages', { sender: 'Shop', destinations: [{ to: '41793026740' }], content: { text: 'See https://shop.example.com/x' }, options: withApp });
    assert.deepEqual(sim.sentMessages().get(id)!.platform, { applicationId: APP });
    const clicked = sim.click(id);
    assert.deepEqual(clicked.notifyUrls, [`${base}/click`]);
    await sim.flushWebhooks();
    assert.deepEqual(idsAt('/sms-dlr'), [id]);
    const report = at('/sms-dlr')[0]!;
    assert.deepEqual(report.body.results[0].platform, { applicationId: APP });
    assert.equal(report.headers.authorization, `Basic ${Buffer.from('ours-sms-delivery:secret').toString('base64')}`);
    const click = at('/click')[0]!;
    assert.equal(click.body.messageId, id);
    assert.equal(click.body.applicationId, APP);
    assert.deepEqual(at('/crm'), []);
  });

  test('a Viber message with our application: delivery and seen reports through our subscriptions, not the other application\'s', async () => {
    const id = await send('/viber/2/messages', { sender: 'Shop', destinations: [{ to: '41793026741' }], content: { type: 'TEXT', text: 'Hi' }, options: withApp });
    await sim.flushWebhooks();
    assert.deepEqual(idsAt('/viber-dlr'), [id]);
    assert.deepEqual(at('/viber-dlr')[0]!.body.results[0].platform, { applicationId: APP });
    assert.deepEqual(idsAt('/viber-seen'), [id]);
    assert.equal(at('/viber-seen')[0]!.body.results[0].applicationId, APP);
    assert.deepEqual(at('/crm'), []);
  });

  test('a webhook URL in the request wins over subscriptions; notify: false sends nothing; a message without an application matches no criteria', async () => {
    const own = await send('/sms/3/messages', { sender: 'Shop', destinations: [{ to: '41793026742' }], content: { text: 'Own URL' }, options: withApp, webhooks: { delivery: { url: `${base}/sms-dlr-own` } } });
    const silent = await send('/sms/3/messages', { sender: 'Shop', destinations: [{ to: '41793026743' }], content: { text: 'Quiet' }, options: withApp, webhooks: { delivery: { notify: false } } });
    const bare = await send('/sms/3/messages', { sender: 'Shop', destinations: [{ to: '41793026744' }], content: { text: 'See https://shop.example.com/y' } });
    assert.equal(sim.sentMessages().get(bare)!.platform, undefined);
    assert.throws(() => sim.click(bare), /no CLICK subscription takes it/);
    await sim.flushWebhooks();
    assert.deepEqual(idsAt('/sms-dlr-own'), [own]);
    const throughSubscriptions = idsAt('/sms-dlr');
    for (const id of [own, silent, bare]) assert.ok(!throughSubscriptions.includes(id), `${id} not through the subscription`);
    assert.deepEqual(at('/crm'), []);
  });

  test('a subscription without criteria takes every message; criteria naming only an entity match on the entity', async () => {
    await subscribe('SMS', 'everything', 'DELIVERY', '/all');
    const bare = await send('/sms/3/messages', { sender: 'Shop', destinations: [{ to: '41793026745' }], content: { text: 'Bare' } });
    const crmEntity = await send('/sms/3/messages', { sender: 'Shop', destinations: [{ to: '41793026746' }], content: { text: 'Entity' }, options: { platform: { applicationId: 'other', entityId: 'crm-entity' } } });
    await sim.flushWebhooks();
    assert.deepEqual(idsAt('/all').sort(), [bare, crmEntity].sort());
    assert.deepEqual(idsAt('/crm'), [crmEntity]);
  });

  test('every report received matches its spec schema', () => {
    assert.deepEqual(invalid, []);
  });
});
