// Prometheus metrics at /metrics: queue depth per tenant and activity (read from the shared
// store), messages sent, send rate, provider latency, errors by kind, pacing lag; open unless
// MC_RELAY_METRICS_TOKEN is set, then a bearer token.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createConnector } from '../src/connector.ts';
import { cancelWaiting } from '../src/dispatch/cancellation.ts';
import { freePort, type Sandbox } from '../src/sandbox/sandbox.ts';
import { createTestDatabase, testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { contacts, demoTenant, executeAll, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { executePaced, pacedActivity } from './helpers/pacing.ts';
import { silentLog, startTestSandbox } from './helpers/sandbox.ts';

/** The value of a series, by its name and labels as Prometheus prints them. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const dialect of testDialects) {
  describe(`metrics (${dialect})`, () => {
    let sandbox: Sandbox;
    let tenant: TestTenant;
    const metricsUrl = () => `${new URL(sandbox.info.adminUrl).origin}/metrics`;

    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      tenant = await demoTenant(sandbox);
    });
    after(() => sandbox.close());

    test('queue depth per tenant and activity, messages sent, send rate, provider latency, errors, pacing lag', async () => {
      // 6 a minute: eight or more of the ten still wait however long the rest of the test takes.
      const paced = pacedActivity(6);
      await executePaced(tenant, paced, contacts(uniquePrefix('metrics-paced'), 10, 0));
      const ids = await executeAll(tenant, contacts(uniquePrefix('metrics'), 20, 100));
      await eventually(() => {
        const sent = sandbox.infobip.sentMessages();
        return ids.every((id) => sent.has(id)) || undefined;
      }, 'sent');
      sandbox.infobip.setFaults({ rate429: 1, retryAfterSeconds: 1 });
      await executeAll(tenant, contacts(uniquePrefix('metrics-throttled'), 1, 200));
      const text = await eventually(async () => {
        const answer = await fetch(metricsUrl());
        assert.equal(answer.status, 200);
        assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/);
        const body = await answer.text();
        return (sample(body, 'mc_relay_errors_total{kind="provider_throttled"}') ?? 0) >= 1 ? body : undefined;
      }, 'a throttled request counted');
      sandbox.infobip.setFaults({ rate429: 0 });
      const depth = sample(text, `mc_relay_queue_depth{tenant="${tenant.id}",activity="${paced.activityId}"}`);
      assert.ok(depth !== undefined && depth >= 5 && depth <= 10, `queue depth of the paced activity: ${depth}`);
      assert.ok((sample(text, 'mc_relay_messages_sent_total{channel="sms"}') ?? 0) >= 20);
      assert.ok(sample(text, 'mc_relay_send_rate') !== undefined);
      assert.ok((sample(text, 'mc_relay_provider_request_seconds_count{channel="sms",outcome="accepted"}') ?? 0) >= 1);
      assert.ok(sample(text, `mc_relay_pacing_lag_seconds{tenant="${tenant.id}",activity="${paced.activityId}"}`) !== undefined);
      await cancelWaiting(sandbox.connector.store.db, { tenantId: tenant.id, journeyId: paced.journeyId, reason: 'CANCELLED_BY_OPERATOR' });
    });

    test('MC_RELAY_METRICS_TOKEN makes /metrics ask for a bearer token', async () => {
      const database = await createTestDatabase(dialect);
      const port = await freePort('127.0.0.1');
      const metricsToken = randomBytes(16).toString('hex');
      const connector = await createConnector(
        { port, host: '127.0.0.1', publicUrl: `http://127.0.0.1:${port}`, databaseUrl: database.url, dataDir: database.dataDir, adminToken: undefined, metricsToken, masterKey: randomBytes(32).toString('base64'), allowPrivateUrls: true, logLevel: 'silent', workers: false },
        silentLog,
      );
      try {
        await connector.listen();
        const url = `http://127.0.0.1:${port}/metrics`;
        assert.equal((await fetch(url)).status, 401);
        assert.equal((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status, 401);
        const answer = await fetch(url, { headers: { authorization: `Bearer ${metricsToken}` } });
        assert.equal(answer.status, 200);
        assert.match(await answer.text(), /# TYPE mc_relay_queue_depth gauge/);
      } finally {
        await connector.close();
        await database.drop();
      }
    });
  });
}
