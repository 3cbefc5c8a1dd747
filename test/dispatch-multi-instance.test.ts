// Several connector instances on one PostgreSQL schema (the scaled-out deployment): executes land
// on any instance, every instance's dispatcher and write-back compete for the same rows, and still
// every message is sent once and every report row written once. An instance that stops, or dies
// holding leased messages, leaves its work to the others without duplicates.
import { SfmcClient } from '../src/sfmc/client.ts';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { ConnectorConfig } from '../src/config.ts';
import { type Connector, createConnector } from '../src/connector.ts';
import { Dispatcher } from '../src/dispatch/dispatcher.ts';
import { ExecuteSigner } from '../src/sandbox/journey-builder.ts';
import { createDemoTenant, freePort, simulatorEndpoints, type Simulators, startSimulators } from '../src/sandbox/sandbox.ts';
import { webhookUrls } from '../src/tenants/describe-tenant.ts';
import { createTestDatabase, type TestDatabase, testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { contacts, everyMessage, executeAll, messagesById, sleep, tally, type TestTenant, uniquePrefix, writebackEntries } from './helpers/flow.ts';
import { silentLog } from './helpers/sandbox.ts';

const INSTANCES = 3;

describe('several connector instances sharing one PostgreSQL', { skip: !testDialects.includes('postgres') && 'PostgreSQL only' }, () => {
  let database: TestDatabase;
  let simulators: Simulators;
  let infobipClosed = false;
  /** The instance that dies holding leases (second test); stopped in `after` if a test failed first. */
  let dying: Dispatcher | undefined;
  const instances: { connector: Connector; publicUrl: string }[] = [];
  let tenant: TestTenant;
  /** The demo tenant's Message activity URL on instance `i`. */
  const activityOn = (i: number) => tenant.messageActivityUrl.replace(instances[0]!.publicUrl, instances[i % INSTANCES]!.publicUrl);
  const db = () => instances[0]!.connector.store.db;
  let phones = 0;
  const wave = (label: string, count: number) => {
    const list = contacts(uniquePrefix(label), count, phones);
    phones += count;
    return list;
  };
  const rowsIn = () => new Map(simulators.sfmc.rows(simulators.sfmcClient.accountId, 'SMS_Delivery_Reports').map((r) => [String(r.messageId), r]));

  before(async () => {
    database = await createTestDatabase('postgres');
    simulators = await startSimulators({ deliveryDelayMs: [5, 30], outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
    const masterKey = randomBytes(32).toString('base64');
    const adminToken = randomBytes(16).toString('hex');
    const ports = [] as number[];
    while (ports.length < INSTANCES) {
      const port = await freePort('127.0.0.1');
      if (!ports.includes(port)) ports.push(port);
    }
    // Started together: their migrations race for the same schema.
    const started = await Promise.all(
      ports.map(async (port) => {
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
        return { connector, publicUrl: config.publicUrl };
      }),
    );
    instances.push(...started);
    const info = await createDemoTenant(`${instances[0]!.publicUrl}/admin`, adminToken, simulatorEndpoints(simulators));
    tenant = {
      id: info.tenantId,
      mid: info.sfmc.accountId,
      messageActivityUrl: info.messageActivityUrl,
      reportsActivityUrl: info.reportsActivityUrl,
      deliveryWebhookUrl: info.webhooks.deliveryReports!,
      signer: new ExecuteSigner(info.jwtSecret),
      accountId: '',
      dataExtensions: info.dataExtensions,
    };
  });

  after(async () => {
    // Closing Infobip first drops a hung request, so that every dispatcher can stop.
    if (!infobipClosed) await simulators?.infobip.close();
    await dying?.stop();
    await Promise.all(instances.map((i) => i.connector.close()));
    await simulators.sfmc.close();
    await database?.drop();
  });

  test('executes spread over the instances: every message sent once, every report row written once, one instance stopping midway', async () => {
    const before = simulators.infobip.stats();
    const rowsBefore = simulators.sfmc.stats().rowsPerCall.reduce((a, b) => a + b, 0);
    const list = wave('spread', 600);
    const first = await executeAll(tenant, list.slice(0, 300), 60, activityOn);
    // Instance 0 stops dispatching (a rolling deploy); it still takes executes.
    await instances[0]!.connector.dispatcher.stop();
    const second = await executeAll(tenant, list.slice(300), 60, (i) => activityOn(i + 300));
    const ids = [...first, ...second];
    assert.equal(new Set(ids).size, ids.length);

    await eventually(() => {
      const rows = rowsIn();
      return ids.every((id) => rows.get(id)?.statusName === 'DELIVERED_TO_HANDSET') || undefined;
    }, 'a report row per message', 30_000);
    const entries = await eventually(async () => {
      const list = await writebackEntries(db(), ids);
      return list.every((e) => e.state === 'written') ? list : undefined;
    }, 'write-back done');

    const stats = simulators.infobip.stats();
    assert.equal(stats.uniqueMessageIds - before.uniqueMessageIds, ids.length);
    assert.equal(stats.messagesAccepted - before.messagesAccepted, ids.length, 'no message sent twice');
    assert.equal(stats.duplicateMessageIds, 0);
    const sent = simulators.infobip.sentMessages();
    // Each instance asks for reports at its own URL: that tells which instance sent each message.
    const senders = tally(ids.map((id) => new URL(sent.get(id)!.webhookUrl!).port));
    console.log(`messages sent per instance (by port): ${JSON.stringify(Object.fromEntries(senders))}`);
    assert.ok(senders.size >= 2, 'the instances shared the work');
    for (const id of second) {
      assert.notEqual(new URL(sent.get(id)!.webhookUrl!).origin, instances[0]!.publicUrl, 'the stopped instance sent nothing more');
    }
    assert.equal(entries.length, ids.length, 'one write-back entry per message');
    const rowsWritten = simulators.sfmc.stats().rowsPerCall.reduce((a, b) => a + b, 0) - rowsBefore;
    assert.equal(rowsWritten, ids.length, 'each report row sent to SFMC once, whichever instance wrote it');
    const messages = await messagesById(db(), ids);
    assert.deepEqual([...tally([...messages.values()].map((m) => `${m.state}/${m.attempts}`))], [['sent/1', ids.length]]);
    instances[0]!.connector.dispatcher.start();
  });

  test('messages leased by an instance that died are sent by another once the lease ends, without duplicates', async () => {
    // ConnectorTuning has no lease setting (120 s): the dying instance is a real Dispatcher with a
    // 500 ms lease on the same database, whose only request never gets an answer.
    for (const i of instances) await i.connector.dispatcher.stop();
    const before = simulators.infobip.stats();
    simulators.infobip.setFaults({ timeoutRate: 1 });
    const ids = await executeAll(tenant, wave('orphaned', 100), 50, activityOn);
    const home = instances[0]!;
    dying = new Dispatcher({
      store: home.connector.store,
      tenants: home.connector.tenants,
      log: silentLog,
      webhookUrls: (t) => webhookUrls(home.publicUrl, t),
      sfmc: new SfmcClient(),
      leaseMs: 500,
      idleMs: 20,
    });
    dying.start();
    await eventually(() => simulators.infobip.stats().hungRequests > before.hungRequests || undefined, 'the dying instance sent and hangs');
    const leased = await messagesById(db(), ids);
    for (const m of leased.values()) {
      assert.equal(m.state, 'sending');
      assert.ok(m.lease_until! <= Date.now() + 500);
    }
    simulators.infobip.setFaults({ timeoutRate: 0 });
    const restartedAt = Date.now();
    for (const i of instances) i.connector.dispatcher.start();

    await eventually(() => {
      const sent = simulators.infobip.sentMessages();
      return ids.every((id) => sent.has(id)) || undefined;
    }, 'taken over and sent', 10_000);
    const sent = simulators.infobip.sentMessages();
    const firstSend = Math.min(...ids.map((id) => sent.get(id)!.firstReceivedAt.getTime()));
    const leaseEnd = Math.max(...[...leased.values()].map((m) => m.lease_until!));
    assert.ok(firstSend >= leaseEnd, `sent ${leaseEnd - firstSend} ms before the lease ended`);
    console.log(`orphaned messages sent ${firstSend - restartedAt} ms after the other instances resumed (lease ended ${leaseEnd - restartedAt} ms after)`);
    await eventually(() => {
      const rows = rowsIn();
      return ids.every((id) => rows.get(id)?.statusName === 'DELIVERED_TO_HANDSET') || undefined;
    }, 'a report row per message');
    const stats = simulators.infobip.stats();
    assert.equal(stats.messagesAccepted - before.messagesAccepted, ids.length);
    assert.equal(stats.duplicateMessageIds, 0);
    assert.equal(stats.hungRequests - before.hungRequests, 1);
    // The instance that took over records 'sent' after Infobip answers, so possibly after the report.
    await eventually(() => everyMessage(db(), ids, (m) => m.state === 'sent'), 'every message recorded sent');
    const taken = await messagesById(db(), ids);
    assert.deepEqual([...tally([...taken.values()].map((m) => `${m.state}/${m.attempts}`))], [['sent/2', ids.length]]);

    // The dead instance's request finally fails (the simulator drops it on close): its late outcome
    // must not undo what the instance that took over recorded.
    await simulators.infobip.close();
    infobipClosed = true;
    await dying.stop();
    await sleep(100);
    const afterward = await messagesById(db(), ids);
    assert.deepEqual([...tally([...afterward.values()].map((m) => `${m.state}/${m.attempts}/${m.last_error}`))], [['sent/2/null', ids.length]]);
  });
});
