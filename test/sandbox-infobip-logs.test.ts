// The simulator's message-logs endpoints (`GET /sms/3/logs?messageId=…` and one per channel that
// has them), over real HTTP: each lists the messages its channel's send endpoint accepted, in the
// shape of the operation's 200 schema, checks `Authorization: App` and validates its query against
// the operation's parameters and documented limits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadInfobipSpec, requestExamples, responseBodyValidator, toViolations } from '../src/sandbox/openapi.ts';
import { SIMULATED_ENDPOINTS, startInfobipSimulator, type InfobipSimulator } from '../src/sandbox/infobip/simulator.ts';
import { SIMULATED_LOGS_ENDPOINTS } from '../src/sandbox/infobip/logs-route.ts';
import { FINAL } from '../src/sandbox/infobip/statuses.ts';

const KEY = 'logs-test-key';

describe('Infobip simulator: message logs', () => {
  let sim: InfobipSimulator;
  before(async () => {
    sim = await startInfobipSimulator({ apiKeys: [KEY], deliveryDelayMs: 5, seed: 7, outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
  });
  after(() => sim.close());

  const get = async (path: string, query: string, key: string | null = KEY) => {
    const response = await fetch(`${sim.url}${path}?${query}`, { headers: key ? { authorization: `App ${key}` } : {} });
    return { status: response.status, body: (await response.json()) as { results?: Record<string, unknown>[] } & Record<string, unknown> };
  };

  /** Sends the spec's first request example of a send endpoint; answers the messageIds accepted. */
  async function sendExample(sendPath: string, specFile: string): Promise<string[]> {
    const before = new Set(sim.sentMessages().keys());
    const example = requestExamples(loadInfobipSpec(specFile), sendPath, 'post')[0]!.value as Record<string, unknown>;
    // Scheduled examples would be accepted all the same; a fixed bulkId would clash between runs.
    const response = await fetch(`${sim.url}${sendPath}`, { method: 'POST', headers: { authorization: `App ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(example) });
    assert.equal(response.status, 200, `${sendPath}: ${await response.clone().text()}`);
    return [...sim.sentMessages().keys()].filter((id) => !before.has(id));
  }

  test('every channel with logs lists the messages it accepted, in the shape of its 200 schema', async () => {
    // WhatsApp's API has no logs; every other simulated send endpoint has one.
    assert.deepEqual(
      SIMULATED_LOGS_ENDPOINTS.map((e) => e.channel).sort(),
      SIMULATED_ENDPOINTS.map((e) => e.channel).filter((c) => c !== 'WHATSAPP').sort(),
    );
    for (const endpoint of SIMULATED_LOGS_ENDPOINTS) {
      const ids = await sendExample(endpoint.sendPath, endpoint.specFile);
      assert.ok(ids.length > 0, `${endpoint.sendPath} accepted its example`);
      const validate = responseBodyValidator(loadInfobipSpec(endpoint.specFile), endpoint.path, 'get', 200);
      const { status, body } = await get(endpoint.path, `messageId=${ids.map(encodeURIComponent).join(',')}&limit=1000`);
      assert.equal(status, 200, endpoint.path);
      assert.ok(validate(body), `${endpoint.path}: ${JSON.stringify(toViolations(validate.errors))}`);
      assert.deepEqual(body.results!.map((r) => r.messageId).sort(), [...ids].sort(), `${endpoint.path} lists the accepted ids`);
      for (const entry of body.results!) assert.deepEqual(entry.status, FINAL.delivered.status);
      // A messageId Infobip never received is simply absent.
      const none = await get(endpoint.path, 'messageId=never-sent-1,never-sent-2');
      assert.equal(none.status, 200);
      assert.ok(validate(none.body));
      assert.deepEqual(none.body.results, []);
    }
  });

  test('logs list only their own channel', async () => {
    const smsIds = await sendExample('/sms/3/messages', 'infobip-sms-openapi.json');
    const { body } = await get('/viber/2/logs', `messageId=${smsIds.join(',')}`);
    assert.deepEqual(body.results, []);
  });

  test('App-key auth, and the query against the operation: known parameters, their types, limit ≤ 1000, messageId ≤ 2048 characters', async () => {
    assert.equal((await get('/sms/3/logs', 'messageId=a', null)).status, 401);
    assert.equal((await get('/sms/3/logs', 'messageId=a', 'wrong-key')).status, 401);
    const tooMany = await get('/sms/3/logs', 'limit=1001');
    assert.equal(tooMany.status, 400);
    assert.equal((tooMany.body.violations as { property: string }[])[0]!.property, 'limit');
    assert.equal((await get('/sms/3/logs', 'limit=ten')).status, 400);
    assert.equal((await get('/sms/3/logs', 'sentSince=yesterday')).status, 400);
    assert.equal((await get('/sms/3/logs', 'unknownFilter=1')).status, 400);
    assert.equal((await get('/sms/3/logs', 'generalStatus=NOT_A_STATUS')).status, 400);
    const long = Array.from({ length: 60 }, (_, i) => `message-id-${String(i).padStart(30, '0')}`).join(',');
    assert.ok(long.length > 2048);
    const tooLong = await get('/sms/3/logs', `messageId=${long}`);
    assert.equal(tooLong.status, 400);
    assert.match(JSON.stringify(tooLong.body), /2048/);
    assert.equal((await get('/sms/3/logs', 'limit=1000&generalStatus=DELIVERED&sentSince=2020-01-01T00:00:00.000%2B0000')).status, 200);
    // Zalo's older API answers errors as ApiException.
    const zalo = await get('/zalo/1/logs', 'limit=abc');
    assert.equal(zalo.status, 400);
    assert.ok((zalo.body.requestError as { serviceException: { validationErrors: Record<string, string[]> } }).serviceException.validationErrors.limit);
  });

  test('the limit cuts the newest first; API faults strike the logs too', async () => {
    const ids = [...(await sendExample('/sms/3/messages', 'infobip-sms-openapi.json')), ...(await sendExample('/sms/3/messages', 'infobip-sms-openapi.json'))];
    const { body } = await get('/sms/3/logs', `messageId=${ids.join(',')}&limit=1`);
    assert.equal(body.results!.length, 1);
    sim.setFaults({ rate5xx: 1 });
    try {
      assert.equal((await get('/sms/3/logs', `messageId=${ids[0]}`)).status, 500);
    } finally {
      sim.setFaults({ rate5xx: 0 });
    }
  });
});
