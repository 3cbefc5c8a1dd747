// Executes arriving quickly leave in few Infobip requests: the group commit stores them in large
// batches and the dispatcher sends what it claims together, one request per tenant/account/bulk.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { average, contacts, demoTenant, executeAll, messagesById, tally, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const N = 1000;

for (const dialect of testDialects) {
  describe(`dispatch batching (${dialect})`, () => {
    let sandbox: Sandbox;
    let tenant: TestTenant;
    before(async () => {
      // The dispatcher's pause after a partial claim is the batching window. At the production
      // 100 ms a request carries what executes stored meanwhile, 50–120 here depending on machine
      // load; 250 ms keeps the assertion about the mechanism (wakes must not cut the window short,
      // which gives one request per group commit, ~30) clear of how busy the machine is.
      sandbox = await startTestSandbox(dialect, {
        outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 },
        tuning: { dispatcherIdleMs: 250, writebackIdleMs: 50 },
      });
      tenant = await demoTenant(sandbox);
    });
    after(() => sandbox.close());

    test(`${N} executes at concurrency 50 reach Infobip in few, full requests, each message once`, async () => {
      const list = contacts(uniquePrefix('batch'), N);
      const ids = await executeAll(tenant, list, 50);
      assert.equal(new Set(ids).size, N, 'one message per contact');

      await eventually(() => sandbox.infobip.stats().uniqueMessageIds >= N || undefined, 'every message accepted by Infobip', 30_000);
      const stats = sandbox.infobip.stats();
      const perRequest = stats.messagesPerRequest;
      const mean = average(perRequest);
      console.log(`[${dialect}] ${N} messages in ${perRequest.length} requests, ${mean.toFixed(1)} messages/request (sizes ${perRequest.join(',')})`);
      assert.ok(mean >= 50, `messages per request averages ${mean.toFixed(1)}, expected at least 50 (sizes ${perRequest.join(',')})`);
      assert.equal(stats.requests, stats.acceptedRequests, 'no request was refused');
      assert.equal(stats.uniqueMessageIds, N);
      assert.equal(stats.duplicateMessageIds, 0);
      assert.equal(stats.messagesAccepted, N, 'each message sent once');

      const sent = sandbox.infobip.sentMessages();
      // Our messageId is the one Infobip uses: every execute's answer is a key of the ledger.
      for (const id of ids) assert.ok(sent.has(id), `Infobip knows message ${id} under our messageId`);

      // Each request's messages share one bulkId (the activity's name); with one activity, one bulk.
      assert.deepEqual(new Set([...sent.values()].map((m) => m.bulkId)), new Set(['Order shipped SMS']));

      const messages = await messagesById(sandbox.connector.store.db, ids);
      list.forEach((contact, i) => {
        const m = sent.get(ids[i]!)!;
        assert.equal(m.destination, contact.phone.slice(1), 'international format without +');
        assert.equal(m.sender, 'mc-relay');
        assert.equal(m.text, 'Hello from mc-relay! Your order has shipped and arrives tomorrow.');
        // webhooks.delivery.url: the tenant's delivery-report webhook, so a report finds its tenant.
        assert.equal(m.webhookUrl, tenant.deliveryWebhookUrl);
        // webhooks.callbackData: the journey context under the guide's reserved names, echoed back
        // in every report; exactly what the outbox stored for the message.
        const context = JSON.parse(m.callbackData!) as Record<string, string>;
        assert.equal(context.ActivityId, '8d2f6a3c-1b7e-4c59-a0d4-6e9b3f1c2a71');
        assert.equal(context.BulkId, 'Order shipped SMS');
        assert.equal(context.ContactKey, contact.contactKey);
        assert.equal(context.MID, tenant.mid);
        assert.equal(context.VersionId, '4f0c0f1e-5a5e-4d8e-9a43-2f6f2c8a7b10');
        assert.equal(context.VersionNumber, '1');
        assert.equal(m.callbackData, messages.get(ids[i]!)!.callback_data);
      });
      // Infobip answers before the dispatcher records the outcome: wait for the last batch's update.
      const states = await eventually(async () => {
        const rows = await messagesById(sandbox.connector.store.db, ids);
        const counts = tally([...rows.values()].map((m) => `${m.state}/${m.provider_status}/${m.attempts}`));
        return counts.get('sent/PENDING_ACCEPTED/1') === N ? counts : undefined;
      }, 'every message recorded as sent once');
      assert.deepEqual([...states], [['sent/PENDING_ACCEPTED/1', N]]);
    });

    test('each request carries one bulkId: two activities in one wave are two groups', async () => {
      // Same wave, two activity names → the dispatcher must not mix them in one request.
      const before = sandbox.infobip.stats().messagesPerRequest.length;
      const a = contacts(uniquePrefix('bulk-a'), 150, 5000);
      const b = contacts(uniquePrefix('bulk-b'), 150, 6000);
      const [idsA, idsB] = await Promise.all([executeAll(tenant, a, 25), executeAll(withActivityName(tenant, 'Second activity'), b, 25)]);
      await eventually(() => {
        const sent = sandbox.infobip.sentMessages();
        return [...idsA, ...idsB].every((id) => sent.has(id)) || undefined;
      }, 'both activities sent');
      // The simulator gives every message of a request the request's bulkId (options.schedule.bulkId):
      // a request mixing both activities would label some messages with the other's name.
      const sent = sandbox.infobip.sentMessages();
      for (const id of idsA) assert.equal(sent.get(id)!.bulkId, 'Order shipped SMS');
      for (const id of idsB) assert.equal(sent.get(id)!.bulkId, 'Second activity');
      const stats = sandbox.infobip.stats();
      assert.equal(stats.duplicateMessageIds, 0);
      assert.ok(stats.messagesPerRequest.length - before <= 20, `300 messages took ${stats.messagesPerRequest.length - before} requests`);
    });
  });
}

/** The same tenant, its executes carrying another activityName (hence another bulkId). */
function withActivityName(tenant: TestTenant, activityName: string): TestTenant {
  return {
    ...tenant,
    signer: {
      sign: (body: Record<string, unknown>) => {
        const args = (body.inArguments as Record<string, unknown>[]).map((a) => ('activityName' in a ? { activityName } : a));
        return tenant.signer.sign({ ...body, inArguments: args, activityId: 'aaaaaaaa-1b7e-4c59-a0d4-6e9b3f1c2a71' });
      },
    } as TestTenant['signer'],
  };
}
