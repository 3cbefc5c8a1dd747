// Where reports go. Native: the tenant's data extensions, with the custom callback data fields its
// data extension has columns for (read through SOAP); a missing data extension or an unknown column is an error the
// admin API shows (and the logs), never silent loss. External: the tenant's SMS / OMNI
// notification URLs get the reports as JSON, retried with backoff; loopback and private URLs are
// refused unless the operator allows them.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { omniReports, smsDeliveryReports } from '../src/reports/data-extensions.ts';
import { fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import type { DataExtensionField } from '../src/sfmc/data-extension.ts';
import { verifyClientCredentials } from '../src/sfmc/oauth.ts';
import { addFields } from '../src/sfmc/soap.ts';
import { type RunningConnector, startConnector } from './helpers/connector.ts';
import { createTestDatabase, type TestDatabase, testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { addTenant, contacts, executeAll, sfmcRowsById, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { capturedLog } from './helpers/log-capture.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { tenantBody } from './helpers/tenants.ts';

type Json = Record<string, any>;

/** A notification URL that answers 500 to its first `failures` POSTs, then 2xx; keeps every attempt. */
async function startReceiver(failures: number): Promise<{ url: string; bodies: Json[]; attempts: { at: number; ids: string[]; ok: boolean }[]; close(): Promise<void> }> {
  const bodies: Json[] = [];
  const attempts: { at: number; ids: string[]; ok: boolean }[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as Json;
      const ok = attempts.length >= failures;
      attempts.push({ at: Date.now(), ids: (body.results as Json[]).map((r) => String(r.messageId)), ok });
      if (!ok) return void res.writeHead(500).end();
      bodies.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/reports`,
    bodies,
    attempts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Milliseconds from each failed POST to the next POST carrying one of its rows. */
function retryGaps(attempts: { at: number; ids: string[]; ok: boolean }[]): number[] {
  return attempts.flatMap((failed, i) => {
    if (failed.ok) return [];
    const retry = attempts.slice(i + 1).find((a) => a.ids.some((id) => failed.ids.includes(id)));
    return retry ? [retry.at - failed.at] : [];
  });
}

for (const dialect of testDialects) {
  describe(`report settings as in production (${dialect})`, () => {
    let database: TestDatabase;
    let running: RunningConnector;
    let tenantId: string;
    const patch = (body: unknown) =>
      fetch(`${running.url}/admin/tenants/${tenantId}/reports`, { method: 'PATCH', headers: { authorization: `Bearer ${running.admin.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    before(async () => {
      database = await createTestDatabase(dialect);
      running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, allowPrivateUrls: false });
      tenantId = (await running.admin.mustCreateTenant(tenantBody())).id;
    });
    after(async () => {
      await running.close();
      await database.drop();
    });

    test('External notification URLs on loopback, private or link-local addresses are refused', async () => {
      for (const url of ['http://127.0.0.1:8080/hook', 'http://10.1.2.3/hook', 'http://169.254.169.254/latest', 'http://[::1]/x', 'http://localhost/x']) {
        const answer = await patch({ sms: { mode: 'external', url } });
        assert.equal(answer.status, 400, url);
        const body = (await answer.json()) as Json;
        assert.equal(body.field, 'sms.url');
        assert.match(body.message, /MC_RELAY_ALLOW_PRIVATE_URLS/);
      }
      const ok = await patch({ omni: { mode: 'external', url: 'https://hooks.example.com/omni' }, replyWindowHours: 24 });
      assert.equal(ok.status, 200);
      const described = (await ok.json()) as Json;
      assert.deepEqual(described.reports.omni, { mode: 'external', url: 'https://hooks.example.com/omni' });
      assert.deepEqual(described.reports.sms, { mode: 'native' });
      assert.equal(described.reports.replyWindowHours, 24);
    });

    test('invalid settings name the field', async () => {
      const cases: [unknown, string][] = [
        [{ webhookSecurity: { type: 'HMAC', algorithm: 'HMAC_SHA_999', secretKey: 'k' } }, 'webhookSecurity'],
        // Retired: the write-back reads the data extension's columns itself.
        [{ callbackDataColumns: { smsDeliveryReports: ['Campaign'] } }, 'callbackDataColumns'],
        [{ replyWindowHours: 0 }, 'replyWindowHours'],
        [{ sms: { mode: 'carrier-pigeon' } }, 'sms'],
      ];
      for (const [body, field] of cases) {
        const answer = await patch(body);
        assert.equal(answer.status, 400, JSON.stringify(body));
        assert.match(String(((await answer.json()) as Json).field ?? ''), new RegExp(`^${field.replace('.', '\\.')}`));
      }
    });
  });

  describe(`report sinks through the sandbox (${dialect})`, () => {
    let sandbox: Sandbox;
    let phones = 4000;
    /** The connector's log: write-back problems must be there too, for the operator. */
    const logged = capturedLog();
    const logLines = () => logged.text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Json);
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${sandbox.info.adminUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${sandbox.info.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const wave = (t: TestTenant, count: number) => {
      const list = contacts(uniquePrefix('sink'), count, phones);
      phones += count;
      return executeAll(t, list, count);
    };

    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 }, log: logged.log });
    });
    after(() => sandbox.close());

    test('External: SMS reports are POSTed as JSON to the SMS notification URL, retried after failures, and not written to the data extension', async () => {
      const receiver = await startReceiver(2);
      try {
        const other = await addTenant(sandbox, { name: 'External BU' });
        assert.equal((await admin('PATCH', `/tenants/${other.id}/reports`, { sms: { mode: 'external', url: receiver.url } })).status, 200);
        const ids = await wave(other, 3);
        const received = await eventually(() => {
          const rows = receiver.bodies.flatMap((b) => b.results as Json[]).filter((r) => ids.includes(r.messageId) && r.statusName === 'DELIVERED_TO_HANDSET');
          return new Set(rows.map((r) => r.messageId)).size === ids.length ? rows : undefined;
        }, 'the reports at the notification URL', 30_000);
        const gaps = retryGaps(receiver.attempts);
        assert.equal(gaps.length, 2, 'both failed POSTs were retried');
        // The first retry waits at least half of a second (retryDelayMs), never at once.
        assert.ok(gaps.every((gap) => gap >= 450), `backoff between attempts: ${gaps.join(', ')} ms`);
        assert.deepEqual(Object.keys(received[0]!).sort(), smsDeliveryReports.fields.map((f) => f.name).sort(), 'the SMS Delivery Reports columns');
        const rows = sandbox.sfmc.rows(sandbox.info.sfmc.accountId, sandbox.info.dataExtensions.smsDeliveryReports!);
        assert.ok(!rows.some((r) => ids.includes(String(r.messageId))), 'nothing written natively');
      } finally {
        await receiver.close();
      }
    });

    test('External: Viber reports (Omni) go to the OMNI notification URL with the Omni Reports columns, SMS stays native', async () => {
      const receiver = await startReceiver(1);
      try {
        const other = await addTenant(sandbox, { name: 'External Omni BU' });
        assert.equal((await admin('PATCH', `/tenants/${other.id}/reports`, { omni: { mode: 'external', url: receiver.url } })).status, 200);
        const answer = await postExecute(other.messageActivityUrl, await other.signer.sign(fillExample(loadExample('viber'), { contactKey: uniquePrefix('omni'), phone: `+49151${50_000_000 + phones++}` })));
        assert.equal(answer.body.messageStatus, 'Success: Message pending');
        const viber = String(answer.body.messageId);
        const [sms] = await wave(other, 1);
        const received = await eventually(
          () => receiver.bodies.flatMap((b) => b.results as Json[]).find((r) => r.messageId === viber && r.statusName === 'DELIVERED_TO_HANDSET'),
          'the Viber report at the OMNI notification URL',
          30_000,
        );
        assert.deepEqual(Object.keys(received).sort(), omniReports.fields.map((f) => f.name).sort(), 'the Omni Reports columns');
        assert.equal(received.channel, 'Viber');
        assert.equal(retryGaps(receiver.attempts).length, 1, 'the failed POST was retried');
        await eventually(() => sfmcRowsById(sandbox, other.dataExtensions.smsDeliveryReports!).get(sms!), 'the SMS row, native', 30_000);
        assert.ok(!receiver.attempts.some((a) => a.ids.includes(sms!)), 'no SMS report at the OMNI URL');
        assert.ok(!sfmcRowsById(sandbox, other.dataExtensions.omniReports!).has(viber), 'nothing written natively for Omni');
      } finally {
        await receiver.close();
      }
    });

    test('a data extension that does not exist: the rows wait, the admin API and the logs say why', async () => {
      const other = await addTenant(sandbox, { name: 'Missing DE BU', dataExtensions: { smsDeliveryReports: 'No_Such_DE' } });
      await wave(other, 2);
      const problem = await eventually(async () => {
        const described = (await (await admin('GET', `/tenants/${other.id}`)).json()) as Json;
        return (described.writebackProblems as Json[]).find((p) => p.reportType === 'smsDelivery');
      }, 'a write-back problem', 30_000);
      assert.match(problem.lastError, /No_Such_DE/);
      assert.match(problem.lastError, /CustomObjectNotFound|resolve/i);
      assert.equal(problem.state, 'pending', 'kept to be retried, not dropped');
      const line = logLines().find((l) => l.tenantId === other.id && l.dataExtension === 'No_Such_DE');
      assert.equal(line?.level, 50, 'an error in the logs');
      assert.match(line?.msg ?? '', /data extension "No_Such_DE"/);
    });

    /** Executes one SMS with these custom callback data fields; answers its messageId. */
    const sendWithCallbackData = async (t: TestTenant, fields: Record<string, string>) => {
      const body = fillExample(loadExample('sms'), { contactKey: uniquePrefix('cb'), phone: `+49151${50_000_000 + phones++}` }) as { inArguments: Record<string, unknown>[] };
      body.inArguments.push(Object.fromEntries(Object.entries(fields).map(([name, value]) => [`callbackData.${name}`, value])));
      const answer = await postExecute(t.messageActivityUrl, await t.signer.sign(body));
      assert.equal(answer.body.messageStatus, 'Success: Message pending');
      return String(answer.body.messageId);
    };
    const deliveredRow = (key: string, id: string) =>
      eventually(() => sandbox.sfmc.rows(sandbox.info.sfmc.accountId, key).find((r) => r.messageId === id && r.statusName === 'DELIVERED_TO_HANDSET'), 'the delivered row', 30_000);
    const soapCalls = () => sandbox.sfmc.stats().calls['POST /Service.asmx'] ?? 0;
    /** An SMS Delivery Reports data extension to which an operator added columns, through SOAP as the connector does. */
    const dataExtensionWithColumns = async (key: string, columns: DataExtensionField[]) => {
      sandbox.sfmc.createDataExtension(sandbox.info.sfmc.accountId, { key, name: key, fields: smsDeliveryReports.fields });
      const { sfmc } = sandbox.info;
      const verified = await verifyClientCredentials({ authBaseUrl: sfmc.authBaseUrl, clientId: sfmc.clientId, clientSecret: sfmc.clientSecret, mid: sfmc.accountId });
      assert.ok(verified.ok);
      await addFields(verified.token, key, columns);
    };
    const custom: DataExtensionField[] = [
      { name: 'Campaign', type: 'Text', maxLength: 12, isNullable: true },
      { name: 'segment', type: 'Text', maxLength: 50, isNullable: true },
    ];

    let columnsTenant: TestTenant;
    const columnsKey = `SMS_Reports_Columns_${dialect}`;
    let soapCallsBefore = 0;

    test("custom callback data fields go into the data extension's columns of the same name (any case, fitted to the column); fields without a column are not sent; the report's own columns are never overwritten", async () => {
      await dataExtensionWithColumns(columnsKey, custom);
      soapCallsBefore = soapCalls();
      columnsTenant = await addTenant(sandbox, { name: 'Callback columns BU', dataExtensions: { smsDeliveryReports: columnsKey } });
      const id = await sendWithCallbackData(columnsTenant, { campaign: 'Spring sale 2026 (EU)', Segment: 'VIP', Region: 'North', To: 'nobody', statusName: 'FORGED' });
      // Found by its real status: a callback field named statusName did not replace it.
      const row = await deliveredRow(columnsKey, id);
      assert.equal(row.Campaign, 'Spring sale ', "written under the column's spelling, cut to its 12 characters");
      assert.equal(row.segment, 'VIP');
      assert.ok(!Object.keys(row).some((k) => k.toLowerCase() === 'region'), 'no column, not sent: SFMC would have refused the row');
      assert.match(String(row.to), /^\+?49151/, "the recipient, not callback data's To");
      assert.equal((JSON.parse(String(row.callbackData)) as Json).Region, 'North', 'the callbackData column keeps every field');
    });

    test("the data extension's columns are read once (SOAP Retrieve), not for every batch", async () => {
      for (let wave = 0; wave < 3; wave++) {
        const id = await sendWithCallbackData(columnsTenant, { Campaign: `wave ${wave}` });
        assert.equal((await deliveredRow(columnsKey, id)).Campaign, `wave ${wave}`);
      }
      assert.equal(soapCalls() - soapCallsBefore, 1, 'one DataExtensionField Retrieve for four batches');
    });

    test('columns that cannot be read: rows are written with the standard columns, a warning says why, and SFMC is not asked again at once', async () => {
      const key = `SMS_Reports_Unread_${dialect}`;
      await dataExtensionWithColumns(key, custom);
      const other = await addTenant(sandbox, { name: 'SOAP down BU', dataExtensions: { smsDeliveryReports: key } });
      sandbox.sfmc.setFaults({ soapDown: true });
      const before = soapCalls();
      try {
        const first = await sendWithCallbackData(other, { Campaign: 'Spring sale' });
        const row = await deliveredRow(key, first);
        assert.equal(row.Campaign ?? null, null, 'the standard columns only');
        assert.equal((JSON.parse(String(row.callbackData)) as Json).Campaign, 'Spring sale', 'kept in the callbackData column');
        const line = logLines().find((l) => l.tenantId === other.id && l.dataExtension === key);
        assert.equal(line?.level, 40, 'a warning');
        assert.match(String(line?.reason), /SOAP Retrieve answered HTTP 503/);
        const second = await sendWithCallbackData(other, { Campaign: 'Summer sale' });
        assert.equal((await deliveredRow(key, second)).Campaign ?? null, null);
        assert.equal(soapCalls() - before, 1, 'the failed lookup is not repeated for the next batch');
      } finally {
        sandbox.sfmc.setFaults({ soapDown: false });
      }
    });
  });
}
