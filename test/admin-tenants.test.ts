import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reportDataExtensions } from '../src/reports/data-extensions.ts';
import { type RunningConnector, startConnector } from './helpers/connector.ts';
import { createTestDatabase, type TestDatabase, testDialects } from './helpers/databases.ts';
import { get, postJson } from './helpers/http.ts';
import { AdminClient, bodySecrets, tenantBody } from './helpers/tenants.ts';

/**
 * The operator's tenant API. The connector runs as in production: private and loopback URLs
 * are refused (allowPrivateUrls false).
 */
for (const dialect of testDialects) {
  describe(`admin API: tenants (${dialect})`, () => {
    let database: TestDatabase;
    let running: RunningConnector;
    let admin: AdminClient;
    before(async () => {
      database = await createTestDatabase(dialect);
      running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, allowPrivateUrls: false });
      admin = running.admin;
    });
    after(async () => {
      await running.close();
      await database.drop();
    });

    const tenantCount = async () => ((await admin.listTenants()).json?.tenants as unknown[]).length;

    test('creates a tenant: 201 with activity URLs, webhook URLs and data extensions', async () => {
      const body = tenantBody({ dataExtensions: { smsDeliveryReports: 'My_SMS_Reports' } });
      const answer = await admin.createTenant(body);
      assert.equal(answer.status, 201, answer.text);
      const tenant = answer.json!;
      assert.equal(typeof tenant.id, 'string');
      assert.equal(tenant.name, body.name);
      assert.equal(tenant.mid, body.mid);
      assert.equal(tenant.defaultCountry, 'DE');
      assert.deepEqual(Object.keys(tenant.activities).sort(), ['message', 'reports', 'split']);
      assert.equal(tenant.activities.message, `${running.url}/t/${tenant.urlKey}/activities/message/`);
      assert.equal(tenant.activities.reports, `${running.url}/t/${tenant.urlKey}/activities/reports/`);
      assert.match(tenant.webhooks.deliveryReports, new RegExp(`^${running.url}/hooks/[A-Za-z0-9_-]{20,}/delivery-reports$`));
      // Every webhook an operator points Infobip at: delivery, seen, click, inbound.
      assert.deepEqual(Object.keys(tenant.webhooks).sort(), ['clicks', 'deliveryReports', 'inbound', 'seenReports']);
      for (const url of Object.values(tenant.webhooks) as string[]) assert.ok(url.startsWith(tenant.webhooks.deliveryReports.replace(/delivery-reports$/, '')), url);
      const expectedDataExtensions = Object.fromEntries(reportDataExtensions.map((d) => [d.id, d.defaultKey]));
      assert.deepEqual(tenant.dataExtensions, { ...expectedDataExtensions, smsDeliveryReports: 'My_SMS_Reports' });

      // The URLs it answers are live.
      assert.equal((await get(`${tenant.activities.message}config.json`)).status, 200);
      assert.equal((await get(`${tenant.activities.reports}config.json`)).status, 200);
      assert.equal((await postJson(tenant.webhooks.deliveryReports, { results: [] })).status, 200);
      assert.equal((await postJson(tenant.webhooks.inbound, { results: [] })).status, 200);
      assert.equal((await get(`${tenant.activities.split}config.json`)).status, 200);
    });

    test('401 without or with a wrong bearer token', async () => {
      const before = await tenantCount();
      const url = `${running.url}/admin/tenants`;
      const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token' }, { authorization: `Basic ${running.config.adminToken}` }, { authorization: 'Bearer ' }];
      for (const headers of attempts) {
        const created = await postJson(url, tenantBody(), headers);
        assert.equal(created.status, 401, JSON.stringify(headers));
        assert.equal(created.json?.error, 'unauthorized');
        assert.equal((await get(url, headers)).status, 401);
      }
      assert.equal(await new AdminClient(`${running.url}/admin`, `${running.config.adminToken}x`).getTenant('x').then((a) => a.status), 401);
      assert.equal(await tenantCount(), before);
    });

    /** Sends a body and expects a 400 whose `field` names the problem; nothing is stored. */
    async function assertInvalid(body: unknown, field: string): Promise<void> {
      const before = await tenantCount();
      const answer = await admin.createTenant(body);
      assert.equal(answer.status, 400, `${field}: ${answer.text}`);
      assert.equal(answer.json?.error, 'invalid_request');
      assert.equal(answer.json?.field, field, answer.text);
      assert.ok(String(answer.json?.message).includes(field), `the message names ${field}: ${answer.json?.message}`);
      assert.equal(await tenantCount(), before);
    }

    test('400 naming a missing field', async () => {
      const { mid: _mid, ...withoutMid } = tenantBody();
      await assertInvalid(withoutMid, 'mid');
      const body = tenantBody();
      const { clientSecret: _secret, ...sfmcWithoutSecret } = body.sfmc;
      await assertInvalid({ ...body, sfmc: sfmcWithoutSecret }, 'sfmc.clientSecret');
      const { apiKey: _key, ...infobipWithoutKey } = body.infobip;
      await assertInvalid({ ...body, infobip: infobipWithoutKey }, 'infobip.apiKey');
    });

    test('400 naming a bad URL', async () => {
      const body = tenantBody();
      for (const bad of ['not a url', 'ftp://api.infobip.com', 'https://user:pass@api.infobip.com']) {
        await assertInvalid({ ...body, infobip: { ...body.infobip, baseUrl: bad } }, 'infobip.baseUrl');
      }
      await assertInvalid({ ...body, sfmc: { ...body.sfmc, authBaseUrl: 'javascript:alert(1)' } }, 'sfmc.authBaseUrl');
    });

    test('400 for loopback and private URLs when private URLs are not allowed', async () => {
      const body = tenantBody();
      for (const bad of ['http://127.0.0.1:8080', 'http://localhost/', 'http://10.1.2.3', 'http://192.168.1.10', 'http://[::1]:9000', 'http://169.254.169.254/latest']) {
        await assertInvalid({ ...body, infobip: { ...body.infobip, baseUrl: bad } }, 'infobip.baseUrl');
        await assertInvalid({ ...body, sfmc: { ...body.sfmc, authBaseUrl: bad } }, 'sfmc.authBaseUrl');
      }
    });

    test('400 naming a bad defaultCountry', async () => {
      await assertInvalid(tenantBody({ defaultCountry: 'XX' }), 'defaultCountry');
      await assertInvalid(tenantBody({ defaultCountry: 'de' }), 'defaultCountry');
      await assertInvalid(tenantBody({ defaultCountry: 'DEU' }), 'defaultCountry');
    });

    test('400 naming an unknown property', async () => {
      await assertInvalid(tenantBody({ unexpected: true }), 'unexpected');
      const body = tenantBody();
      await assertInvalid({ ...body, sfmc: { ...body.sfmc, restBaseUrl: 'https://x.example.com' } }, 'sfmc.restBaseUrl');
      await assertInvalid(tenantBody({ dataExtensions: { notAReport: 'X' } }), 'dataExtensions.notAReport');
    });

    test('answers never contain the API key, client secret or JWT secret', async () => {
      const body = tenantBody();
      const created = await admin.createTenant(body);
      assert.equal(created.status, 201);
      const one = await admin.getTenant(created.json!.id);
      assert.equal(one.status, 200);
      assert.deepEqual(one.json, created.json);
      const all = await admin.listTenants();
      assert.equal(all.status, 200);
      assert.ok((all.json!.tenants as { id: string }[]).some((t) => t.id === created.json!.id));
      for (const answer of [created, one, all]) {
        for (const secret of bodySecrets(body)) assert.ok(!answer.text.includes(secret), `an answer leaks ${secret.split('-')[0]}`);
      }
      assert.equal((await admin.getTenant('no-such-tenant')).status, 404);
    });
  });
}
