// `mc-relay package` and the admin API's package download and "Create / update data extensions":
// the package has exactly the guide's columns, and provisioning creates what is missing, adds
// missing fields, and never deletes or changes a row.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSfmcSimulator, type SfmcSimulator } from '../src/sandbox/sfmc/simulator.ts';
import { startConnector, type RunningConnector } from './helpers/connector.ts';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/databases.ts';
import { get, postJson } from './helpers/http.ts';
import { tenantBody } from './helpers/tenants.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const MID = '510000001';

function mcRelay(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/mc-relay.js', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

// The guide's "Reports" tables (connector-user-guide.txt, section "Reports"), attribute names in order.
const STATUS_COLUMNS = ['statusGroupId', 'statusGroupName', 'statusId', 'statusName', 'statusDescription', 'errorGroupId', 'errorGroupName', 'errorId', 'errorName'];
const GUIDE_COLUMNS: Record<string, string[]> = {
  'SMS Delivery Reports': ['messageId', 'messageCount', 'to', 'from', 'pricePerMessage', 'priceCurrency', ...STATUS_COLUMNS, 'errorDescription', 'errorPermanent', 'callbackData', 'sentAt', 'doneAt', 'originalMCC', 'originalMNC'],
  // The guide names the Omni table's error-description row "x"; it is errorDescription, as in the SMS table.
  'Omni Reports': ['messageId', 'messageCount', 'to', 'pricePerMessage', 'Currency', ...STATUS_COLUMNS, 'errorDescription', 'errorPermanent', 'callbackData', 'sentAt', 'doneAt', 'seenAt', 'from', 'channel'],
  'Unified URL Tracking': ['notificationType', 'messageId', 'recipient', 'url', 'sendDateTime', 'deviceType', 'os', 'deviceName', 'callbackData', 'channel'],
};

type Package = { name: string; version: string; dataExtensions: { name: string; customerKey: string; isSendable: boolean; sendableDataExtensionField?: string; fields: { name: string; fieldType: string; isPrimaryKey: boolean }[] }[] };

describe('mc-relay package', () => {
  let pkg: Package;
  before(async () => {
    const run = await mcRelay(['package']);
    assert.equal(run.code, 0);
    pkg = JSON.parse(run.stdout) as Package;
  });

  it('lists the five data extensions of the guide', () => {
    assert.deepEqual(pkg.dataExtensions.map((d) => d.name), ['SMS Delivery Reports', 'Omni Reports', 'Unified URL Tracking', 'Inbound Messages', 'SampleAudience']);
  });

  it('has exactly the guide\'s columns, in the guide\'s order, for each report table', () => {
    for (const [name, columns] of Object.entries(GUIDE_COLUMNS)) {
      assert.deepEqual(pkg.dataExtensions.find((d) => d.name === name)!.fields.map((f) => f.name), columns, name);
    }
  });

  it('SampleAudience is sendable on ContactKey and has a Phone field', () => {
    const audience = pkg.dataExtensions.find((d) => d.name === 'SampleAudience')!;
    assert.equal(audience.isSendable, true);
    assert.equal(audience.sendableDataExtensionField, 'ContactKey');
    assert.ok(audience.fields.some((f) => f.fieldType === 'Phone'));
    assert.ok(audience.fields.find((f) => f.name === 'ContactKey')?.isPrimaryKey);
  });

  it('an unknown option is refused', async () => {
    assert.equal((await mcRelay(['package', '--nope'])).code, 2);
  });
});

for (const dialect of testDialects) {
  describe(`admin API: package download and Create / update data extensions (${dialect})`, () => {
    let sfmc: SfmcSimulator;
    let database: TestDatabase;
    let running: RunningConnector;
    let tenantId: string;

    before(async () => {
      sfmc = await startSfmcSimulator({ clients: [{ clientId: 'relay', clientSecret: 'relay-secret', accountId: MID }] });
      // An older SMS table without the MNC/MCC columns, holding a row.
      sfmc.createDataExtension(MID, {
        key: 'SMS_Delivery_Reports',
        name: 'SMS Delivery Reports',
        fields: [
          { name: 'messageId', type: 'Text', maxLength: 50, isPrimaryKey: true },
          { name: 'to', type: 'Text', maxLength: 50 },
          { name: 'statusName', type: 'Number' },
        ],
      });
      database = await createTestDatabase(dialect);
      running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, allowPrivateUrls: true });
      const body = tenantBody({ mid: MID, sfmc: { clientId: 'relay', clientSecret: 'relay-secret', authBaseUrl: sfmc.authBaseUrl }, dataExtensions: { omniReports: 'My_Omni' } });
      tenantId = (await running.admin.mustCreateTenant(body)).id;
      const token = await (await fetch(`${sfmc.authBaseUrl}v2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'relay', client_secret: 'relay-secret' }) })).json() as { access_token: string };
      const put = await fetch(`${sfmc.restBaseUrl}data/v1/async/dataextensions/key:SMS_Delivery_Reports/rows`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ messageId: 'm1', to: '41790000000', statusName: 3 }] }),
      });
      assert.equal(put.status, 202);
    });
    after(async () => {
      await running.close();
      await sfmc.close();
      await database.drop();
    });
    const auth = () => ({ authorization: `Bearer ${running.config.adminToken}` });

    it('GET /admin/package is the CLI\'s package, with the tenant\'s keys when asked', async () => {
      const plain = await get(`${running.url}/admin/package`, auth());
      assert.equal(plain.status, 200);
      assert.deepEqual(plain.json, JSON.parse((await mcRelay(['package'])).stdout));
      const forTenant = await get(`${running.url}/admin/package?tenant=${tenantId}`, auth());
      assert.equal((forTenant.json as Package).dataExtensions[1]!.customerKey, 'My_Omni');
      assert.equal((await get(`${running.url}/admin/package`)).status, 401);
    });

    it('creates missing data extensions, adds missing fields, keeps rows and differing types, then finds all up to date', async () => {
      const first = await postJson(`${running.url}/admin/tenants/${tenantId}/data-extensions`, {}, auth());
      assert.equal(first.status, 200, first.text);
      const byKey = Object.fromEntries((first.json!.outcomes as any[]).map((o) => [o.key, o]));
      assert.equal(byKey.SMS_Delivery_Reports.action, 'fieldsAdded');
      assert.ok(byKey.SMS_Delivery_Reports.addedFields.includes('originalMNC'));
      assert.deepEqual(byKey.SMS_Delivery_Reports.differingFields, ['statusName']);
      for (const key of ['My_Omni', 'Unified_URL_Tracking', 'Inbound_Messages', 'SampleAudience']) assert.equal(byKey[key].action, 'created', key);

      const rows = sfmc.rows(MID, 'SMS_Delivery_Reports');
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.messageId, 'm1');
      assert.equal(rows[0]!.statusName, 3, 'an existing column keeps its type and data');

      const second = await postJson(`${running.url}/admin/tenants/${tenantId}/data-extensions`, {}, auth());
      assert.deepEqual((second.json!.outcomes as any[]).map((o) => o.action), ['upToDate', 'upToDate', 'upToDate', 'upToDate', 'upToDate']);
    });
  });
}
