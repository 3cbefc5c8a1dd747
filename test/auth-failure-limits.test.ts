// Failed authentications are limited per client on the admin API and the activity UI backend:
// past the limit a client gets 429 with Retry-After, before the token is checked or SFMC is
// asked; other clients and successful requests are never throttled. Clients are told apart by
// X-Forwarded-For, which the sandbox trusts from loopback (MC_RELAY_TRUST_PROXY); without that
// setting the header is ignored and the connection's address is the client.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { UI_TOKEN_FAILURES_PER_MINUTE } from '../src/server/routes/activity-ui.ts';
import { ADMIN_FAILURES_PER_MINUTE } from '../src/server/routes/admin.ts';
import { startConnector } from './helpers/connector.ts';
import { createTestDatabase, testDialects } from './helpers/databases.ts';
import { postJson } from './helpers/http.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

/** GET as one client (its address in X-Forwarded-For) with a bearer token; the body is read. */
async function getAs(client: string, url: string, token: string): Promise<{ status: number; retryAfter: string | null; json: any }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': client } });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), json: await response.json().catch(() => undefined) };
}

/** Sends `count` requests in turn and answers their statuses. */
async function statuses(count: number, send: (i: number) => Promise<{ status: number }>): Promise<number[]> {
  const answers: number[] = [];
  for (let i = 0; i < count; i++) answers.push((await send(i)).status);
  return answers;
}

const times = (n: number, status: number) => Array<number>(n).fill(status);

for (const dialect of testDialects) {
  describe(`failed authentication limits (${dialect})`, () => {
    let sandbox: Sandbox;
    let admin: string;
    let adminToken: string;
    let api: string;
    let userToken: string;

    before(async () => {
      sandbox = await startTestSandbox(dialect, { trustProxy: 'loopback' });
      admin = sandbox.info.adminUrl;
      adminToken = sandbox.info.adminToken;
      const { sfmc } = sandbox.info;
      const answer = await postJson(`${sfmc.authBaseUrl}v2/token`, { grant_type: 'client_credentials', client_id: sfmc.clientId, client_secret: sfmc.clientSecret, account_id: sfmc.accountId });
      userToken = answer.json!.access_token;
      api = `${sandbox.info.messageActivityUrl}api/`;
    });
    after(async () => sandbox?.close());

    test('admin API: wrong tokens are limited per client address; then even the right token waits; others are not affected', async () => {
      const guesser = '203.0.113.1';
      assert.deepEqual(await statuses(ADMIN_FAILURES_PER_MINUTE, (i) => getAs(guesser, `${admin}/tenants`, `guess-${i}`)), times(ADMIN_FAILURES_PER_MINUTE, 401));
      const refused = await getAs(guesser, `${admin}/tenants`, 'guess-more');
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.retryAfter) > 0 && Number(refused.retryAfter) <= 60, `Retry-After ${refused.retryAfter}`);
      assert.equal(refused.json.error, 'rate_limited');
      assert.match(refused.json.message, /wrong admin token.*Wait/);
      // The right token from the throttled address waits too: a 200 would tell the guesser it guessed right.
      assert.equal((await getAs(guesser, `${admin}/tenants`, adminToken)).status, 429);
      // Another address, with the right token or a wrong one, is not throttled.
      assert.equal((await getAs('203.0.113.2', `${admin}/tenants`, adminToken)).status, 200);
      assert.equal((await getAs('203.0.113.2', `${admin}/tenants`, 'wrong')).status, 401);
    });

    test('admin API: successes never count, so a busy operator script is never throttled', async () => {
      const operator = '203.0.113.10';
      assert.deepEqual(await statuses(3 * ADMIN_FAILURES_PER_MINUTE, () => getAs(operator, `${admin}/tenants`, adminToken)), times(3 * ADMIN_FAILURES_PER_MINUTE, 200));
      // Failures just under the limit, between successes, still answer 401, not 429.
      const mixed = await statuses(2 * (ADMIN_FAILURES_PER_MINUTE - 1), (i) => getAs(operator, `${admin}/tenants`, i % 2 ? adminToken : 'wrong'));
      assert.deepEqual(mixed, mixed.map((_, i) => (i % 2 ? 200 : 401)));
    });

    test('activity UI: refused user tokens are limited per client and tenant, and SFMC is not asked once over the limit', async () => {
      const guesser = '198.51.100.1';
      const userinfo = () => sandbox.sfmc.stats().calls['GET /v2/userinfo'] ?? 0;
      const before = userinfo();
      assert.deepEqual(await statuses(UI_TOKEN_FAILURES_PER_MINUTE, (i) => getAs(guesser, `${api}context`, `not-a-user-token-${i}`)), times(UI_TOKEN_FAILURES_PER_MINUTE, 401));
      assert.equal(userinfo() - before, UI_TOKEN_FAILURES_PER_MINUTE, 'each new refused token was checked with SFMC');
      const refused = await getAs(guesser, `${api}context`, 'not-a-user-token-more');
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.retryAfter) > 0, `Retry-After ${refused.retryAfter}`);
      assert.equal(refused.json.error, 'rate_limited');
      assert.match(refused.json.message, /Journey Builder/);
      assert.equal((await getAs(guesser, `${api}context`, 'not-a-user-token-again')).status, 429);
      assert.equal(userinfo() - before, UI_TOKEN_FAILURES_PER_MINUTE, 'nothing over the limit reached SFMC');
      // Another client of the same tenant works.
      assert.equal((await getAs('198.51.100.2', `${api}context`, userToken)).status, 200);
    });

    test('activity UI: unknown tenant keys count as failures too', async () => {
      const prober = '198.51.100.3';
      const unknown = (i: number) => api.replace(/\/t\/[^/]+\//, `/t/no-such-tenant-${i}/`);
      assert.deepEqual(await statuses(UI_TOKEN_FAILURES_PER_MINUTE, (i) => getAs(prober, `${unknown(i)}context`, userToken)), times(UI_TOKEN_FAILURES_PER_MINUTE, 401));
      assert.equal((await getAs(prober, `${unknown(-1)}context`, userToken)).status, 429);
      // Its failures were counted under no tenant: the real tenant still answers this client.
      assert.equal((await getAs(prober, `${api}context`, userToken)).status, 200);
    });

    test('activity UI: a Journey Builder user is never throttled by its own successes', async () => {
      const marketer = '198.51.100.20';
      const count = 2 * UI_TOKEN_FAILURES_PER_MINUTE;
      assert.deepEqual(await statuses(count, () => getAs(marketer, `${api}context`, userToken)), times(count, 200));
    });
  });
}

describe('without MC_RELAY_TRUST_PROXY the client is the connection, whatever X-Forwarded-For says', () => {
  test('failures sent under ever-changing X-Forwarded-For values share one limit (admin API and /metrics)', async () => {
    const database = await createTestDatabase('sqlite');
    const running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, metricsToken: 'metrics-token-0123456789' });
    try {
      for (const [url, right] of [[`${running.url}/admin/tenants`, running.config.adminToken!], [`${running.url}/metrics`, 'metrics-token-0123456789']] as const) {
        assert.equal((await getAs('192.0.2.250', url, right)).status, 200, url);
        assert.deepEqual(await statuses(ADMIN_FAILURES_PER_MINUTE, (i) => getAs(`192.0.2.${i}`, url, 'wrong')), times(ADMIN_FAILURES_PER_MINUTE, 401), url);
        assert.equal((await getAs('192.0.2.200', url, 'wrong')).status, 429, url);
        assert.equal((await getAs('192.0.2.201', url, right)).status, 429, url);
      }
    } finally {
      await running.close();
      await database.drop();
    }
  });
});
