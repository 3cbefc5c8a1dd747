import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { smsExecuteBody } from './helpers/execute-body.ts';
import { get, postJwt } from './helpers/http.ts';
import { hs256 } from './helpers/jwt.ts';
import { anyJson, anyText, propertyRuns } from './helpers/properties.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

/** A field's value: mostly of the right type (so parsing goes deep), sometimes anything at all. */
const field = <T>(right: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: anyJson });
const time = fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace('Z', '+0000')), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), anyText(40));
const statusGroup = fc.constantFrom('PENDING', 'UNDELIVERABLE', 'DELIVERED', 'EXPIRED', 'REJECTED', 'SEEN', 'pending', '');

function payloads(messageIds: string[]) {
  const messageId = field(fc.oneof(fc.constantFrom(...messageIds), anyText(60)));
  const status = fc.record({ groupId: field(fc.integer({ min: -1, max: 10 })), groupName: field(statusGroup), id: field(fc.integer()), name: field(anyText(40)), description: field(anyText(80)) }, { requiredKeys: [] });
  const delivery = fc.record(
    {
      messageId, to: field(anyText(20)), destination: field(anyText(20)), sender: field(anyText(20)), from: field(anyText(20)),
      sentAt: field(time), doneAt: field(time), messageCount: field(fc.integer()), smsCount: field(fc.double()), mccMnc: field(fc.oneof(fc.integer(), anyText(8))),
      callbackData: field(anyText(4000)), price: field(fc.record({ pricePerMessage: field(fc.double()), currency: field(anyText(5)) }, { requiredKeys: [] })),
      status: field(status), error: field(fc.record({ groupId: field(fc.integer()), groupName: field(anyText(20)), id: field(fc.integer()), name: field(anyText(20)), permanent: field(fc.boolean()) }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  );
  const seen = fc.record({ messageId, seenAt: field(time), to: field(anyText(20)), from: field(anyText(20)) }, { requiredKeys: [] });
  const click = fc.record(
    {
      notificationType: field(fc.constantFrom('CLICK', 'click')), recipient: field(anyText(20)), url: field(anyText(300)), sendDateTime: field(fc.integer()),
      messageId, callbackData: field(anyText(300)), recipientInfo: field(fc.record({ deviceType: field(anyText(20)), os: field(anyText(20)), deviceName: field(anyText(20)) }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  );
  const content = fc.record({ type: field(fc.constantFrom('TEXT', 'IMAGE', 'BUTTON_REPLY', 'LOCATION')), text: field(anyText(500)), cleanText: field(anyText(100)), keyword: field(fc.constantFrom('STOP', 'stop', 'UNSUBSCRIBE', 'YES')), url: field(anyText(100)), payload: field(anyText(100)) }, { requiredKeys: [] });
  const inbound = fc.oneof(
    fc.record({ messageId, from: field(fc.constantFrom('4915112345678', '+4915112345678', '')), to: field(anyText(20)), text: field(anyText(500)), cleanText: field(anyText(100)), keyword: field(fc.constantFrom('STOP', 'HELP', '')), receivedAt: field(time), callbackData: field(anyText(200)) }, { requiredKeys: [] }),
    fc.record({ event: field(fc.constantFrom('MO', 'INBOUND_MESSAGE')), channel: field(fc.constantFrom('SMS', 'WHATSAPP', 'VIBER_BM', 'RCS', 'MMS', 'NOPE')), sender: field(fc.constantFrom('4915112345678', '')), destination: field(anyText(20)), messageId, receivedAt: field(time), content: field(fc.array(content, { maxLength: 4 })) }, { requiredKeys: [] }),
  );
  const envelope = (result: fc.Arbitrary<unknown>) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ results: fc.array(result, { maxLength: 30 }), messageCount: fc.integer(), pendingMessageCount: fc.integer() }, { requiredKeys: ['results'] }) },
      { weight: 1, arbitrary: fc.record({ results: anyJson }) },
      { weight: 1, arbitrary: anyJson },
    );
  return { delivery: envelope(fc.oneof(delivery, seen)), click: envelope(click), inbound: envelope(inbound) };
}

/** A body as bytes: JSON text, JSON cut short, or any bytes at all. */
const bytesOf = (json: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: json.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: fc.tuple(json, fc.nat()).map(([v, n]) => Buffer.from((JSON.stringify(v) ?? '').slice(0, n))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)) },
  );
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded');

/**
 * Properties of every webhook the connector accepts (delivery, seen, clicks, inbound), over
 * real HTTP on a sandbox (SQLite) with real messages to report on: a known token gets 200 or
 * 400, an unknown one 401, always JSON, never a 5xx; the server stays healthy.
 */
describe('webhook properties (fast-check, real HTTP)', () => {
  let sandbox: Sandbox;
  let arbitraries: ReturnType<typeof payloads>;

  before(async () => {
    sandbox = await startTestSandbox('sqlite');
    const messageIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await postJwt(`${sandbox.info.messageActivityUrl}execute`, hs256(smsExecuteBody(`hook-contact-${i}`, `+49151${20_000_000 + i}`), sandbox.info.jwtSecret));
      messageIds.push(String(answer.json?.messageId));
    }
    arbitraries = payloads(messageIds);
  });
  after(() => sandbox.close());

  const post = async (url: string, body: Buffer, type: string) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', text };
  };

  for (const kind of ['deliveryReports', 'seenReports', 'clicks', 'inbound'] as const) {
    test(`${kind}: any body gets 200 or 400 JSON with the right token, 401 with a wrong one`, async () => {
      const url = sandbox.info.webhooks[kind]!;
      const json = kind === 'clicks' ? arbitraries.click : kind === 'inbound' ? arbitraries.inbound : arbitraries.delivery;
      const answers = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(bytesOf(json), contentType, fc.boolean(), async (body, type, wrongToken) => {
          const target = wrongToken ? url.replace(/\/hooks\/[^/]+/, '/hooks/not-a-token') : url;
          const answer = await post(target, body, type);
          answers.set(answer.status, (answers.get(answer.status) ?? 0) + 1);
          if (wrongToken) assert.equal(answer.status, 401, answer.text);
          else assert.ok(answer.status === 200 || answer.status === 400, `${answer.status} ${answer.text.slice(0, 300)}`);
          assert.match(answer.type, /^application\/json/);
        }),
        propertyRuns(`${kind} webhook`, 250),
      );
      console.log(`${kind} answers: ${[...answers].map(([s, n]) => `${n}× ${s}`).join(', ')}`);
      assert.ok(answers.get(200), 'some bodies were accepted');
      assert.equal((await get(`${new URL(sandbox.info.adminUrl).origin}/health`)).status, 200);
    });
  }
});
