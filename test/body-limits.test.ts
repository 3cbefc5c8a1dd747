import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { postJson } from './helpers/http.ts';
import { fillRoute, type RegisteredRoute, routesOf } from './helpers/routes.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { webhookToken } from './helpers/tenants.ts';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;
/** Above every limit the connector sets (1 MiB server-wide, 4 MiB on webhooks). */
const OVERSIZED = 5 * MiB;
/** What a chunked body (no Content-Length) offers before the server answers. */
const STREAMED = 64 * MiB;

/**
 * Streams `total` bytes (or fewer, once the server has answered) to `url`; answers the status
 * and how many bytes were written. With `declared`, sends a Content-Length; otherwise chunked.
 */
function sendBody(method: string, url: string, total: number, declared: boolean, headers: Record<string, string>): Promise<{ status: number; written: number; cutOff: boolean }> {
  return new Promise((resolve) => {
    let written = 0;
    let status = 0;
    let cutOff = false;
    const chunk = Buffer.alloc(256 * 1024, 'a');
    const req = request(url, { method, headers: { 'content-type': 'application/json', ...headers, ...(declared ? { 'content-length': String(total) } : {}) } });
    const finish = () => resolve({ status, written, cutOff });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on('end', finish);
      res.on('error', finish);
    });
    // The server may close while we are still writing: that is the answer working, not an error.
    // Its 413 can then be lost to the reset (Node's client reports EPIPE/ECONNRESET first).
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (status) return;
      cutOff = error.code === 'EPIPE' || error.code === 'ECONNRESET';
      finish();
    });
    const pump = () => {
      while (written < total && status === 0 && !req.destroyed) {
        const ok = req.write(chunk);
        written += chunk.length;
        if (!ok) return void req.once('drain', pump);
      }
      if (status === 0 && !req.destroyed) req.end();
    };
    pump();
  });
}

describe('request bodies are size-limited on every route that takes one', () => {
  let sandbox: Sandbox;
  let origin: string;
  let bodyRoutes: RegisteredRoute[];
  let values: Record<string, string>;
  let userToken: string;
  let appSession: string;

  before(async () => {
    sandbox = await startTestSandbox('sqlite');
    origin = new URL(sandbox.info.adminUrl).origin;
    const { sfmc } = sandbox.info;
    userToken = (await postJson(`${sfmc.authBaseUrl}v2/token`, { grant_type: 'client_credentials', client_id: sfmc.clientId, client_secret: sfmc.clientSecret, account_id: sfmc.accountId })).json!.access_token;
    // The Configuration app's routes want its session: signed in with the business unit's credentials.
    const tenantKey = sandbox.info.messageActivityUrl.match(/\/t\/([^/]+)\//)![1]!;
    const signIn = await postJson(`${origin}/t/${tenantKey}/app/api/session`, { mid: sfmc.accountId, clientId: sfmc.clientId, clientSecret: sfmc.clientSecret, soapOrigin: sfmc.soapBaseUrl, authOrigin: sfmc.authBaseUrl });
    appSession = signIn.json!.session.token as string;
    const described = await (await fetch(`${sandbox.info.adminUrl}/tenants/${sandbox.info.tenantId}`, { headers: { authorization: `Bearer ${sandbox.info.adminToken}` } })).json() as { infobipAccounts: { id: string }[] };
    values = { accountId: described.infobipAccounts[0]!.id, tenantKey: sandbox.info.messageActivityUrl.match(/\/t\/([^/]+)\//)![1]!, token: webhookToken(sandbox.info.webhooks.deliveryReports!), id: sandbox.info.tenantId, activity: 'message', call: 'publish' };
    bodyRoutes = routesOf(sandbox.connector.app).filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method));
  });
  after(() => sandbox?.close());

  /**
   * The credential a route wants, so the body limit is met by a caller who gets that far. A route
   * added later that authenticates before reading (onRequest) may answer 401 without one: its
   * body is not read either, which the chunked test's memory check still holds it to.
   */
  const auth = (url: string): Record<string, string> =>
    url.startsWith('/admin')
      ? { authorization: `Bearer ${sandbox.info.adminToken}` }
      : url.includes('/app/')
        ? { authorization: `Bearer ${appSession}` }
        : url.includes('/api/')
          ? { authorization: `Bearer ${userToken}` }
          : {};
  const known = (url: string) => /^\/(admin|t|hooks)\//.test(url);
  const refused = (url: string, status: number) => status === 413 || (!known(url) && status === 401);

  test('the routes are enumerated from Fastify, not listed by hand', () => {
    const urls = bodyRoutes.map((r) => `${r.method} ${r.url}`);
    // Today's routes that take bodies, as a floor: routes added later join the list by themselves.
    for (const expected of ['POST /t/:tenantKey/activities/:activity/execute', 'POST /hooks/:token/delivery-reports', 'POST /hooks/:token/inbound', 'POST /admin/tenants', 'PATCH /admin/tenants/:id/reports']) {
      assert.ok(urls.includes(expected), `${expected} is among ${urls.join(', ')}`);
    }
  });

  test('a declared oversized body is answered 413 on every route', async () => {
    for (const route of bodyRoutes) {
      const answer = await sendBody(route.method, `${origin}${fillRoute(route.url, values)}`, OVERSIZED, true, auth(route.url));
      assert.ok(refused(route.url, answer.status), `${route.method} ${route.url} answered ${answer.status}`);
    }
  });

  test('a chunked body without Content-Length is cut off with 413, and the server does not keep it', async () => {
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let offered = 0;
    for (const route of bodyRoutes) {
      const answer = await sendBody(route.method, `${origin}${fillRoute(route.url, values)}`, STREAMED, false, auth(route.url));
      // A stream the server cut off mid-write counts as refused: the check that it stopped reading follows.
      assert.ok(refused(route.url, answer.status) || (answer.status === 0 && answer.cutOff), `${route.method} ${route.url} answered ${answer.status}`);
      assert.ok(answer.written < STREAMED, `${route.method} ${route.url}: the server stopped reading (${answer.written} bytes written)`);
      offered += answer.written;
    }
    gc();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    console.log(`body limits: ${bodyRoutes.length} routes, ${(offered / MiB).toFixed(0)} MiB offered in chunks, heap grew ${(grown / MiB).toFixed(1)} MiB`);
    // Client and server share this process: whatever either kept would show here.
    assert.ok(grown < 16 * MiB, `heap grew ${(grown / MiB).toFixed(1)} MiB`);
  });
});
