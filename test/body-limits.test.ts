import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RunningConnector } from './helpers/connector.ts';
import { createTestDatabase, type TestDatabase } from './helpers/databases.ts';
import { fillRoute, type RegisteredRoute, startConnectorWithRoutes } from './helpers/routes.ts';
import { tenantBody, webhookToken } from './helpers/tenants.ts';

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
function sendBody(method: string, url: string, total: number, declared: boolean, headers: Record<string, string>): Promise<{ status: number; written: number }> {
  return new Promise((resolve) => {
    let written = 0;
    let status = 0;
    const chunk = Buffer.alloc(256 * 1024, 'a');
    const req = request(url, { method, headers: { 'content-type': 'application/json', ...headers, ...(declared ? { 'content-length': String(total) } : {}) } });
    const finish = () => resolve({ status, written });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on('end', finish);
      res.on('error', finish);
    });
    // The server may close while we are still writing: that is the answer working, not an error.
    req.on('error', () => (status ? undefined : finish()));
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
  let database: TestDatabase;
  let server: RunningConnector & { routes: RegisteredRoute[] };
  let bodyRoutes: RegisteredRoute[];
  let values: Record<string, string>;

  before(async () => {
    database = await createTestDatabase('sqlite');
    server = await startConnectorWithRoutes({ databaseUrl: database.url, dataDir: database.dataDir });
    const tenant = await server.admin.mustCreateTenant(tenantBody());
    values = { tenantKey: tenant.activities.message.match(/\/t\/([^/]+)\//)[1], token: webhookToken(tenant.webhooks.deliveryReports), id: tenant.id, activity: 'message', call: 'publish' };
    bodyRoutes = server.routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method));
  });
  after(async () => {
    await server?.close();
    await database?.drop();
  });

  const auth = () => ({ authorization: `Bearer ${server.config.adminToken}` });

  test('the routes are enumerated from Fastify, not listed by hand', () => {
    const urls = bodyRoutes.map((r) => `${r.method} ${r.url}`);
    // Today's routes that take bodies, as a floor: routes added later join the list by themselves.
    for (const expected of ['POST /t/:tenantKey/activities/:activity/execute', 'POST /hooks/:token/delivery-reports', 'POST /hooks/:token/inbound', 'POST /admin/tenants', 'PATCH /admin/tenants/:id/reports']) {
      assert.ok(urls.includes(expected), `${expected} is among ${urls.join(', ')}`);
    }
    for (const route of bodyRoutes) assert.ok((route.bodyLimit ?? MiB) < OVERSIZED, `${route.method} ${route.url} accepts ${route.bodyLimit} bytes`);
  });

  test('a declared oversized body is answered 413 on every route', async () => {
    for (const route of bodyRoutes) {
      const answer = await sendBody(route.method, `${server.url}${fillRoute(route.url, values)}`, OVERSIZED, true, auth());
      assert.equal(answer.status, 413, `${route.method} ${route.url}`);
    }
  });

  test('a chunked body without Content-Length is cut off with 413, and the server does not keep it', async () => {
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let offered = 0;
    for (const route of bodyRoutes) {
      const answer = await sendBody(route.method, `${server.url}${fillRoute(route.url, values)}`, STREAMED, false, auth());
      assert.equal(answer.status, 413, `${route.method} ${route.url}`);
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
