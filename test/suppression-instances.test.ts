// Opt-outs across instances sharing one PostgreSQL: a STOP reply taken by one instance (and a
// suppression removed through another's admin API) reaches every instance's in-memory list, so
// executes on any instance answer the same, without any database read on the execute path.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { ConnectorConfig } from '../src/config.ts';
import { type Connector, createConnector } from '../src/connector.ts';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import { createDemoTenant, freePort, simulatorEndpoints, type Simulators, startSimulators } from '../src/sandbox/sandbox.ts';
import { createTestDatabase, type TestDatabase, testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { silentLog } from './helpers/sandbox.ts';

describe('suppressions across instances', { skip: !testDialects.includes('postgres') && 'PostgreSQL only' }, () => {
  let database: TestDatabase;
  let simulators: Simulators;
  const instances: { connector: Connector; publicUrl: string }[] = [];
  let info: Awaited<ReturnType<typeof createDemoTenant>>;
  let adminToken: string;
  const sms = loadExample('sms');
  const onInstance = (url: string, i: number) => url.replace(instances[0]!.publicUrl, instances[i]!.publicUrl);

  before(async () => {
    database = await createTestDatabase('postgres');
    simulators = await startSimulators({ deliveryDelayMs: [5, 30] });
    const masterKey = randomBytes(32).toString('base64');
    adminToken = randomBytes(16).toString('hex');
    for (let i = 0; i < 2; i++) {
      const port = await freePort('127.0.0.1');
      const config: ConnectorConfig = {
        port,
        host: '127.0.0.1',
        publicUrl: `http://127.0.0.1:${port}`,
        databaseUrl: database.url,
        dataDir: database.dataDir,
        adminToken,
        masterKey,
        allowPrivateUrls: true,
        logLevel: 'silent',
        workers: true,
      };
      const connector = await createConnector(config, silentLog, { dispatcherIdleMs: 20, writebackIdleMs: 100 });
      await connector.listen();
      instances.push({ connector, publicUrl: config.publicUrl });
    }
    info = await createDemoTenant(`${instances[0]!.publicUrl}/admin`, adminToken, simulatorEndpoints(simulators));
  });

  after(async () => {
    await Promise.all(instances.map((i) => i.connector.close()));
    await simulators?.close();
    await database?.drop();
  });

  test('an opt-out on one instance applies on the other; so does its removal', async () => {
    const signer = new ExecuteSigner(info.jwtSecret);
    const number = '4915170000123';
    const executeOn = async (i: number, contactKey: string) =>
      (await postExecute(onInstance(info.messageActivityUrl, i), await signer.sign(fillExample(sms, { contactKey, phone: `+${number}` })))).body.messageStatus;
    // The reply reaches instance 0 only (its inbound URL).
    const inbound = { results: [{ messageId: 'mo-stop-1', from: number, to: 'mc-relay', text: 'STOP', receivedAt: '2026-01-01T10:00:00.000+0000' }] };
    const posted = await fetch(info.webhooks.inbound!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(inbound) });
    assert.equal(posted.status, 200);
    assert.equal(await executeOn(0, 'a'), 'Error: Recipient opted out', 'at once on the instance that took it');
    await eventually(async () => (await executeOn(1, `b-${Date.now()}`)) === 'Error: Recipient opted out' || undefined, 'the other instance', 20_000);

    const removed = await fetch(`${onInstance(info.adminUrl, 1)}/tenants/${info.tenantId}/suppressions/${number}`, { method: 'DELETE', headers: { authorization: `Bearer ${adminToken}` } });
    assert.equal(removed.status, 204);
    assert.equal(await executeOn(1, 'c'), 'Success: Message pending');
    await eventually(async () => (await executeOn(0, `d-${Date.now()}`)) === 'Success: Message pending' || undefined, 'the removal on the other instance', 20_000);
  });
});
