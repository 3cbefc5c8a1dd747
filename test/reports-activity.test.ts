// The Reports activity's execute, as Journey Builder calls it with a Message activity's messageId:
// NOT_AVAILABLE throughout while there is nothing final to say (or nothing of this tenant's), the
// six fields once the report is in, and statusName/errorName a decision split can route on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { addTenant, contacts, demoTenant, executeAll, messagesById, reportsActivity, reportsById, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const FIELDS = ['doneAt', 'errorName', 'plannedAt', 'seenAt', 'sentAt', 'statusGroupName', 'statusName'];
const NOTHING = Object.fromEntries(FIELDS.map((f) => [f, 'NOT_AVAILABLE']));
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

for (const dialect of testDialects) {
  describe(`Reports activity (${dialect})`, () => {
    let sandbox: Sandbox;
    let tenant: TestTenant;
    let phones = 0;
    const send = async (t: TestTenant, label: string, count = 1) => {
      const ids = await executeAll(t, contacts(uniquePrefix(label), count, phones), count);
      phones += count;
      return ids;
    };
    /** The answer once the report store holds a final status for the message. */
    const finalAnswer = async (t: TestTenant, id: string) => {
      await eventually(async () => {
        const r = (await reportsById(sandbox.connector.store.db, [id])).get(id);
        return r && r.status_group_name !== 'PENDING' ? r : undefined;
      }, `a final report for ${id}`);
      return reportsActivity(t, id);
    };

    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      tenant = await demoTenant(sandbox);
    });
    after(() => sandbox.close());

    test('a message still pending answers NOT_AVAILABLE in every field, also after a PENDING report', async () => {
      sandbox.infobip.setFaults({ webhookDropRate: 1 });
      try {
        const [id] = await send(tenant, 'pending');
        assert.deepEqual(await reportsActivity(tenant, id!), NOTHING, 'stored, not yet sent');
        await eventually(async () => (await messagesById(sandbox.connector.store.db, [id!])).get(id!)?.state === 'sent' || undefined, 'sent');
        assert.deepEqual(await reportsActivity(tenant, id!), NOTHING, 'sent, no report yet');
        // Infobip's intermediate PENDING report: stored, but still nothing final to answer.
        const m = (await messagesById(sandbox.connector.store.db, [id!])).get(id!)!;
        const pendingReport = {
          messageId: id,
          to: m.destination,
          sentAt: '2024-03-01T10:00:00.000+0000',
          doneAt: '2024-03-01T10:00:01.000+0000',
          status: { groupId: 1, groupName: 'PENDING', id: 7, name: 'PENDING_ENROUTE', description: 'Message sent to next instance' },
          error: { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', description: 'No Error', permanent: false },
        };
        const posted = await fetch(tenant.deliveryWebhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ results: [pendingReport] }) });
        assert.equal(posted.status, 200);
        assert.equal((await reportsById(sandbox.connector.store.db, [id!])).get(id!)?.status_name, 'PENDING_ENROUTE');
        assert.deepEqual(await reportsActivity(tenant, id!), NOTHING, 'PENDING report');
      } finally {
        sandbox.infobip.setFaults({ webhookDropRate: 0 });
      }
    });

    test('an empty, absent, unknown or NOT_AVAILABLE messageId answers NOT_AVAILABLE in every field', async () => {
      assert.deepEqual(await reportsActivity(tenant, ''), NOTHING, 'empty');
      assert.deepEqual(await reportsActivity(tenant, '   '), NOTHING, 'blank');
      assert.deepEqual(await reportsActivity(tenant, 'NOT_AVAILABLE'), NOTHING, 'the value a failed Message activity leaves');
      assert.deepEqual(await reportsActivity(tenant, '7f1d2c3b-0000-4000-8000-000000000000'), NOTHING, 'unknown');
      // Journey Builder may leave the binding unresolved.
      assert.deepEqual(await reportsActivity(tenant, '{{Interaction.MESSAGE-1.messageId}}'), NOTHING, 'unresolved binding');
    });

    test("another tenant's messageId answers NOT_AVAILABLE here, and its report at its own tenant", async () => {
      const other = await addTenant(sandbox, { name: 'Other business unit' });
      const [id] = await send(other, 'other');
      const theirs = await finalAnswer(other, id!);
      assert.equal(theirs.statusName, 'DELIVERED_TO_HANDSET');
      assert.deepEqual(await reportsActivity(tenant, id!), NOTHING);
    });

    test('after delivery: the six fields, seenAt NOT_AVAILABLE for SMS', async () => {
      const [id] = await send(tenant, 'delivered');
      const answer = await finalAnswer(tenant, id!);
      assert.deepEqual(Object.keys(answer).sort(), FIELDS, 'exactly the six fields');
      assert.equal(answer.statusName, 'DELIVERED_TO_HANDSET');
      assert.equal(answer.statusGroupName, 'DELIVERED');
      assert.equal(answer.errorName, 'NO_ERROR');
      assert.equal(answer.seenAt, 'NOT_AVAILABLE', 'SMS has no seen report');
      assert.match(String(answer.sentAt), ISO);
      assert.match(String(answer.doneAt), ISO);
      assert.ok(Date.parse(String(answer.doneAt)) >= Date.parse(String(answer.sentAt)));
      // The times are Infobip's (from the report), not ours.
      const sim = sandbox.infobip.sentMessages().get(id!)!;
      assert.ok(Math.abs(Date.parse(String(answer.sentAt)) - sim.firstReceivedAt.getTime()) < 1000);
    });

    const outcomes = [
      { outcome: 'undeliverable', group: 'UNDELIVERABLE', status: 'UNDELIVERABLE_NOT_DELIVERED', error: 'EC_UNKNOWN_SUBSCRIBER' },
      { outcome: 'expired', group: 'EXPIRED', status: 'EXPIRED_EXPIRED', error: 'EC_ABSENT_SUBSCRIBER' },
      { outcome: 'rejected', group: 'REJECTED', status: 'REJECTED_NETWORK', error: 'EC_OPERATOR_NOT_FOUND' },
    ] as const;
    for (const o of outcomes) {
      test(`${o.outcome}: statusName begins with ${o.group} and errorName is the error's name`, async () => {
        sandbox.infobip.setOutcomes({ delivered: 0, undeliverable: 0, expired: 0, rejected: 0, [o.outcome]: 1 });
        try {
          const ids = await send(tenant, o.outcome, 3);
          for (const id of ids) {
            const answer = await finalAnswer(tenant, id);
            assert.ok(String(answer.statusName).startsWith(o.group), `${answer.statusName} begins with ${o.group}`);
            assert.equal(answer.statusName, o.status);
            assert.equal(answer.statusGroupName, o.group);
            assert.equal(answer.errorName, o.error);
            assert.equal(answer.seenAt, 'NOT_AVAILABLE');
            assert.match(String(answer.doneAt), ISO);
          }
        } finally {
          sandbox.infobip.setOutcomes({ delivered: 1, undeliverable: 0, expired: 0, rejected: 0 });
        }
      });
    }

    test('refused by Infobip (wrong API key): statusName begins with REJECTED, errorName EC_REQUEST_REFUSED', async () => {
      const wrongKey = await addTenant(sandbox, { infobip: { baseUrl: sandbox.infobip.url, apiKey: 'wrong-key' }, name: 'Wrong key' });
      const [id] = await send(wrongKey, 'refused');
      const answer = await finalAnswer(wrongKey, id!);
      assert.ok(String(answer.statusName).startsWith('REJECTED'));
      assert.equal(answer.statusGroupName, 'REJECTED');
      assert.equal(answer.errorName, 'EC_REQUEST_REFUSED');
      assert.match(String(answer.doneAt), ISO);
      assert.equal(answer.sentAt, 'NOT_AVAILABLE', 'never sent');
      assert.equal(answer.seenAt, 'NOT_AVAILABLE');
    });
  });
}
