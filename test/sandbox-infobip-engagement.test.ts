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
