import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { smsExecuteBody } from './helpers/execute-body.ts';
import { everyMessage } from './helpers/flow.ts';
import { postJson, postJwt } from './helpers/http.ts';
import { hs256 } from './helpers/jwt.ts';
import { fillRoute, type RegisteredRoute, routesOf } from './helpers/routes.ts';
import { newClientAddresses } from './helpers/clients.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { AdminClient, tenantBody, webhookToken } from './helpers/tenants.ts';

/**
 * Tenant isolation through every route the connector registered (read from Fastify's route tree,
 * so routes added later are walked too): with tenant B's credentials (its JWT secret, its
 * users' SFMC token, its webhook token) and tenant A's identifiers (URL key, message id,
 * contact, phone) in every parameter and body, nothing of A is answered and nothing of A's
 * stored rows changes. Admin routes are the operator's: B's credentials get 401 there.
 */
const QUEUE_BOOKKEEPING = new Set(['attempts', 'last_error', 'lease_until', 'next_attempt_at', 'state', 'request_id']);

for (const dialect of testDialects) {
  describe(`tenant isolation through every route (${dialect})`, () => {
    let sandbox: Sandbox;
    let routes: RegisteredRoute[];
    const a = { name: `Tenant A ${randomBytes(6).toString('hex')}`, contactKey: `a-contact-${randomBytes(6).toString('hex')}`, phone: '+4915199887766', messageId: '', urlKey: '', webhookToken: '', id: '', jwtSecret: '' };
    const b = { jwtSecret: '', userToken: '', webhookToken: '', urlKey: '' };
    let snapshotBefore: string;

    /** Every row of every table with a tenant_id column that belongs to A, as text. */
    const rowsOfA = async () => {
      const db = sandbox.connector.store.db;
      // PostgreSQL introspection lists every schema's tables: the names, once, resolve to this test's schema.
      const names = [...new Set((await db.introspection.getTables()).filter((t) => t.columns.some((c) => c.name === 'tenant_id')).map((t) => t.name))].sort();
      assert.ok(names.length >= 5, 'the tenant tables are found');
      const parts: string[] = [];
      for (const name of names) {
        const rows = await db.selectFrom(name as 'messages').selectAll().where('tenant_id', '=', a.id).execute();
        // Queues' retry bookkeeping moves by itself (A's write-back keeps being refused by SFMC): not a change B made.
        const kept = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !(name.endsWith('_queue') && QUEUE_BOOKKEEPING.has(k))).sort()));
        parts.push(`${name}: ${JSON.stringify(kept.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))))}`);
      }
      return parts.join('\n');
    };
    const markersOfA = () => [a.name, a.messageId, a.contactKey, a.phone.slice(1), a.webhookToken, a.jwtSecret];
    const assertNothingOfA = (text: string, where: string) => {
      for (const marker of markersOfA()) assert.equal(text.includes(marker), false, `${where} answers A's ${marker}`);
    };

    before(async () => {
      // Each call comes from a client of its own (X-Forwarded-For): B's hundreds of refused
      // credentials test what they reach, not the failure limits.
      // Delivered only: the set-up waits for A's DELIVERED report, which the default mix withholds 5 % of the time.
      sandbox = await startTestSandbox(dialect, { trustProxy: 'loopback', outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      routes = routesOf(sandbox.connector.app);
      const body = tenantBody({ name: a.name, mid: '510000099', sfmc: { clientId: sandbox.info.sfmc.clientId, clientSecret: sandbox.info.sfmc.clientSecret, authBaseUrl: sandbox.info.sfmc.authBaseUrl }, infobip: sandbox.info.infobip });
      const created = await new AdminClient(sandbox.info.adminUrl, sandbox.info.adminToken).mustCreateTenant(body);
      Object.assign(a, { id: created.id, jwtSecret: body.jwtSigningSecret, urlKey: created.activities.message.match(/\/t\/([^/]+)\//)[1], webhookToken: webhookToken(created.webhooks.deliveryReports) });
      const executed = await postJwt(`${created.activities.message}execute`, hs256(smsExecuteBody(a.contactKey, a.phone), a.jwtSecret));
      a.messageId = String(executed.json?.messageId);
      assert.equal(executed.status, 200);
      // A's message is sent and reported before B starts poking.
      await eventually(async () => (await rowsOfA()).includes('DELIVERED'), "A's delivery report");
      // The dispatcher records 'sent' after Infobip answers, so possibly after the report: wait, or its write would change the snapshot.
      await eventually(() => everyMessage(sandbox.connector.store.db, [a.messageId], (m) => m.state === 'sent'), "A's message recorded sent");

      const { sfmc } = sandbox.info;
      b.userToken = (await postJson(`${sfmc.authBaseUrl}v2/token`, { grant_type: 'client_credentials', client_id: sfmc.clientId, client_secret: sfmc.clientSecret, account_id: sfmc.accountId })).json!.access_token;
      Object.assign(b, { jwtSecret: sandbox.info.jwtSecret, webhookToken: webhookToken(sandbox.info.webhooks.deliveryReports!), urlKey: sandbox.info.messageActivityUrl.match(/\/t\/([^/]+)\//)![1] });
      snapshotBefore = await rowsOfA();
    });
    after(() => sandbox?.close());

    /** The bodies B could send, each naming A's message, contact and phone. */
    const bodiesNamingA = () => {
      const inArguments = [...smsExecuteBody(a.contactKey, a.phone).inArguments, { messageId: a.messageId }];
      const reports = { results: [{ messageId: a.messageId, to: a.phone.slice(1), status: { groupId: 5, groupName: 'REJECTED', id: 6, name: 'REJECTED_NETWORK' }, seenAt: new Date().toISOString() }] };
      const click = { results: [{ messageId: a.messageId, url: 'https://example.com', recipient: a.phone.slice(1) }] };
      const inbound = { results: [{ messageId: `mo-${randomBytes(4).toString('hex')}`, from: a.phone.slice(1), to: '447860099299', text: 'STOP', cleanText: 'STOP', keyword: 'STOP', receivedAt: new Date().toISOString() }] };
      return [
        { type: 'application/jwt', text: hs256({ ...smsExecuteBody(a.contactKey, a.phone), inArguments }, b.jwtSecret) },
        { type: 'application/json', text: JSON.stringify({ inArguments, to: a.phone }) },
        ...[reports, click, inbound].map((j) => ({ type: 'application/json', text: JSON.stringify(j) })),
      ];
    };

    const client = newClientAddresses();
    const send = async (method: string, path: string, headers: Record<string, string>, body?: { type: string; text: string }) => {
      const response = await fetch(`${new URL(sandbox.info.adminUrl).origin}${path}`, {
        method,
        headers: { ...headers, 'x-forwarded-for': client(), ...(body ? { 'content-type': body.type } : {}) },
        ...(body && method !== 'GET' && method !== 'HEAD' ? { body: body.text } : {}),
      });
      return { status: response.status, text: await response.text() };
    };

    test("B's credentials reach nothing of A, on any route", async () => {
      const credentials = [b.jwtSecret, b.userToken, b.webhookToken].map((t) => ({ authorization: `Bearer ${t}` }));
      let calls = 0;
      for (const route of routes) {
        for (const tenantKey of [a.urlKey, b.urlKey]) {
          for (const activity of ['message', 'reports', 'split']) {
            const path = fillRoute(route.url, { tenantKey, token: b.webhookToken, id: a.id, messageId: a.messageId, destination: a.phone.slice(1), activity, call: 'publish', name: 'sms-counter.js' });
            for (const headers of credentials) {
              for (const body of ['GET', 'HEAD', 'DELETE'].includes(route.method) ? [undefined] : bodiesNamingA()) {
                const answer = await send(route.method, path, headers, body);
                calls++;
                const where = `${route.method} ${path} (${body?.type ?? 'no body'})`;
                assert.ok(answer.status < 500, `${where} answered ${answer.status}`);
                assertNothingOfA(answer.text, where);
                if (route.url.startsWith('/admin')) assert.equal(answer.status, 401, `${where}: B's credentials on the admin API`);
                // A's signed and authenticated routes refuse B's credentials outright. Lifecycle calls
                // come unsigned from Journey Builder at times (sfmc.md §1.4): a signed one must verify.
                const lifecycle = route.url.endsWith('/:call');
                // The Configuration app's sign-in routes are open by design: they take credentials, not a session.
                const signIn = route.url.endsWith('/app/api/sign-in-options') || route.url.endsWith('/app/api/session');
                const signed = route.url.endsWith('/execute') || (route.url.includes('/api/') && !signIn) || (lifecycle && body?.type === 'application/jwt');
                if (tenantKey === a.urlKey && signed) assert.equal(answer.status, 401, `${where}: B's credentials at A's URL`);
              }
            }
          }
        }
      }
      console.log(`tenant isolation (${dialect}): ${routes.length} routes, ${calls} calls with B's credentials and A's identifiers`);
      assert.equal(await rowsOfA(), snapshotBefore, "A's stored rows are unchanged");
    });

    test("B's own activities answer for A's message exactly as for a message that does not exist", async () => {
      const unknown = `unknown-${randomBytes(8).toString('hex')}`;
      for (const activity of ['reports', 'split']) {
        const url = sandbox.info[activity === 'reports' ? 'reportsActivityUrl' : 'splitActivityUrl'];
        const ask = async (messageId: string) => (await postJwt(`${url}execute`, hs256({ ...smsExecuteBody('b-contact', '+4915100000001'), inArguments: [{ messageId }, { reportType: 'delivery' }] }, b.jwtSecret))).text.replaceAll(messageId, 'ID');
        assert.equal(await ask(a.messageId), await ask(unknown), activity);
      }
      const status = async (messageId: string) => (await send('GET', `/t/${b.urlKey}/activities/message/api/test-send/${messageId}`, { authorization: `Bearer ${b.userToken}` })).text.replaceAll(messageId, 'ID');
      assert.equal(await status(a.messageId), await status(unknown));
    });
  });
}
