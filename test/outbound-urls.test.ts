import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sendToInfobip } from '../src/infobip/send.ts';
import { postNotification } from '../src/reports/external-notification.ts';
import { SfmcClient } from '../src/sfmc/client.ts';
import { retrieveDataExtensions } from '../src/sfmc/soap.ts';
import { UserTokenVerifier } from '../src/sfmc/user-token.ts';
import type { Tenant } from '../src/tenants/tenant.ts';
import { type RunningConnector, startConnector } from './helpers/connector.ts';
import { createTestDatabase, type TestDatabase } from './helpers/databases.ts';
import { smsExecuteBody, withArguments } from './helpers/execute-body.ts';
import { postJson, postJwt } from './helpers/http.ts';
import { hs256 } from './helpers/jwt.ts';
import { tenantBody } from './helpers/tenants.ts';

/**
 * Every address form a user could give to reach inside our network. The URL parser turns the
 * decimal, octal and hex IPv4 forms into dotted ones; the IPv6 forms embed loopback or are local.
 */
const forbiddenUrls = [
  'http://127.0.0.1/', 'http://localhost:8080/', 'http://api.localhost/', 'http://0.0.0.0/',
  'http://10.1.2.3/', 'http://172.16.0.1/', 'http://172.31.255.254/', 'http://192.168.1.1/',
  'http://169.254.169.254/latest/meta-data/', 'http://169.254.0.1/', 'http://100.64.0.1/',
  'http://[::1]/', 'http://[0:0:0:0:0:0:0:1]/', 'http://[fc00::1]/', 'http://[fd12:3456::1]/', 'http://[fe80::1]/',
  'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[::ffff:169.254.169.254]/', 'http://[::127.0.0.1]/', 'http://[64:ff9b::a00:1]/',
  'http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.0.0.1/', 'http://127.1/', 'http://017700000001/', 'http://0xa9fea9fe/',
];
const acceptedUrl = 'https://api.example.com/';

/** A loopback HTTP server that counts what reaches it; `handler` answers (200 by default). */
async function countingServer(handler: (res: import('node:http').ServerResponse) => void = (res) => res.end('{}')): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    req.resume();
    handler(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits: () => hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('outbound URLs given by users (MC_RELAY_ALLOW_PRIVATE_URLS unset)', () => {
  let database: TestDatabase;
  let connector: RunningConnector;
  let tenant: Tenant;
  let jwtSecret: string;

  before(async () => {
    database = await createTestDatabase('sqlite');
    connector = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, allowPrivateUrls: false });
    const body = tenantBody();
    jwtSecret = body.jwtSigningSecret;
    const created = await connector.admin.mustCreateTenant(body);
    tenant = (await connector.connector.tenants.byId(created.id))!;
  });
  after(async () => {
    await connector?.close();
    await database?.drop();
  });

  const adminRefuses = async (kind: string, send: (url: string) => Promise<{ status: number; json: Record<string, any> | undefined }>, field: string) => {
    for (const url of forbiddenUrls) {
      const answer = await send(url);
      assert.equal(answer.status, 400, `${kind} ${url} answered ${answer.status}`);
      assert.equal(answer.json?.field, field, `${kind} ${url} names its field`);
      assert.match(answer.json?.message ?? '', /MC_RELAY_ALLOW_PRIVATE_URLS/);
    }
    assert.ok([200, 201].includes((await send(acceptedUrl)).status), `${kind}: a public URL is accepted`);
  };

  test('SFMC auth base URL: loopback, private, link-local and their disguises are refused', async () => {
    await adminRefuses('sfmc.authBaseUrl', (url) => connector.admin.createTenant(tenantBody({ sfmc: { clientId: 'c', clientSecret: 's', authBaseUrl: url } })), 'sfmc.authBaseUrl');
  });

  test('Infobip base URL of a new tenant: refused the same way', async () => {
    await adminRefuses('infobip.baseUrl', (url) => connector.admin.createTenant(tenantBody({ infobip: { baseUrl: url, apiKey: 'key' } })), 'infobip.baseUrl');
  });

  test('Infobip base URL of an added account: refused the same way', async () => {
    const auth = { authorization: `Bearer ${connector.config.adminToken}` };
    await adminRefuses('account baseUrl', (url) => postJson(`${connector.url}/admin/tenants/${tenant.id}/infobip-accounts`, { name: `acct-${Math.random()}`, baseUrl: url, apiKey: 'key' }, auth), 'baseUrl');
  });

  test('External notification URLs (SMS and omni): refused the same way', async () => {
    for (const family of ['sms', 'omni'] as const) {
      await adminRefuses(`${family}.url`, async (url) => {
        const response = await fetch(`${connector.url}/admin/tenants/${tenant.id}/reports`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${connector.config.adminToken}` },
          body: JSON.stringify({ [family]: { mode: 'external', url } }),
        });
        return { status: response.status, json: (await response.json()) as Record<string, any> };
      }, `${family}.url`);
    }
  });

  test('custom domains (URL shortening) must be DNS names: IP literals are business errors, never called', async () => {
    const tracking = { urlShortening: true, shortenUrl: true, trackClicks: true };
    for (const customDomain of ['127.0.0.1', '169.254.169.254', '[::1]', '2130706433', 'localhost', 'http://10.0.0.1']) {
      const body = withArguments(smsExecuteBody('domain-contact', '+4915112345678'), { set: { ...tracking, customDomain } });
      const answer = await postJwt(`${connector.url}/t/${tenant.urlKey}/activities/message/execute`, hs256(body, jwtSecret));
      assert.equal(answer.status, 200, customDomain);
      assert.equal(answer.json?.messageStatus, 'Error: Invalid custom domain length', customDomain);
    }
  });

  test('a host name that resolves to loopback is refused when connecting, by every outbound client', async () => {
    const target = await countingServer();
    const viaName = target.url.replace('127.0.0.1', 'localhost');
    try {
      const notified = await postNotification(`${viaName}/notify`, [{ messageId: 'm' }]);
      assert.equal(notified.ok, false);
      assert.match(notified.ok ? '' : notified.reason, /resolves to .*loopback, private or link-local/);

      const sent = await sendToInfobip({ id: 'a', name: 'a', baseUrl: viaName, apiKey: 'k', isDefault: true }, '/sms/3/messages', { messages: [] });
      assert.equal(sent.kind, 'retry');
      assert.match(sent.kind === 'retry' ? sent.reason : '', /resolves to/);

      const sfmcTenant: Tenant = { ...tenant, settings: { ...tenant.settings, sfmc: { ...tenant.settings.sfmc, authBaseUrl: `${viaName}/` } } };
      const written = await new SfmcClient().upsertRowsAsync(sfmcTenant, 'key', [{ a: '1' }]);
      assert.notEqual(written.kind, 'ok');
      assert.match((written as { reason: string }).reason, /resolves to/);

      assert.equal(await new UserTokenVerifier().belongsTo(sfmcTenant, 'a-user-token'), false);
      // SOAP goes to the SOAP Origin a user typed, or to the soap_instance_url SFMC answered.
      await assert.rejects(retrieveDataExtensions({ accessToken: 't', restBaseUrl: `${viaName}/`, soapBaseUrl: `${viaName}/` }), /resolves to .*loopback/);
      assert.equal(target.hits(), 0, 'no request reached the loopback server');
    } finally {
      await target.close();
    }
  });

  test('an IP literal that skipped the admin check (stored while allowed, or named by a remote answer) is refused when connecting', async () => {
    const target = await countingServer();
    try {
      const stored = await postNotification(`${target.url}/notify`, [{ messageId: 'm' }]);
      assert.match(stored.ok ? '' : stored.reason, /127\.0\.0\.1 is a loopback, private or link-local address/);
      const sent = await sendToInfobip({ id: 'a', name: 'a', baseUrl: target.url.replace('127.0.0.1', '[::ffff:127.0.0.1]'), apiKey: 'k', isDefault: true }, '/sms/3/messages', { messages: [] });
      assert.match(sent.kind === 'retry' ? sent.reason : '', /::ffff:7f00:1 is a loopback/);
      assert.equal(target.hits(), 0);
    } finally {
      await target.close();
    }
  });

  // Last: once a connector of this process allows private URLs, the process allows them.
  test('with MC_RELAY_ALLOW_PRIVATE_URLS the same URLs are accepted, and redirects are still not followed', async () => {
    const other = await createTestDatabase('sqlite');
    const open = await startConnector({ databaseUrl: other.url, dataDir: other.dataDir, allowPrivateUrls: true });
    const inside = await countingServer();
    const redirecting = await countingServer((res) => res.writeHead(302, { location: `${inside.url}/stolen` }).end());
    try {
      for (const url of ['http://127.0.0.1:9/', 'http://[::1]/', 'http://169.254.169.254/']) {
        assert.equal((await open.admin.createTenant(tenantBody({ infobip: { baseUrl: url, apiKey: 'k' } }))).status, 201, url);
      }
      const notified = await postNotification(`${redirecting.url}/notify`, [{ messageId: 'm' }]);
      assert.deepEqual(notified, { ok: false, reason: 'notification URL answered HTTP 302', retryAfterMs: undefined });
      const sent = await sendToInfobip({ id: 'a', name: 'a', baseUrl: redirecting.url, apiKey: 'k', isDefault: true }, '/sms/3/messages', { messages: [] });
      assert.equal(sent.kind, 'rejected');
      assert.equal(redirecting.hits(), 2);
      assert.equal(inside.hits(), 0, 'the redirect target was never called');
    } finally {
      await inside.close();
      await redirecting.close();
      await open.close();
      await other.drop();
    }
  });
});
