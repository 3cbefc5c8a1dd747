// A 4xx from Infobip is final: the messages it refuses get a REJECTED report (in our store, from
// the Reports activity, in SFMC) and are never sent again; a 400 naming some messages of a request
// rejects only those, and the others go out.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { insertIntake } from '../src/store/sql/insertIntake.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import {
  addTenant,
  contacts,
  demoTenant,
  everyMessage,
  executeAll,
  messagesById,
  phone,
  reportsActivity,
  reportsById,
  sfmcRowsById,
  sleep,
  type TestTenant,
  uniquePrefix,
  writebackEntries,
} from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

for (const dialect of testDialects) {
  describe(`Infobip refusals become REJECTED reports (${dialect})`, () => {
    let sandbox: Sandbox;
    let tenant: TestTenant;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      tenant = await demoTenant(sandbox);
    });
    after(() => sandbox.close());

    test('a wrong API key (401) rejects every message once: report store, Reports activity, SFMC row, no retry', async () => {
      const wrongKey = await addTenant(sandbox, { infobip: { baseUrl: sandbox.infobip.url, apiKey: 'not-a-key-infobip-knows' }, name: 'Wrong key' });
      const before = sandbox.infobip.stats();
      const list = contacts(uniquePrefix('wrong-key'), 30);
      const ids = await executeAll(wrongKey, list, 10);

      const rows = await eventually(() => {
        const current = sfmcRowsById(sandbox);
        return ids.every((id) => current.has(id)) ? current : undefined;
      }, 'a report row per refused message in SFMC');
      const stats = sandbox.infobip.stats();
      const refusals = stats.rejectedRequests[401]! - before.rejectedRequests[401]!;
      assert.ok(refusals >= 1);
      assert.equal(stats.messagesAccepted, before.messagesAccepted, 'nothing accepted');

      const messages = await messagesById(sandbox.connector.store.db, ids);
      const reports = await reportsById(sandbox.connector.store.db, ids);
      for (const id of ids) {
        const m = messages.get(id)!;
        assert.equal(m.state, 'failed');
        assert.equal(m.attempts, 1);
        assert.match(m.last_error!, /^HTTP 401 E401/);
        const r = reports.get(id)!;
        assert.equal(r.tenant_id, wrongKey.id);
        assert.equal(r.status_group_name, 'REJECTED');
        assert.equal(r.status_name, 'REJECTED_INVALID_REQUEST');
        assert.equal(r.error_name, 'EC_REQUEST_REFUSED');
        assert.equal(r.error_id, 401);
        assert.equal(r.error_permanent, 1);
        const row = rows.get(id)!;
        assert.equal(row.statusGroupName, 'REJECTED');
        assert.equal(row.statusName, 'REJECTED_INVALID_REQUEST');
        assert.equal(row.errorName, 'EC_REQUEST_REFUSED');
        assert.equal(row.errorPermanent, true);
        // No price on a refusal: a stand-in, since SFMC refuses a NULL in this NOT NULL column.
        assert.equal(row.priceCurrency, 'N/A');
        assert.equal(row.to, m.destination);
        assert.equal(row.callbackData, m.callback_data);
      }
      const answer = await reportsActivity(wrongKey, ids[0]!, list[0]!.contactKey);
      assert.equal(answer.statusGroupName, 'REJECTED');
      assert.match(String(answer.statusName), /^REJECTED/);
      assert.equal(answer.errorName, 'EC_REQUEST_REFUSED');
      assert.match(String(answer.doneAt), /^\d{4}-\d\d-\d\dT/);
      assert.equal(answer.seenAt, 'NOT_AVAILABLE');

      // Nothing is retried: a while later Infobip has seen no further request for them.
      await sleep(1500);
      assert.equal(sandbox.infobip.stats().rejectedRequests[401]! - before.rejectedRequests[401]!, refusals);
      const later = await messagesById(sandbox.connector.store.db, ids);
      for (const m of later.values()) assert.deepEqual([m.state, m.attempts], ['failed', 1]);
      // 'written' comes from SFMC's status check, about a second after the rows were submitted.
      const entries = await eventually(async () => {
        const found = await writebackEntries(sandbox.connector.store.db, ids);
        return found.length === ids.length && found.every((e) => e.state === 'written') ? found : undefined;
      }, 'every report written to SFMC');
      assert.equal(entries.length, ids.length);
    });

    test('a 400 naming one message of a request rejects that one; the others are sent once', async () => {
      // Execute normalises phone numbers, so it cannot store a destination Infobip refuses; a row
      // written straight into the outbox can (`to` is limited to 64 characters by the spec). The
      // rows are copies of one execute stored, so they carry exactly what execute stores.
      const [templateId] = await executeAll(tenant, contacts(uniquePrefix('template'), 1, 6999), 1);
      const template = await eventually(async () => {
        const row = (await messagesById(sandbox.connector.store.db, [templateId!])).get(templateId!);
        return row?.state === 'sent' ? row : undefined;
      }, 'the template message sent');
      const badTo = '4915'.padEnd(70, '1');
      const bulk = `partial-${randomUUID().slice(0, 8)}`;
      const now = Date.now();
      const rows = Array.from({ length: 6 }, (_, i) => ({
        ...template,
        id: randomUUID(),
        contact_key: `partial-${i}`,
        destination: i === 3 ? badTo : phone(7000 + i).slice(1),
        bulk_id: bulk,
        state: 'queued' as const,
        attempts: 0,
        next_attempt_at: now,
        lease_owner: null,
        lease_until: null,
        created_at: now,
        sent_at: null,
        provider_status: null,
        last_error: null,
      }));
      const before = sandbox.infobip.stats();
      await insertIntake(sandbox.connector.store.db, rows);
      const ids = rows.map((r) => r.id);
      const bad = ids[3]!;
      const good = ids.filter((id) => id !== bad);

      const sfmcRows = await eventually(() => {
        const current = sfmcRowsById(sandbox);
        return ids.every((id) => current.has(id)) && good.every((id) => current.get(id)!.statusGroupName === 'DELIVERED') ? current : undefined;
      }, 'a report row per message');
      const stats = sandbox.infobip.stats();
      assert.equal(stats.rejectedRequests[400]! - before.rejectedRequests[400]!, 1, 'one refused request');
      const sent = sandbox.infobip.sentMessages();
      assert.equal(sent.has(bad), false);
      for (const id of good) assert.equal(sent.get(id)?.timesReceived, 1, 'good messages sent once, in the retried request');
      assert.equal(stats.duplicateMessageIds, 0);

      // The dispatcher records its outcome after Infobip answers, so possibly after the reports.
      await eventually(() => everyMessage(sandbox.connector.store.db, ids, (m) => m.state !== 'sending' && m.state !== 'queued'), 'every outcome recorded');
      const messages = await messagesById(sandbox.connector.store.db, ids);
      assert.equal(messages.get(bad)!.state, 'failed');
      assert.match(messages.get(bad)!.last_error!, /^HTTP 400/);
      for (const id of good) assert.equal(messages.get(id)!.state, 'sent');

      const report = (await reportsById(sandbox.connector.store.db, [bad])).get(bad)!;
      assert.equal(report.status_group_name, 'REJECTED');
      assert.equal(report.error_id, 400);
      assert.match(report.error_description!, /messages\[\d+\]\.destinations\[0\]\.to: /);
      assert.equal(report.destination, badTo);

      const row = sfmcRows.get(bad)!;
      assert.equal(row.statusGroupName, 'REJECTED');
      assert.equal(row.statusName, 'REJECTED_INVALID_REQUEST');
      assert.equal(row.to, badTo.slice(0, 50), 'cut to the column length rather than refused by SFMC');

      const answer = await reportsActivity(tenant, bad);
      assert.equal(answer.statusGroupName, 'REJECTED');
      assert.equal(answer.errorName, 'EC_REQUEST_REFUSED');
    });
  });
}
