// The Infobip SMS simulator, exercised over real HTTP: requests go to a simulator on a free port,
// delivery reports arrive at a small Fastify receiver. Every report body received is checked
// against the spec's own webhook schema, and every API answer against the operation's schemas.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  componentResponseExample,
  loadInfobipSpec,
  requestBodyValidator,
  responseBodyValidator,
  responseExample,
  schemaValidator,
  toViolations,
  webhookBodyValidator,
} from '../src/sandbox/openapi.ts';
import { startInfobipSimulator, type InfobipSimulator, type InfobipSimulatorOptions } from '../src/sandbox/infobip/simulator.ts';
import { FINAL, NO_ERROR, PENDING_ACCEPTED } from '../src/sandbox/infobip/statuses.ts';
import { smsSegmentCount } from '../src/sandbox/infobip/sms-segments.ts';
import type { DeliveryReport } from '../src/sandbox/infobip/delivery-report.ts';
import { eventually } from './helpers/eventually.ts';

const spec = loadInfobipSpec('infobip-sms-openapi.json');
const validateReports = webhookBodyValidator(spec, 'receive-outbound-sms-message-reports-v3');
const validateResponse = responseBodyValidator(spec, '/sms/3/messages', 'post', 200);
const validateApiError = schemaValidator(spec, '/components/schemas/ApiError');
const KEY = 'test-key-1';

// ---------------------------------------------------------------- helpers

/** Receives delivery reports; answers with `status()` (default 200) and validates every body. */
class Receiver {
  readonly posts: { results: DeliveryReport[] }[] = [];
  readonly invalid: unknown[] = [];
  status: (attempt: number) => number = () => 200;
  private attempts = 0;
  private app: FastifyInstance = Fastify({ logger: false });
  url = '';

  async start(): Promise<this> {
    this.app.post('/dlr', async (req, reply) => {
      const code = this.status(++this.attempts);
      if (code === 200) {
        if (!validateReports(req.body)) this.invalid.push({ body: req.body, errors: toViolations(validateReports.errors) });
        this.posts.push(req.body as { results: DeliveryReport[] });
      }
      return reply.code(code).send();
    });
    await this.app.listen({ host: '127.0.0.1', port: 0 });
    this.url = `http://127.0.0.1:${(this.app.server.address() as { port: number }).port}/dlr`;
    return this;
  }

  get reports(): DeliveryReport[] {
    return this.posts.flatMap((p) => p.results);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

async function send(sim: InfobipSimulator, body: unknown, key = KEY, signal?: AbortSignal) {
  const res = await fetch(`${sim.url}/sms/3/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `App ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

function sms(to: string[], extra: Record<string, unknown> = {}, webhookUrl?: string) {
  return {
    sender: 'InfoSMS',
    destinations: to.map((t, i) => ({ to: t, messageId: `MSG-${t}-${i}` })),
    content: { text: 'Hello from the journey' },
    ...(webhookUrl ? { webhooks: { delivery: { url: webhookUrl }, callbackData: `cb-${to[0]}` } } : {}),
    ...extra,
  };
}

const numbers = (n: number, from = 41790000000) => Array.from({ length: n }, (_, i) => String(from + i));

/** Starts a simulator + receiver for one test and closes both afterwards. */
async function withSim(opts: Partial<InfobipSimulatorOptions>, fn: (sim: InfobipSimulator, rx: Receiver) => Promise<void>) {
  const rx = await new Receiver().start();
  const sim = await startInfobipSimulator({ apiKeys: [KEY], deliveryDelayMs: [5, 30], seed: 42, ...opts });
  try {
    await fn(sim, rx);
    await sim.flushWebhooks();
    assert.deepEqual(rx.invalid, [], 'every delivery report body must validate against the webhook schema');
  } finally {
    await sim.close();
    await rx.close();
  }
}

// ---------------------------------------------------------------- the OpenAPI loader

describe('openapi loader', () => {
  test('validates against the loaded document and caches compiled validators', () => {
    const validate = requestBodyValidator(spec, '/sms/3/messages', 'post');
    assert.equal(requestBodyValidator(spec, '/sms/3/messages', 'post'), validate);
    assert.equal(validate({ messages: [{ destinations: [{ to: '41793026727' }], content: { text: 'hi' } }] }), true);
    assert.equal(validate({ messages: [{ destinations: [{ to: 41793026727 }], content: { text: 'hi' } }] }), false);
  });

  test('turns Ajv errors into Infobip violations', () => {
    const validate = requestBodyValidator(spec, '/sms/3/messages', 'post');
    validate({ messages: [{ destinations: [{ to: 5 }], content: { text: 'x' } }, { content: { text: 'y' } }] });
    const violations = toViolations(validate.errors);
    assert.deepEqual(violations.find((v) => v.property === 'messages[0].destinations[0].to'), {
      property: 'messages[0].destinations[0].to',
      violation: 'must be string',
    });
    assert.deepEqual(violations.find((v) => v.property === 'messages[1].destinations'), {
      property: 'messages[1].destinations',
      violation: "must have required property 'destinations'",
    });
    validate({});
    assert.deepEqual(toViolations(validate.errors), [{ property: 'messages', violation: "must have required property 'messages'" }]);
  });

  test("the simulator's fixed status objects match the spec's own examples", () => {
    const ok = responseExample(spec, '/sms/3/messages', 'post', 200) as any;
    assert.deepEqual(PENDING_ACCEPTED, ok.messages[0].status);
    const webhook = (spec.doc as any).webhooks['receive-outbound-sms-message-reports-v3'].post.requestBody.content['application/json'];
    const example = (Object.values(webhook.examples)[0] as any).value.results[0];
    assert.deepEqual(FINAL.delivered.status, example.status);
    assert.deepEqual(NO_ERROR, example.error);
  });

  test('segment counting: GSM-7 160/153 with 2-septet extension characters, UCS-2 70/67', () => {
    assert.equal(smsSegmentCount('a'.repeat(160)), 1);
    assert.equal(smsSegmentCount('a'.repeat(161)), 2);
    assert.equal(smsSegmentCount('€'.repeat(80)), 1);
    assert.equal(smsSegmentCount('€'.repeat(81)), 2);
    assert.equal(smsSegmentCount('ü'.repeat(160)), 1); // ü is in the GSM-7 default alphabet
    assert.equal(smsSegmentCount('ç'.repeat(70)), 1); // ç is not: UCS-2
    assert.equal(smsSegmentCount('ç'.repeat(71)), 2);
    assert.equal(smsSegmentCount('ç'.repeat(135)), 3);
  });
});

// ---------------------------------------------------------------- POST /sms/3/messages

describe('POST /sms/3/messages', () => {
  test('valid request → 200 SmsResponseEnvelope, one entry per destination, in order', () =>
    withSim({}, async (sim) => {
      const res = await send(sim, {
        messages: [
          { destinations: [{ to: '41793026727', messageId: 'MY-1' }, { to: '41793026834' }], content: { text: 'a'.repeat(161) } },
          { destinations: [{ to: '41793026700' }], content: { text: 'short' } },
        ],
        options: { schedule: { bulkId: 'BULK-1' }, includeSmsCountInResponse: true },
      });
      assert.equal(res.status, 200);
      assert.equal(validateResponse(res.body), true, JSON.stringify(validateResponse.errors));
      assert.equal(res.body.bulkId, 'BULK-1');
      assert.deepEqual(res.body.messages.map((m: any) => m.destination), ['41793026727', '41793026834', '41793026700']);
      assert.equal(res.body.messages[0].messageId, 'MY-1');
      assert.match(res.body.messages[1].messageId, /^[0-9a-f-]{20,}$/);
      assert.deepEqual(res.body.messages.map((m: any) => m.details.messageCount), [2, 2, 1]);
      for (const m of res.body.messages) assert.deepEqual(m.status, PENDING_ACCEPTED);
    }));

  test('generates a bulkId and omits details unless includeSmsCountInResponse', () =>
    withSim({}, async (sim) => {
      const res = await send(sim, { messages: [sms(['41793026727'])] });
      assert.equal(res.status, 200);
      assert.match(res.body.bulkId, /^\d{19}$/);
      assert.equal('details' in res.body.messages[0], false);
    }));

  test('over-long bulkId and messageId are clipped (100 / 200 characters), not rejected', () =>
    withSim({}, async (sim) => {
      const res = await send(sim, {
        messages: [{ destinations: [{ to: '41793026727', messageId: 'm'.repeat(250) }], content: { text: 'x' } }],
        options: { schedule: { bulkId: 'b'.repeat(150) } },
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.bulkId, 'b'.repeat(100));
      assert.equal(res.body.messages[0].messageId, 'm'.repeat(200));
      assert.equal(sim.sentMessages().get('m'.repeat(200))?.bulkId, 'b'.repeat(100));
    }));

  test('schema violations → 400 ApiError E400 naming the property', () =>
    withSim({}, async (sim) => {
      const missing = await send(sim, { messages: [{ content: { text: 'hi' } }] });
      assert.equal(missing.status, 400);
      assert.equal(validateApiError(missing.body), true);
      assert.equal(missing.body.errorCode, 'E400');
      assert.equal(missing.body.description, 'Request cannot be processed.');
      assert.ok(missing.body.violations.some((v: any) => v.property === 'messages[0].destinations'), JSON.stringify(missing.body));

      const wrongType = await send(sim, { messages: [{ destinations: [{ to: 41793026727 }], content: { text: 'hi' } }] });
      assert.equal(wrongType.status, 400);
      assert.deepEqual(wrongType.body.violations, [{ property: 'messages[0].destinations[0].to', violation: 'must be string' }]);

      const callbackData = await send(sim, { messages: [sms(['41793026727'], { webhooks: { callbackData: 'x'.repeat(4001) } })] });
      assert.equal(callbackData.status, 400);
      assert.equal(callbackData.body.violations[0].property, 'messages[0].webhooks.callbackData');

      const notJson = await send(sim, '{"messages": [');
      assert.equal(notJson.status, 400);
      assert.equal(notJson.body.errorCode, 'E400');

      assert.equal(sim.stats().rejectedRequests[400], 4);
      assert.equal(sim.stats().acceptedRequests, 0);
    }));

  test('documented rules beyond the schema → 400', () =>
    withSim({}, async (sim) => {
      const farFuture = new Date(Date.now() + 200 * 86_400_000).toISOString().replace('Z', '+0000');
      const sendAt = await send(sim, { messages: [sms(['41793026727'])], options: { schedule: { sendAt: farFuture } } });
      assert.equal(sendAt.status, 400);
      assert.equal(sendAt.body.violations[0].property, 'options.schedule.sendAt');

      const window = { days: ['MONDAY'], from: { hour: 9, minute: 0 }, to: { hour: 9, minute: 30 } };
      const tooShort = await send(sim, { messages: [sms(['41793026727'], { options: { deliveryTimeWindow: window } })] });
      assert.equal(tooShort.status, 400);
      assert.equal(tooShort.body.violations[0].property, 'messages[0].options.deliveryTimeWindow');

      const noDestinations = await send(sim, { messages: [{ destinations: [], content: { text: 'x' } }] });
      assert.equal(noDestinations.status, 400);
      assert.equal(noDestinations.body.violations[0].property, 'messages[0].destinations');

      const soon = new Date(Date.now() + 86_400_000).toISOString().replace('Z', '+0000');
      const ok = await send(sim, { messages: [sms(['41793026727'])], options: { schedule: { sendAt: soon } } });
      assert.equal(ok.status, 200);
    }));

  test('missing or unknown API key → 401 with the documented E401 body', () =>
    withSim({}, async (sim) => {
      const expected = responseExample(spec, '/sms/3/messages', 'post', 401);
      const unknown = await send(sim, { messages: [sms(['41793026727'])] }, 'wrong-key');
      assert.equal(unknown.status, 401);
      assert.equal(unknown.body.description, 'The request lacks valid authentication credentials for the requested resource.');
      assert.deepEqual(unknown.body, expected);
      const missing = await send(sim, { messages: [sms(['41793026727'])] }, '');
      assert.equal(missing.status, 401);
      assert.equal(sim.stats().rejectedRequests[401], 2);
    }));
});

// ---------------------------------------------------------------- API faults

describe('API faults', () => {
  test('429 with Retry-After', () =>
    withSim({ faults: { rate429: 1, retryAfterSeconds: 7 } }, async (sim) => {
      const res = await send(sim, { messages: [sms(['41793026727'])] });
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '7');
      assert.equal(res.body.description, 'Too many requests sent.');
      assert.equal(validateApiError(res.body), true);
      assert.deepEqual(res.body, componentResponseExample(spec, 'ApiError429'));
      assert.equal(sim.stats().rejectedRequests[429], 1);
      assert.equal(sim.sentMessages().size, 0);
    }));

  test('500 fault, then recovery after setFaults', () =>
    withSim({ faults: { rate5xx: 1 } }, async (sim) => {
      const res = await send(sim, { messages: [sms(['41793026727'])] });
      assert.equal(res.status, 500);
      assert.deepEqual(res.body, responseExample(spec, '/sms/3/messages', 'post', 500));
      sim.setFaults({ rate5xx: 0 });
      assert.equal((await send(sim, { messages: [sms(['41793026727'])] })).status, 200);
      assert.deepEqual(sim.stats().rejectedRequests, { 400: 0, 401: 0, 429: 0, 500: 1 });
    }));

  test('a failing management call answers 500 with the documented ApiException, the others do not; a malformed entry is refused', () =>
    withSim({ faults: { failingManagementCalls: ['POST /provisioning/1/applications'] } }, async (sim) => {
      const call = (path: string, body: unknown) =>
        fetch(`${sim.url}${path}`, { method: 'POST', headers: { authorization: `App ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const failed = await call('/provisioning/1/applications', { applicationId: 'app-1', applicationName: 'App' });
      assert.equal(failed.status, 500);
      assert.equal(((await failed.json()) as { requestError: { serviceException: { messageId: string } } }).requestError.serviceException.messageId, 'GENERAL_ERROR');
      sim.setFaults({ failingManagementCalls: [] });
      const created = await call('/provisioning/1/applications', { applicationId: 'app-1', applicationName: 'App' });
      assert.equal(created.status, 201, await created.text());
      assert.throws(() => sim.setFaults({ failingManagementCalls: ['/provisioning/1/applications'] }), /"METHOD \/path"/);
    }));

  test('faults strike before authentication and validation', () =>
    withSim({ faults: { rate429: 1 } }, async (sim) => {
      assert.equal((await send(sim, '{not json', 'bad-key')).status, 429);
    }));

  test('latency is added to every answer', () =>
    withSim({ faults: { latencyMs: 150 } }, async (sim) => {
      const started = performance.now();
      assert.equal((await send(sim, { messages: [sms(['41793026727'])] }, 'bad-key')).status, 401);
      assert.ok(performance.now() - started >= 140);
    }));

  test('timeout fault: never answered until the client gives up; close() still returns', async () => {
    const sim = await startInfobipSimulator({ apiKeys: [KEY], faults: { timeoutRate: 1 } });
    await assert.rejects(send(sim, { messages: [sms(['41793026727'])] }, KEY, AbortSignal.timeout(300)), { name: 'TimeoutError' });
    // A second client that does not give up sees its socket closed when the simulator closes.
    const pending = send(sim, { messages: [sms(['41793026727'])] });
    await eventually(() => sim.stats().hungRequests === 2 || undefined, 'the second request held');
    assert.equal(sim.stats().acceptedRequests, 0);
    const closing = sim.close();
    await assert.rejects(pending);
    await closing;
  });
});

// ---------------------------------------------------------------- delivery reports

describe('delivery reports', () => {
  test('report arrives with our messageId and callbackData, echoing platform and campaignReferenceId', () =>
    withSim({ outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } }, async (sim, rx) => {
      const res = await send(sim, {
        messages: [
          {
            sender: 'InfoSMS',
            destinations: [{ to: '41793026727', messageId: 'MSG-A' }],
            content: { text: 'Hello' },
            options: { platform: { entityId: 'ent-1', applicationId: 'app-1' }, campaignReferenceId: 'summersale' },
            webhooks: { delivery: { url: rx.url }, callbackData: '{"journey":"j-1"}' },
          },
          // notify: false → no report at all
          { destinations: [{ to: '41793026728', messageId: 'MSG-B' }], content: { text: 'x' }, webhooks: { delivery: { url: rx.url, notify: false } } },
        ],
        options: { schedule: { bulkId: 'BULK-A' } },
      });
      assert.equal(res.status, 200);
      await sim.flushWebhooks();
      assert.equal(rx.reports.length, 1);
      const [report] = rx.reports;
      assert.equal(report.messageId, 'MSG-A');
      assert.equal(report.bulkId, 'BULK-A');
      assert.equal(report.to, '41793026727');
      assert.equal(report.sender, 'InfoSMS');
      assert.equal(report.callbackData, '{"journey":"j-1"}');
      assert.deepEqual(report.platform, { entityId: 'ent-1', applicationId: 'app-1' });
      assert.equal(report.campaignReferenceId, 'summersale');
      assert.deepEqual(report.status, FINAL.delivered.status);
      assert.deepEqual(report.error, NO_ERROR);
      assert.equal(report.messageCount, 1);
      assert.deepEqual(report.price, { pricePerMessage: 0.01, currency: 'EUR' });
      assert.match(report.sentAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      assert.ok(report.doneAt >= report.sentAt);
      assert.equal(sim.sentMessages().get('MSG-A')?.webhookUrl, rx.url);
      assert.equal(sim.sentMessages().get('MSG-B')?.webhookUrl, undefined);
      assert.deepEqual(
        { posted: sim.stats().webhooksPosted, reports: sim.stats().webhookReportsPosted },
        { posted: 1, reports: 1 },
      );
    }));

  test('outcome mix is respected: 100% rejected', () =>
    withSim({ outcomes: { delivered: 0, undeliverable: 0, expired: 0, rejected: 1 } }, async (sim, rx) => {
      await send(sim, { messages: [sms(numbers(20), {}, rx.url)] });
      await sim.flushWebhooks();
      assert.equal(rx.reports.length, 20);
      for (const r of rx.reports) {
        assert.deepEqual([r.status.groupName, r.status.id, r.status.name], ['REJECTED', 6, 'REJECTED_NETWORK']);
        assert.equal(r.error.groupName, 'OPERATOR_ERRORS');
        assert.equal(r.error.permanent, true);
      }
      assert.deepEqual(sim.stats().outcomes, { delivered: 0, undeliverable: 0, expired: 0, rejected: 20 });
    }));

  test('every outcome maps to its documented status and error', () =>
    withSim({ outcomes: { delivered: 1, undeliverable: 1, expired: 1, rejected: 1 } }, async (sim, rx) => {
      await send(sim, { messages: [sms(numbers(200), {}, rx.url)] });
      await sim.flushWebhooks();
      const byName = new Map(rx.reports.map((r) => [r.status.name, r]));
      assert.deepEqual([...byName.keys()].sort(), ['DELIVERED_TO_HANDSET', 'EXPIRED_EXPIRED', 'REJECTED_NETWORK', 'UNDELIVERABLE_NOT_DELIVERED']);
      assert.equal(byName.get('UNDELIVERABLE_NOT_DELIVERED')!.error.name, 'EC_UNKNOWN_SUBSCRIBER');
      assert.equal(byName.get('EXPIRED_EXPIRED')!.error.name, 'EC_ABSENT_SUBSCRIBER');
      const stats = sim.stats().outcomes;
      assert.equal(stats.delivered + stats.undeliverable + stats.expired + stats.rejected, 200);
      for (const n of Object.values(stats)) assert.ok(n > 20, JSON.stringify(stats));
    }));

  test('intermediateReport: true sends a non-final report before the final one', () =>
    withSim({ deliveryDelayMs: 200, outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } }, async (sim, rx) => {
      await send(sim, {
        messages: [{ destinations: [{ to: '41793026727', messageId: 'I-1' }], content: { text: 'x' }, webhooks: { delivery: { url: rx.url, intermediateReport: true } } }],
      });
      await sim.flushWebhooks();
      assert.deepEqual(rx.reports.map((r) => r.status.name), ['DELIVERED_TO_OPERATOR', 'DELIVERED_TO_HANDSET']);
    }));

  test('at most 100 results per POST: 250 messages → three POSTs or more', () =>
    withSim({ deliveryDelayMs: 50 }, async (sim, rx) => {
      const res = await send(sim, { messages: [sms(numbers(250), {}, rx.url)] });
      assert.equal(res.status, 200);
      await sim.flushWebhooks();
      const sizes = rx.posts.map((p) => p.results.length).sort((a, b) => a - b);
      // Reports due within one batching window go together; a pause of the accepting loop
      // longer than that window (GC, a loaded machine) splits them further, never above 100.
      assert.ok(sizes.every((n) => n <= 100) && sizes.at(-1) === 100, `sizes ${sizes}`);
      assert.equal(sizes.reduce((a, b) => a + b, 0), 250);
      assert.equal(new Set(rx.reports.map((r) => r.messageId)).size, 250);
      assert.equal(sim.stats().webhookReportsPosted, 250);
      assert.deepEqual(sim.stats().messagesPerRequest, [250]);
    }));

  test('batches never exceed 100 even when reports trickle in over time', () =>
    withSim({ deliveryDelayMs: [10, 200] }, async (sim, rx) => {
      await send(sim, { messages: [sms(numbers(250), {}, rx.url)] });
      await sim.flushWebhooks();
      assert.ok(rx.posts.every((p) => p.results.length <= 100));
      assert.ok(rx.posts.length < 250, 'reports falling due together share a POST');
      assert.equal(rx.reports.length, 250);
    }));

  test('duplicate fault sends every report twice', () =>
    withSim({ faults: { webhookDuplicateRate: 1 } }, async (sim, rx) => {
      await send(sim, { messages: [sms(numbers(10), {}, rx.url)] });
      await sim.flushWebhooks();
      assert.equal(rx.reports.length, 20);
      const counts = new Map<string, number>();
      for (const r of rx.reports) counts.set(r.messageId, (counts.get(r.messageId) ?? 0) + 1);
      assert.deepEqual([...counts.values()], Array(10).fill(2));
      assert.equal(sim.stats().webhookReportsDuplicated, 10);
    }));

  test('drop fault: no report is sent and flushWebhooks still resolves', () =>
    withSim({ faults: { webhookDropRate: 1 } }, async (sim, rx) => {
      await send(sim, { messages: [sms(numbers(10), {}, rx.url)] });
      await sim.flushWebhooks();
      assert.equal(rx.posts.length, 0);
      assert.equal(sim.stats().webhookReportsDropped, 10);
    }));

  test('partial drop rate drops roughly that share', () =>
    withSim({ faults: { webhookDropRate: 0.5 } }, async (sim, rx) => {
      await send(sim, { messages: [sms(numbers(200), {}, rx.url)] });
      await sim.flushWebhooks();
      const dropped = sim.stats().webhookReportsDropped;
      assert.equal(rx.reports.length + dropped, 200);
      assert.ok(dropped > 60 && dropped < 140, `dropped ${dropped}`);
    }));

  test('reorder fault: some messages get a stale intermediate report after their final one', () =>
    withSim({ faults: { webhookReorder: true }, outcomes: { delivered: 3, undeliverable: 1, expired: 0, rejected: 0 } }, async (sim, rx) => {
      await send(sim, { messages: [sms(numbers(40), {}, rx.url)] });
      await sim.flushWebhooks();
      const finals = new Set(['DELIVERED_TO_HANDSET', 'UNDELIVERABLE_NOT_DELIVERED']);
      const seen = new Map<string, string[]>();
      for (const r of rx.reports) seen.set(r.messageId, [...(seen.get(r.messageId) ?? []), r.status.name]);
      assert.equal(seen.size, 40);
      const late = [...seen.values()].filter((names) => names.length === 2);
      assert.ok(late.length > 5 && late.length < 35, `late intermediates: ${late.length}`);
      for (const names of late) {
        assert.ok(finals.has(names[0]), `final first: ${names}`);
        assert.ok(['DELIVERED_TO_OPERATOR', 'PENDING_ENROUTE'].includes(names[1]), `then intermediate: ${names}`);
      }
      // Shuffled: the order of arrival is not the order of the request.
      const order = rx.reports.filter((r) => finals.has(r.status.name)).map((r) => r.messageId);
      assert.notDeepEqual(order, [...order].sort());
    }));

  test('receiver errors are retried with backoff, then counted as a failure', () =>
    withSim({ webhookRetry: { maxAttempts: 3, backoffMs: 10 } }, async (sim, rx) => {
      rx.status = (attempt) => (attempt <= 2 ? 503 : 200);
      await send(sim, { messages: [sms(['41793026727'], {}, rx.url)] });
      await sim.flushWebhooks();
      assert.equal(rx.reports.length, 1);
      assert.deepEqual([sim.stats().webhookAttempts, sim.stats().webhooksPosted, sim.stats().webhookFailures], [3, 1, 0]);

      rx.status = () => 500;
      await send(sim, { messages: [sms(['41793026728'], {}, rx.url)] });
      await sim.flushWebhooks();
      assert.equal(rx.reports.length, 1);
      assert.deepEqual([sim.stats().webhookAttempts, sim.stats().webhookFailures], [6, 1]);
    }));

  test('unreachable receiver is a failure after every retry', () =>
    withSim({ webhookRetry: { maxAttempts: 2, backoffMs: 5 } }, async (sim) => {
      await send(sim, { messages: [sms(['41793026727'], {}, 'http://127.0.0.1:1/nothing-listens-here')] });
      await sim.flushWebhooks();
      assert.deepEqual([sim.stats().webhookAttempts, sim.stats().webhookFailures, sim.stats().webhooksPosted], [2, 1, 0]);
    }));
});

// ---------------------------------------------------------------- stats and control API

describe('stats and control API', () => {
  test('stats count requests, messages and duplicate messageIds', () =>
    withSim({}, async (sim) => {
      await send(sim, { messages: [sms(['41793026727', '41793026728'])] }); // MSG-…-0, MSG-…-1
      await send(sim, { messages: [sms(['41793026727'])] }); // MSG-41793026727-0 again
      await send(sim, { messages: [sms(['41793026729'])] }, 'bad-key');
      const stats = sim.stats();
      assert.equal(stats.requests, 3);
      assert.equal(stats.acceptedRequests, 2);
      assert.equal(stats.messagesAccepted, 3);
      assert.equal(stats.uniqueMessageIds, 2);
      assert.equal(stats.duplicateMessageIds, 1);
      assert.deepEqual(stats.messagesPerRequest, [2, 1]);
      const again = sim.sentMessages().get('MSG-41793026727-0');
      assert.equal(again?.timesReceived, 2);
      assert.equal(again?.text, 'Hello from the journey');
      assert.equal(sim.sentMessages().get('MSG-41793026728-1')?.timesReceived, 1);
    }));

  test('GET stats, PUT faults/outcomes, POST reset over HTTP', () =>
    withSim({}, async (sim, rx) => {
      await send(sim, { messages: [sms(['41793026727'])] });
      const stats = await (await fetch(`${sim.url}/__sim/stats`)).json();
      assert.equal(stats.acceptedRequests, 1);

      const put = (path: string, body: unknown) =>
        fetch(`${sim.url}/__sim/${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await put('faults', { rate429: 2 })).status, 400);
      assert.equal((await put('faults', { nonsense: 1 })).status, 400);
      const faults = await (await put('faults', { rate5xx: 1 })).json();
      assert.equal(faults.rate5xx, 1);
      assert.equal((await send(sim, { messages: [sms(['41793026727'])] })).status, 500);
      await put('faults', { rate5xx: 0 });

      assert.equal((await put('outcomes', { delivered: 0, undeliverable: 0, expired: 1, rejected: 0 })).status, 200);
      await send(sim, { messages: [sms(['41793026730'], {}, rx.url)] });
      await sim.flushWebhooks();
      assert.equal(rx.reports[0].status.name, 'EXPIRED_EXPIRED');

      assert.equal((await fetch(`${sim.url}/__sim/reset`, { method: 'POST' })).status, 204);
      const cleared = sim.stats();
      assert.deepEqual([cleared.requests, cleared.messagesAccepted, sim.sentMessages().size], [0, 0, 0]);
    }));

  test('same seed, same generated ids and outcomes', async () => {
    const run = async () => {
      const sim = await startInfobipSimulator({ apiKeys: [KEY], seed: 7 });
      const res = await send(sim, { messages: [{ destinations: [{ to: '1' }, { to: '2' }], content: { text: 'x' } }] });
      const outcomes = [...sim.sentMessages().values()].map((m) => m.outcome);
      await sim.close();
      return { bulkId: res.body.bulkId, ids: res.body.messages.map((m: any) => m.messageId), outcomes };
    };
    assert.deepEqual(await run(), await run());
  });
});
