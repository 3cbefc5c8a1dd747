// Validity: a message not sent within its validity period (Infobip's default 48 h, or the
// activity's validityPeriod in minutes) is expired and reported EXPIRED_NOT_SENT, never sent late.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postExecute } from '../src/sandbox/journey-builder.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { smsExecuteBody, withArguments } from './helpers/execute-body.ts';
import { contacts, demoTenant, messagesById, reportsActivity, sfmcRowsById, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { executePaced, pacedActivity, pacedBody } from './helpers/pacing.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { promoteIntake } from '../src/store/sql/promoteIntake.ts';

for (const dialect of testDialects) {
  describe(`validity period (${dialect})`, () => {
    let sandbox: Sandbox;
    let tenant: TestTenant;
    let phones = 0;
    const wave = (label: string, count: number) => {
      const list = contacts(uniquePrefix(label), count, phones);
      phones += count;
      return list;
    };

    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      tenant = await demoTenant(sandbox);
    });
    after(() => sandbox.close());

    test('validityPeriod is whole minutes up to 48 h; the default is 48 h', async () => {
      for (const bad of ['0', '2881', 'soon']) {
        const [contact] = wave('bad-validity', 1);
        const answer = await postExecute(tenant.messageActivityUrl, await tenant.signer.sign(pacedBody(pacedActivity(60, { validityPeriod: bad }), contact!)));
        assert.equal(answer.body.messageStatus, 'Error: Invalid request: validityPeriod must be a whole number of minutes from 1 to 2880', bad);
      }
      const [thirty] = await executePaced(tenant, pacedActivity(60, { validityPeriod: '30' }), wave('thirty', 1));
      const [standard] = await executePaced(tenant, pacedActivity(60), wave('standard', 1));
      const rows = await messagesById(sandbox.connector.store.db, [thirty!, standard!]);
      assert.equal(rows.get(thirty!)!.expires_at - rows.get(thirty!)!.created_at, 30 * 60_000);
      assert.equal(rows.get(standard!)!.expires_at - rows.get(standard!)!.created_at, 48 * 3_600_000);
    });

    test('messages still waiting when their validity ends are expired and reported, never sent', async () => {
      // 60 per minute: most of the 20 still wait when their validity runs out. The store is told
      // they were stored two days ago, as after a long outage.
      const ids = await executePaced(tenant, pacedActivity(60), wave('expiring', 20));
      await promoteIntake(sandbox.connector.store.db, 'wait');
      await sandbox.connector.store.db.updateTable('messages').set({ expires_at: Date.now() + 1500 }).where('id', 'in', ids).execute();
      const ended = await eventually(async () => {
        const rows = [...(await messagesById(sandbox.connector.store.db, ids)).values()];
        return rows.every((m) => m.state === 'sent' || m.state === 'expired') ? rows : undefined;
      }, 'every message sent or expired');
      const expired = ended.filter((m) => m.state === 'expired');
      assert.ok(expired.length >= 15, `${expired.length} expired`);
      const sent = sandbox.infobip.sentMessages();
      for (const m of ended) assert.equal(sent.has(m.id), m.state === 'sent', 'sent means at Infobip, expired means not');
      for (const m of ended.filter((m) => m.state === 'sent')) assert.ok(sent.get(m.id)!.firstReceivedAt.getTime() <= m.expires_at, 'never sent late');
      const answer = await reportsActivity(tenant, expired[0]!.id);
      assert.deepEqual([answer.statusName, answer.statusGroupName, answer.errorName], ['EXPIRED_NOT_SENT', 'EXPIRED', 'EC_VALIDITY_PERIOD_PASSED']);
      await eventually(() => {
        const rows = sfmcRowsById(sandbox);
        return expired.every((m) => rows.get(m.id)?.statusName === 'EXPIRED_NOT_SENT') || undefined;
      }, 'a data extension row per expired message');
    });

    test('a message whose validity ends while it waits behind its account\'s request is expired when its turn comes, not sent late', async () => {
      const send = async (activityName: string) => {
        const [contact] = wave(activityName, 1);
        const body = withArguments(smsExecuteBody(contact!.contactKey, contact!.phone), { set: { activityName } });
        return String((await postExecute(tenant.messageActivityUrl, await tenant.signer.sign(body))).body.messageId);
      };
      // Two activities, so two requests to one account: the second waits for the first, which
      // Infobip takes three seconds to answer, while the second's validity ends after 1.5 s.
      await sandbox.connector.dispatcher.stop();
      const slow = await send('Slow first');
      const waiting = await send('Waits behind it');
      await promoteIntake(sandbox.connector.store.db, 'wait');
      await sandbox.connector.store.db.updateTable('messages').set({ expires_at: Date.now() + 1500 }).where('id', '=', waiting).execute();
      sandbox.infobip.setFaults({ latencyMs: 3000 });
      try {
        sandbox.connector.dispatcher.start();
        const ended = await eventually(async () => {
          const rows = await messagesById(sandbox.connector.store.db, [slow, waiting]);
          return [...rows.values()].every((m) => m.state === 'sent' || m.state === 'expired') ? rows : undefined;
        }, 'both messages ended');
        assert.deepEqual([ended.get(slow)!.state, ended.get(waiting)!.state], ['sent', 'expired']);
        assert.equal(sandbox.infobip.sentMessages().has(waiting), false, 'not sent late');
        assert.equal((await reportsActivity(tenant, waiting)).statusName, 'EXPIRED_NOT_SENT');
      } finally {
        sandbox.infobip.setFaults({ latencyMs: 0 });
      }
    });
  });
}
