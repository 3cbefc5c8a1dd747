// The Infobip simulator's channel endpoints (MMS, RCS, Viber, WhatsApp template, Kakao Alim/Chingu,
// Zalo, and SMS/LMS through the same registry), exercised over real HTTP. Valid requests are the
// specs' own documented examples, loaded from the documents; every answer is checked against the
// operation's response schema, and every report body received against the spec webhook it claims
// to be. The webhook names below are written out from the channel table of the brief, not read
// from the simulator's registry, so a registry typo cannot validate against itself.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  componentResponseExample,
  loadInfobipSpec,
  requestBodyValidator,
  requestExamples,
  responseBodyValidator,
  responseExample,
  toViolations,
  webhookBodyValidator,
} from '../src/sandbox/openapi.ts';
import {
  SIMULATED_ENDPOINTS,
  startInfobipSimulator,
  type InfobipSimulator,
  type InfobipSimulatorOptions,
  type SimChannel,
} from '../src/sandbox/infobip/simulator.ts';
import { ZALO_REPORT_CHANNEL } from '../src/sandbox/infobip/delivery-report.ts';
import { FINAL } from '../src/sandbox/infobip/statuses.ts';

const KEY = 'test-key-1';
const ALL_DELIVERED = { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 };

interface ChannelCase {
  channel: SimChannel;
  path: string;
  specFile: string;
  /** WhatsApp template: flat legacy request, legacy response, ApiException errors, notifyUrl. */
  legacy: boolean;
  delivery: string;
  seen?: string;
  /** Name of the documented request example used as "the" valid request. */
  example: string;
  /** A required property of that example to delete for the invalid request. */
  required: (string | number)[];
}

const CASES: ChannelCase[] = [
  { channel: 'SMS', path: '/sms/3/messages', specFile: 'infobip-sms-openapi.json', legacy: false, delivery: 'receive-outbound-sms-message-reports-v3', example: 'Send basic textual message', required: ['messages', 0, 'destinations'] },
  { channel: 'MMS', path: '/mms/2/messages', specFile: 'infobip-mms-openapi.json', legacy: false, delivery: 'receive-outbound-mms-message-delivery-reports', example: 'Text', required: ['messages', 0, 'destinations'] },
  { channel: 'RCS', path: '/rcs/2/messages', specFile: 'infobip-rcs-openapi.json', legacy: false, delivery: 'receive-outbound-rcs-message-delivery-reports', seen: 'receive-rcs-seen-reports', example: 'Card message', required: ['messages', 0, 'destinations'] },
  { channel: 'VIBER', path: '/viber/2/messages', specFile: 'infobip-viber-openapi.json', legacy: false, delivery: 'receive-outbound-viber-message-delivery-reports', seen: 'receive-viber-seen-reports', example: 'Image with text and button message', required: ['messages', 0, 'sender'] },
  { channel: 'WHATSAPP', path: '/whatsapp/1/message/template', specFile: 'infobip-whatsapp-openapi.json', legacy: true, delivery: 'receive-whatsapp-delivery-reports', seen: 'receive-whatsapp-seen-reports', example: 'Body template message', required: ['messages', 0, 'content', 'templateName'] },
  { channel: 'KAKAO_ALIM', path: '/kakao-alim/1/messages', specFile: 'infobip-kakao-openapi.json', legacy: false, delivery: 'receive-outbound-kakao-alim-message-delivery-reports', example: 'Send a Kakao Alim message', required: ['messages', 0, 'sender'] },
  { channel: 'KAKAO_CHINGU', path: '/kakao-chingu/1/messages', specFile: 'infobip-kakao-openapi.json', legacy: false, delivery: 'receive-outbound-kakao-chingu-message-delivery-reports', example: 'Send a free form image brand message', required: ['messages', 0, 'destinations'] },
  { channel: 'ZALO', path: '/zalo/2/messages', specFile: 'infobip-zalo-openapi.json', legacy: false, delivery: 'receive-outbound-zalo-delivery-reports', example: 'Template message with validity period and without SMS failover', required: ['messages', 0, 'content'] },
];

const byChannel = (channel: SimChannel) => CASES.find((c) => c.channel === channel)!;

/**
 * Documented examples that break their own operation's schema (Infobip spec 3.210.0); the
 * simulator rejects them, naming exactly these properties.
 */
const BROKEN_EXAMPLES: Record<string, Record<string, string[]>> = {
  '/rcs/2/messages': {
    // Suggestion text is maxLength 25; "Example request of location" is 27, "Example create calendar event" 29.
    'Text with different types of suggestions': ['messages[0].content.suggestions[4].text', 'messages[0].content.suggestions[5].text'],
  },
  '/kakao-chingu/1/messages': {
    // header maxLength 20; "Top Products This Week" is 22.
    'Send a free form item list brand message': ['messages[0].content.header'],
    // carousel button name maxLength 8; "Pre-order" is 9.
    'Send a carousel free form brand message': ['messages[0].content.elements[1].attachment.buttons[0].name'],
  },
};

// ---------------------------------------------------------------- helpers

const spec = (c: ChannelCase) => loadInfobipSpec(c.specFile);

/** The named documented example of the operation, as a fresh copy. */
function example(c: ChannelCase, name = c.example): any {
  const found = requestExamples(spec(c), c.path, 'post').find((e) => e.name === name);
  assert.ok(found, `${c.specFile} documents no example "${name}" for POST ${c.path}`);
  return found.value;
}

const ids = (xs: { messageId: string }[]) => xs.map((x) => x.messageId).sort();

interface Post {
  path: string;
  body: { results: any[] };
}

/**
 * Receives reports at /dlr (delivery), /seen (seen) and /notify (WhatsApp's notifyUrl, both).
 * After the run, `check(c)` validates every body against the spec webhook schema of its kind.
 */
class Receiver {
  readonly posts: Post[] = [];
  status: () => number = () => 200;
  private app: FastifyInstance = Fastify({ logger: false });
  private base = '';

  async start(): Promise<this> {
    for (const path of ['/dlr', '/seen', '/notify']) {
      this.app.post(path, async (req, reply) => {
        const code = this.status();
        if (code === 200) this.posts.push({ path, body: req.body as Post['body'] });
        return reply.code(code).send();
      });
    }
    await this.app.listen({ host: '127.0.0.1', port: 0 });
    this.base = `http://127.0.0.1:${(this.app.server.address() as { port: number }).port}`;
    return this;
  }

  url(path: '/dlr' | '/seen' | '/notify'): string {
    return this.base + path;
  }

  /** Seen results have `seenAt`; one POST never mixes the two kinds. */
  static isSeen(post: Post): boolean {
    const seen = post.body.results.map((r) => 'seenAt' in r);
    assert.ok(seen.every((s) => s === seen[0]), `a POST to ${post.path} mixes delivery and seen reports`);
    return seen[0] === true;
  }

  deliveryPosts(): Post[] {
    return this.posts.filter((p) => p.path === '/dlr' || (p.path === '/notify' && !Receiver.isSeen(p)));
  }

  seenPosts(): Post[] {
    return this.posts.filter((p) => p.path === '/seen' || (p.path === '/notify' && Receiver.isSeen(p)));
  }

  deliveryReports(): any[] {
    return this.deliveryPosts().flatMap((p) => p.body.results);
  }

  seenReports(): any[] {
    return this.seenPosts().flatMap((p) => p.body.results);
  }

  /**
   * Every body received for channel `c` (told apart by the channel the simulator recorded for the
   * messageIds it carries), against the webhook schema of its kind in the channel's spec.
   */
  invalidBodies(c: ChannelCase, channelOf: (messageId: string) => SimChannel | undefined): unknown[] {
    const validateDelivery = webhookBodyValidator(spec(c), c.delivery);
    const validateSeen = c.seen ? webhookBodyValidator(spec(c), c.seen) : undefined;
    const mine = (post: Post) => {
      const channels = new Set(post.body.results.map((r) => channelOf(r.messageId)));
      assert.equal(channels.size, 1, `one POST, one channel: ${[...channels]}`);
      return channels.has(c.channel);
    };
    const invalid: unknown[] = [];
    for (const post of this.deliveryPosts().filter(mine)) {
      if (!validateDelivery(post.body)) invalid.push({ webhook: c.delivery, body: post.body, errors: toViolations(validateDelivery.errors) });
    }
    for (const post of this.seenPosts().filter(mine)) {
      if (!validateSeen) invalid.push({ unexpectedSeen: post.body });
      else if (!validateSeen(post.body)) invalid.push({ webhook: c.seen, body: post.body, errors: toViolations(validateSeen.errors) });
    }
    return invalid;
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

/** Points every webhook URL of a request at the receiver (adding them when `add`). */
function pointAt(c: ChannelCase, body: any, rx: Receiver, add = true): any {
  for (const message of body.messages) {
    if (c.legacy) {
      if (add || message.notifyUrl !== undefined) message.notifyUrl = rx.url('/notify');
      continue;
    }
    const webhooks = message.webhooks ?? {};
    if (add || webhooks.delivery?.url !== undefined) webhooks.delivery = { ...webhooks.delivery, url: rx.url('/dlr') };
    if (c.seen && (add || webhooks.seen?.url !== undefined)) webhooks.seen = { url: rx.url('/seen') };
    if (Object.keys(webhooks).length > 0) message.webhooks = webhooks;
  }
  return body;
}

/** Destinations of a request in answer order, with the request message each belongs to. */
function destinationsOf(c: ChannelCase, body: any): { to: string; messageId?: string; message: any }[] {
  if (c.legacy) return body.messages.map((m: any) => ({ to: m.to, messageId: m.messageId, message: m }));
  return body.messages.flatMap((m: any) =>
    m.destinations.flatMap((d: any) => (d.group ?? [d]).map((x: any) => ({ to: x.to, messageId: x.messageId, message: m }))),
  );
}

async function post(sim: InfobipSimulator, path: string, body: unknown, key: string | null = KEY, signal?: AbortSignal) {
  const res = await fetch(sim.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `App ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

/** Starts a simulator + receiver for one test; checks every report body of channel `c` afterwards. */
async function withSim(c: ChannelCase | ChannelCase[], opts: Partial<InfobipSimulatorOptions>, fn: (sim: InfobipSimulator, rx: Receiver) => Promise<void>) {
  const rx = await new Receiver().start();
  const sim = await startInfobipSimulator({ apiKeys: [KEY], deliveryDelayMs: [5, 30], seenDelayMs: [5, 30], seed: 42, ...opts });
  try {
    await fn(sim, rx);
    await sim.flushWebhooks();
    const channels = Array.isArray(c) ? c : [c];
    const channelOf = (messageId: string) => sim.sentMessages().get(messageId)?.channel;
    for (const one of channels) assert.deepEqual(rx.invalidBodies(one, channelOf), [], `every ${one.channel} report body must validate against its spec webhook schema`);
    const checked = new Set(channels.map((one) => one.channel));
    for (const { body } of rx.posts) {
      for (const r of body.results) assert.ok(checked.has(channelOf(r.messageId)!), `a report of an unchecked channel: ${JSON.stringify(r)}`);
    }
  } finally {
    await sim.close();
    await rx.close();
  }
}

function without(body: any, path: (string | number)[]): any {
  const parent = path.slice(0, -1).reduce((node, key) => node[key], body);
  delete parent[path.at(-1)!];
  return body;
}

const propertyName = (path: (string | number)[]) =>
  path.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');

// ---------------------------------------------------------------- the registry

describe('registry of simulated endpoints', () => {
  test('serves exactly the channel endpoints, with the webhooks of the channel table', () => {
    const registry = SIMULATED_ENDPOINTS.map((e) => ({
      channel: e.channel,
      path: e.path,
      specFile: e.specFile,
      legacy: e.errorShape === 'ApiException',
      delivery: e.reports.delivery.webhook,
      seen: e.reports.seen?.webhook,
    }));
    const expected = CASES.map(({ channel, path, specFile, legacy, delivery, seen }) => ({ channel, path, specFile, legacy, delivery, seen }));
    assert.deepEqual(registry, expected);
  });

  test('the Zalo report channel is the one the Zalo document shows', () => {
    const zalo = byChannel('ZALO');
    const media = (spec(zalo).doc as any).webhooks[zalo.delivery].post.requestBody.content['application/json'];
    const documented = (Object.values(media.examples)[0] as any).value.results.map((r: any) => r.channel);
    assert.deepEqual([...new Set(documented)], [ZALO_REPORT_CHANNEL]);
  });

  test('stats list every simulated path, and count requests per path', () =>
    withSim(CASES, {}, async (sim) => {
      assert.deepEqual(sim.stats().requestsByPath, Object.fromEntries(CASES.map((c) => [c.path, 0])));
      await post(sim, '/viber/2/messages', example(byChannel('VIBER')));
      await post(sim, '/viber/2/messages', {}, 'bad-key');
      await post(sim, '/zalo/2/messages', example(byChannel('ZALO')));
      const stats = await (await fetch(`${sim.url}/__sim/stats`)).json();
      assert.equal(stats.requests, 3);
      assert.equal(stats.requestsByPath['/viber/2/messages'], 2);
      assert.equal(stats.requestsByPath['/zalo/2/messages'], 1);
      assert.equal(stats.requestsByPath['/sms/3/messages'], 0);
      assert.equal(stats.acceptedRequests, 2);
      assert.equal(stats.rejectedRequests[401], 1);
    }));
});

// ---------------------------------------------------------------- per channel

for (const c of CASES) {
  describe(`${c.channel}: POST ${c.path}`, () => {
    test(`documented example "${c.example}" → 200 in the response schema; reports in the webhook schemas`, () =>
      withSim(c, { outcomes: ALL_DELIVERED, seenRate: 1 }, async (sim, rx) => {
        const body = pointAt(c, example(c), rx);
        assert.equal(requestBodyValidator(spec(c), c.path, 'post')(body), true, 'the example stays valid with our webhook URLs');
        const res = await post(sim, c.path, body);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const validateResponse = responseBodyValidator(spec(c), c.path, 'post', 200);
        assert.equal(validateResponse(res.body), true, JSON.stringify(toViolations(validateResponse.errors)));

        const destinations = destinationsOf(c, body);
        const documented = (responseExample(spec(c), c.path, 'post', 200) as any).messages[0].status;
        assert.equal(typeof res.body.bulkId, 'string');
        assert.equal(res.body.messages.length, destinations.length);
        res.body.messages.forEach((m: any, i: number) => {
          assert.deepEqual(m.status, documented, 'answers with the status its documented example shows');
          assert.equal(c.legacy ? m.to : m.destination, destinations[i].to);
          if (destinations[i].messageId) assert.equal(m.messageId, destinations[i].messageId);
          if (c.legacy) assert.equal(m.messageCount, 1);
        });

        // What was sent, by messageId: the channel and the whole request message.
        const sent = sim.sentMessages();
        res.body.messages.forEach((m: any, i: number) => {
          const record = sent.get(m.messageId);
          assert.equal(record?.channel, c.channel);
          assert.equal(record?.path, c.path);
          assert.equal(record?.bulkId, res.body.bulkId);
          assert.deepEqual(record?.request, destinations[i].message);
        });
        assert.deepEqual(sim.stats().requestsByPath[c.path], 1);

        await sim.flushWebhooks();
        const answered = ids(res.body.messages);
        const reports = rx.deliveryReports();
        assert.deepEqual(ids(reports), answered, 'one final delivery report per message');
        for (const r of reports) {
          assert.deepEqual([r.status.name, r.error.name], [FINAL.delivered.status.name, FINAL.delivered.error.name]);
          assert.equal(r.bulkId, res.body.bulkId);
          const destination = destinations[res.body.messages.findIndex((m: any) => m.messageId === r.messageId)];
          assert.equal(r.to, destination.to);
          const callbackData = c.legacy ? destination.message.callbackData : destination.message.webhooks?.callbackData;
          assert.equal(r.callbackData, callbackData);
          if (c.channel === 'RCS') assert.equal(r.channel, 'RCS');
          if (c.channel === 'ZALO') assert.equal(r.channel, ZALO_REPORT_CHANNEL);
        }
        assert.ok(rx.deliveryPosts().every((p) => p.path === (c.legacy ? '/notify' : '/dlr')));

        if (c.seen) {
          const seen = rx.seenReports();
          assert.deepEqual(ids(seen), answered, 'seenRate 1: every delivered message is seen');
          for (const s of seen) {
            const report = reports.find((r) => r.messageId === s.messageId);
            assert.equal(s.from, report.to, 'from: the end user');
            assert.ok(s.seenAt >= report.doneAt, 'seen after delivered');
          }
          assert.ok(rx.seenPosts().every((p) => p.path === (c.legacy ? '/notify' : '/seen')));
        } else {
          assert.equal(rx.seenPosts().length, 0, `${c.channel} has no seen webhook in its spec`);
        }
      }));

    test(`missing ${propertyName(c.required)} → 400 ${c.legacy ? 'ApiException' : 'ApiError'} naming it`, () =>
      withSim(c, {}, async (sim) => {
        const res = await post(sim, c.path, without(example(c), c.required));
        assert.equal(res.status, 400);
        const validate400 = responseBodyValidator(spec(c), c.path, 'post', 400);
        assert.equal(validate400(res.body), true, JSON.stringify(toViolations(validate400.errors)));
        const property = propertyName(c.required);
        if (c.legacy) {
          const exception = res.body.requestError.serviceException;
          assert.deepEqual([exception.messageId, exception.text], ['BAD_REQUEST', 'Bad request']);
          assert.ok(exception.validationErrors[property]?.length > 0, JSON.stringify(res.body));
        } else {
          const documented = responseExample(spec(c), c.path, 'post', 400) as any;
          assert.deepEqual([res.body.errorCode, res.body.description, res.body.action], [documented.errorCode, documented.description, documented.action]);
          assert.ok(res.body.violations.some((v: any) => v.property === property), JSON.stringify(res.body));
        }
        assert.equal(sim.stats().rejectedRequests[400], 1);
        assert.equal(sim.sentMessages().size, 0);
      }));

    if (!c.legacy && example(c).messages[0].content.type !== undefined) {
      test('content of a discriminated type is validated against that type', () =>
        withSim(c, {}, async (sim) => {
          const body = example(c);
          body.messages[0].content = { type: body.messages[0].content.type };
          const res = await post(sim, c.path, body);
          assert.equal(res.status, 400, `a bare {type: ${body.messages[0].content.type}} must not pass`);
          assert.ok(
            res.body.violations.some((v: any) => v.property.startsWith('messages[0].content.') && /required/.test(v.violation)),
            JSON.stringify(res.body.violations),
          );
        }));
    }

    test('every documented request example is accepted (except those that break their own schema)', () =>
      withSim(c, { outcomes: ALL_DELIVERED }, async (sim, rx) => {
        const broken = BROKEN_EXAMPLES[c.path] ?? {};
        const outcome: Record<string, unknown> = {};
        for (const { name, value } of requestExamples(spec(c), c.path, 'post')) {
          // Examples carry webhook URLs on example.com: keep them, but pointed at our receiver.
          const res = await post(sim, c.path, pointAt(c, value, rx, false));
          outcome[name] = res.status === 200 ? 200 : { status: res.status, properties: (res.body.violations ?? []).map((v: any) => v.property) };
        }
        const expected = Object.fromEntries(
          Object.keys(outcome).map((name) => [name, broken[name] ? { status: 400, properties: broken[name] } : 200]),
        );
        assert.deepEqual(outcome, expected);
      }));

    test('429 fault: Retry-After and the endpoint’s own 429 body', () =>
      withSim(c, { faults: { rate429: 1, retryAfterSeconds: 3 } }, async (sim) => {
        const res = await post(sim, c.path, example(c));
        assert.equal(res.status, 429);
        assert.equal(res.headers.get('retry-after'), '3');
        const expected = c.legacy ? responseExample(spec(c), c.path, 'post', 429) : componentResponseExample(spec(c), 'ApiError429');
        assert.deepEqual(res.body, expected);
        assert.equal(sim.stats().rejectedRequests[429], 1);
        assert.equal(sim.sentMessages().size, 0);
      }));

    test('401 and 500 in the endpoint’s error shape', () =>
      withSim(c, {}, async (sim) => {
        const unauthorized = await post(sim, c.path, example(c), 'wrong-key');
        assert.equal(unauthorized.status, 401);
        assert.deepEqual(unauthorized.body, responseExample(spec(c), c.path, 'post', 401));
        sim.setFaults({ rate5xx: 1 });
        const failed = await post(sim, c.path, example(c));
        assert.equal(failed.status, 500);
        assert.deepEqual(failed.body, responseExample(spec(c), c.path, 'post', 500));
      }));
  });
}

// ---------------------------------------------------------------- channel specifics

describe('WhatsApp template (legacy generation)', () => {
  const wa = byChannel('WHATSAPP');

  test('errors are legacy ApiException bodies: UNAUTHORIZED, TOO_MANY_REQUESTS, GENERAL_ERROR, BAD_REQUEST', () =>
    withSim(wa, {}, async (sim) => {
      const unauthorized = await post(sim, wa.path, example(wa), null);
      assert.deepEqual(unauthorized.body, { requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Unauthorized' } } });

      const notJson = await post(sim, wa.path, '{"messages": [');
      assert.equal(notJson.status, 400);
      assert.equal(notJson.body.requestError.serviceException.messageId, 'BAD_REQUEST');
      assert.equal('errorCode' in notJson.body, false, 'never the ApiError shape');

      const body = example(wa);
      body.messages[0].content.templateName = 5;
      delete body.messages[0].from;
      const invalid = await post(sim, wa.path, body);
      assert.deepEqual(invalid.body.requestError.serviceException.validationErrors, {
        'messages[0].from': ["must have required property 'from'"],
        'messages[0].content.templateName': ['must be string'],
      });

      sim.setFaults({ rate429: 1 });
      const throttled = await post(sim, wa.path, example(wa));
      assert.equal(throttled.status, 429);
      assert.deepEqual(throttled.body, { requestError: { serviceException: { messageId: 'TOO_MANY_REQUESTS', text: 'Too many requests' } } });
      sim.setFaults({ rate429: 0, rate5xx: 1 });
      const failed = await post(sim, wa.path, example(wa));
      assert.equal(failed.body.requestError.serviceException.messageId, 'GENERAL_ERROR');
    }));

  test('bulk: one answer per message; delivery and seen reports to each notifyUrl, never in one POST', () =>
    withSim(wa, { outcomes: ALL_DELIVERED, seenRate: 1 }, async (sim, rx) => {
      const body = pointAt(wa, example(wa, 'Bulk template messages'), rx);
      const res = await post(sim, wa.path, body);
      assert.equal(res.status, 200);
      assert.equal(res.body.bulkId, 'BULK-ID-123-xyz');
      assert.deepEqual(res.body.messages.map((m: any) => m.to), body.messages.map((m: any) => m.to));
      await sim.flushWebhooks();
      assert.equal(rx.deliveryReports().length, 2);
      assert.equal(rx.seenReports().length, 2);
      assert.ok(rx.posts.every((p) => p.path === '/notify'));
      for (const s of rx.seenReports()) {
        const message = body.messages.find((m: any) => m.messageId === s.messageId);
        assert.deepEqual([s.from, s.to], [message.to, message.from], 'from: the end user, to: the sender');
      }
    }));
});

describe('seen reports', () => {
  const rcs = byChannel('RCS');
  const viber = byChannel('VIBER');
  const numbers = (n: number) => Array.from({ length: n }, (_, i) => ({ to: String(385911000000 + i) }));

  test('echo platform and campaignReferenceId; sent only after the DELIVERED report', () =>
    withSim(rcs, { outcomes: ALL_DELIVERED, seenRate: 1, deliveryDelayMs: 20, seenDelayMs: 60 }, async (sim, rx) => {
      const body = pointAt(rcs, example(rcs, 'Basic text message'), rx);
      body.messages[0].options = { platform: { entityId: 'ent-1', applicationId: 'app-1' }, campaignReferenceId: 'summer' };
      body.messages[0].webhooks.callbackData = 'cb';
      const res = await post(sim, rcs.path, body);
      assert.equal(res.status, 200);
      await sim.flushWebhooks();
      assert.deepEqual(rx.posts.map((p) => p.path), ['/dlr', '/seen'], 'delivery report first');
      const [seen] = rx.seenReports();
      assert.deepEqual(
        { ...seen, sentAt: undefined, seenAt: undefined },
        {
          messageId: res.body.messages[0].messageId,
          from: body.messages[0].destinations[0].to,
          to: body.messages[0].sender,
          sentAt: undefined,
          seenAt: undefined,
          entityId: 'ent-1',
          applicationId: 'app-1',
          campaignReferenceId: 'summer',
        },
      );
      const [report] = rx.deliveryReports();
      assert.deepEqual(report.platform, { entityId: 'ent-1', applicationId: 'app-1' });
      assert.equal(report.callbackData, 'cb');
      assert.equal('callbackData' in seen, false, 'channel seen reports carry no callbackData');
    }));

  test('only for delivered messages, only when a seen URL was given, never with seenRate 0', () =>
    withSim([rcs, viber], { outcomes: { delivered: 1, undeliverable: 1, expired: 1, rejected: 1 }, seenRate: 1 }, async (sim, rx) => {
      const mixed = pointAt(rcs, example(rcs, 'Basic text message'), rx);
      mixed.messages[0].destinations = numbers(40);
      await post(sim, rcs.path, mixed);
      const noSeenUrl = example(viber, 'Text message');
      noSeenUrl.messages[0].webhooks = { delivery: { url: rx.url('/dlr') } };
      noSeenUrl.messages[0].destinations = numbers(10);
      await post(sim, viber.path, noSeenUrl);
      await sim.flushWebhooks();

      const delivered = new Set(rx.deliveryReports().filter((r) => r.status.groupName === 'DELIVERED').map((r) => r.messageId));
      assert.ok(delivered.size > 3 && delivered.size < 40, `delivered ${delivered.size}`);
      const rcsIds = new Set([...sim.sentMessages().values()].filter((m) => m.channel === 'RCS').map((m) => m.messageId));
      const seen = rx.seenReports().map((s) => s.messageId);
      assert.deepEqual(seen.sort(), [...delivered].filter((id) => rcsIds.has(id)).sort());
      assert.equal(rx.deliveryReports().length, 50);
    }).then(() =>
      withSim(rcs, { outcomes: ALL_DELIVERED, seenRate: 0 }, async (sim, rx) => {
        const body = pointAt(rcs, example(rcs, 'Basic text message'), rx);
        body.messages[0].destinations = numbers(20);
        await post(sim, rcs.path, body);
        await sim.flushWebhooks();
        assert.equal(rx.deliveryReports().length, 20);
        assert.equal(rx.seenReports().length, 0);
      }),
    ));

  test('seenRate is the share of delivered messages seen', () =>
    withSim(viber, { outcomes: ALL_DELIVERED, seenRate: 0.5 }, async (sim, rx) => {
      const body = pointAt(viber, example(viber, 'Text message'), rx);
      body.messages[0].destinations = numbers(200);
      await post(sim, viber.path, body);
      await sim.flushWebhooks();
      const seen = rx.seenReports().length;
      assert.ok(seen > 60 && seen < 140, `seen ${seen} of 200`);
      assert.ok(rx.posts.every((p) => p.body.results.length <= 100), 'at most 100 results per POST, seen reports too');
    }));

  test('Kakao and Zalo have no seen webhook: none is sent even when a seen URL is passed', () =>
    withSim([byChannel('KAKAO_ALIM'), byChannel('ZALO')], { outcomes: ALL_DELIVERED, seenRate: 1 }, async (sim, rx) => {
      for (const c of [byChannel('KAKAO_ALIM'), byChannel('ZALO')]) {
        const body = pointAt(c, example(c), rx);
        body.messages[0].webhooks.seen = { url: rx.url('/seen') };
        const res = await post(sim, c.path, body);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(sim.sentMessages().get(res.body.messages[0].messageId)?.seenUrl, undefined);
      }
      await sim.flushWebhooks();
      assert.equal(rx.deliveryReports().length, 2);
      assert.equal(rx.posts.filter((p) => p.path === '/seen').length, 0);
    }));

  test('webhook faults apply to seen reports too', () =>
    withSim(rcs, { outcomes: ALL_DELIVERED, seenRate: 1, faults: { webhookDuplicateRate: 1 } }, async (sim, rx) => {
      const body = pointAt(rcs, example(rcs, 'Basic text message'), rx);
      body.messages[0].destinations = numbers(5);
      await post(sim, rcs.path, body);
      await sim.flushWebhooks();
      assert.equal(rx.deliveryReports().length, 10);
      assert.equal(rx.seenReports().length, 10);
      assert.equal(sim.stats().webhookReportsDuplicated, 10);
    }));
});

describe('other channels share the SMS machinery', () => {
  test('Korean LMS: an SMS with options.regional.southKorea, title ≤ 66 characters', () =>
    withSim(byChannel('SMS'), { outcomes: ALL_DELIVERED }, async (sim, rx) => {
      const sms = byChannel('SMS');
      const lms = pointAt(sms, example(sms), rx);
      lms.messages[0].options = { regional: { southKorea: { title: '주문 안내', resellerCode: 123456789 } } };
      lms.messages[0].content.text = '긴 본문 '.repeat(100);
      const res = await post(sim, sms.path, lms);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const record = sim.sentMessages().get(res.body.messages[0].messageId);
      assert.equal(record?.channel, 'SMS');
      assert.deepEqual((record?.request as any).options.regional.southKorea, { title: '주문 안내', resellerCode: 123456789 });

      lms.messages[0].options.regional.southKorea.title = 'x'.repeat(67);
      const tooLong = await post(sim, sms.path, lms);
      assert.equal(tooLong.status, 400);
      assert.deepEqual(tooLong.body.violations.map((v: any) => v.property), ['messages[0].options.regional.southKorea.title']);
      await sim.flushWebhooks();
      assert.equal(rx.deliveryReports().length, 1);
    }));

  test('MMS group destinations: one message (and report) per member', () =>
    withSim(byChannel('MMS'), { outcomes: ALL_DELIVERED }, async (sim, rx) => {
      const mms = byChannel('MMS');
      const body = pointAt(mms, example(mms, 'Text with group destinations'), rx);
      const res = await post(sim, mms.path, body);
      assert.equal(res.status, 200);
      const members = body.messages[0].destinations[0].group.map((d: any) => d.to);
      assert.deepEqual(res.body.messages.map((m: any) => m.destination), members);
      await sim.flushWebhooks();
      assert.deepEqual(rx.deliveryReports().map((r) => r.to).sort(), [...members].sort());
    }));

  test('batches of at most 100 results per POST, intermediate reports, notify: false (Viber)', () =>
    withSim(byChannel('VIBER'), { outcomes: ALL_DELIVERED, deliveryDelayMs: 50 }, async (sim, rx) => {
      const viber = byChannel('VIBER');
      const body = example(viber, 'Text message');
      body.messages[0].destinations = Array.from({ length: 250 }, (_, i) => ({ to: String(441134960000 + i) }));
      body.messages[0].webhooks = { delivery: { url: rx.url('/dlr') } };
      const quiet = example(viber, 'Text message');
      quiet.messages[0].webhooks = { delivery: { url: rx.url('/dlr'), notify: false } };
      const stepwise = example(viber, 'Text message');
      stepwise.messages[0].destinations = [{ to: '441134960999', messageId: 'STEP-1' }];
      stepwise.messages[0].webhooks = { delivery: { url: rx.url('/dlr'), intermediateReport: true } };
      for (const b of [body, quiet, stepwise]) assert.equal((await post(sim, viber.path, b)).status, 200);
      await sim.flushWebhooks();
      assert.ok(rx.posts.every((p) => p.body.results.length <= 100));
      assert.equal(rx.deliveryReports().filter((r) => r.messageId !== 'STEP-1').length, 250);
      assert.deepEqual(
        rx.deliveryReports().filter((r) => r.messageId === 'STEP-1').map((r) => r.status.name),
        ['DELIVERED_TO_OPERATOR', 'DELIVERED_TO_HANDSET'],
      );
    }));

  test('hang and latency faults on a non-SMS endpoint', async () => {
    const rcs = byChannel('RCS');
    const sim = await startInfobipSimulator({ apiKeys: [KEY], faults: { timeoutRate: 1 } });
    try {
      await assert.rejects(post(sim, rcs.path, example(rcs), KEY, AbortSignal.timeout(200)), { name: 'TimeoutError' });
      assert.equal(sim.stats().hungRequests, 1);
      sim.setFaults({ timeoutRate: 0, latencyMs: 120 });
      const started = performance.now();
      assert.equal((await post(sim, rcs.path, example(rcs))).status, 200);
      assert.ok(performance.now() - started >= 110);
    } finally {
      await sim.close();
    }
  });
});
