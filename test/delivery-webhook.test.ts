// The delivery-report webhook as Infobip calls it: bodies it must refuse, reports it must ignore,
// and reports arriving duplicated and out of order, which must leave the most advanced status in
// the report store, in the Reports activity's answer and in the SFMC row.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { FINAL } from '../src/sandbox/infobip/statuses.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import {
  addTenant,
  contacts,
  demoTenant,
  executeAll,
  everyMessage, messagesById,
  reportsActivity,
  reportsById,
  sfmcRowsById,
  sleep,
  tally,
  type TestTenant,
  uniquePrefix,
  writebackEntries,
} from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const HANDSET = { groupId: 3, groupName: 'DELIVERED', id: 5, name: 'DELIVERED_TO_HANDSET', description: 'Message delivered to handset' };
const OPERATOR = { groupId: 3, groupName: 'DELIVERED', id: 2, name: 'DELIVERED_TO_OPERATOR', description: 'Message delivered to operator' };
const ENROUTE = { groupId: 1, groupName: 'PENDING', id: 7, name: 'PENDING_ENROUTE', description: 'Message sent to next instance' };
const UNDELIVERABLE = { groupId: 2, groupName: 'UNDELIVERABLE', id: 9, name: 'UNDELIVERABLE_NOT_DELIVERED', description: 'Message sent not delivered' };
const NO_ERROR = { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', description: 'No Error', permanent: false };
const UNKNOWN_SUBSCRIBER = { groupId: 1, groupName: 'HANDSET_ERRORS', id: 1, name: 'EC_UNKNOWN_SUBSCRIBER', description: 'Unknown Subscriber', permanent: true };

async function post(url: string, body: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, body: await response.text() };
}

const postReports = (url: string, results: unknown[]) => post(url, JSON.stringify({ results }));

for (const dialect of testDialects) {
  describe(`delivery-report webhook (${dialect})`, () => {
    let sandbox: Sandbox;
    let tenant: TestTenant;
    let other: TestTenant;
    /** Messages of `tenant` sent to Infobip whose reports the tests post themselves. */
    let ids: string[];
    let destinations: Map<string, string>;
    let next = 0;
    const take = () => ids[next++]!;

    /** A v3 delivery report (SMS API v3 `DeliveryReport`) for one of our messages. */
    const report = (messageId: string, status: object, extra: Record<string, unknown> = {}) => ({
      bulkId: 'Order shipped SMS',
      messageId,
      to: destinations.get(messageId) ?? '491510000000',
      sender: 'mc-relay',
      sentAt: '2024-03-01T10:00:00.000+0000',
      doneAt: '2024-03-01T10:00:02.000+0000',
      messageCount: 1,
      mccMnc: '26201',
      price: { pricePerMessage: 0.01, currency: 'EUR' },
      status,
      error: status === UNDELIVERABLE ? UNKNOWN_SUBSCRIBER : NO_ERROR,
      ...extra,
    });

    const stored = async (id: string) => (await reportsById(sandbox.connector.store.db, [id])).get(id);
    const rowOf = (id: string) => sfmcRowsById(sandbox).get(id);
    const rowWith = (id: string, statusName: string) =>
      eventually(() => (rowOf(id)?.statusName === statusName ? rowOf(id) : undefined), `SFMC row of ${id} with ${statusName}`);
    /** Lets the write-back worker run a few rounds, so that anything queued would be written. */
    const settle = async () => {
      await sleep(300);
      await eventually(async () => (await writebackEntries(sandbox.connector.store.db)).every((e) => e.state === 'written' || e.state === 'failed') || undefined, 'write-back idle');
    };

    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      tenant = await demoTenant(sandbox);
      other = await addTenant(sandbox, { name: 'Other business unit' });
      // Infobip accepts the messages but its reports are lost: the tests play the webhook.
      sandbox.infobip.setFaults({ webhookDropRate: 1 });
      ids = await executeAll(tenant, contacts(uniquePrefix('hook'), 30), 10);
      await eventually(() => everyMessage(sandbox.connector.store.db, ids, (m) => m.state === 'sent'), 'messages sent');
      destinations = new Map([...(await messagesById(sandbox.connector.store.db, ids)).values()].map((m) => [m.id, m.destination]));
    });
    after(() => sandbox.close());

    test('a body that is not JSON, or has no results array, is refused with 400 and stores nothing', async () => {
      const id = take();
      const url = tenant.deliveryWebhookUrl;
      const valid = JSON.stringify({ results: [report(id, HANDSET)] });
      assert.equal((await post(url, valid.slice(0, -5))).status, 400, 'truncated JSON');
      assert.equal((await post(url, 'results=1')).status, 400, 'not JSON');
      assert.equal((await post(url, '{}')).status, 400, 'no results');
      assert.equal((await post(url, JSON.stringify({ results: {} }))).status, 400, 'results not an array');
      assert.equal((await post(url, JSON.stringify([report(id, HANDSET)]))).status, 400, 'a bare array');
      assert.equal((await post(url, JSON.stringify({ result: [report(id, HANDSET)] }))).status, 400, 'misspelt results');
      assert.equal(await stored(id), undefined);
      assert.equal((await writebackEntries(sandbox.connector.store.db, [id])).length, 0);
    });

    test('an entry that does not parse is skipped; the others of the batch are stored (200)', async () => {
      const id = take();
      const answer = await postReports(tenant.deliveryWebhookUrl, [{ messageId: id }, { status: HANDSET }, report(id, HANDSET)]);
      assert.equal(answer.status, 200);
      assert.equal((await stored(id))?.status_name, 'DELIVERED_TO_HANDSET');
      await rowWith(id, 'DELIVERED_TO_HANDSET');
    });

    test('a report for an unknown messageId is answered 200 and stores nothing', async () => {
      const unknown = '9d3c2b1a-0000-4000-8000-000000000000';
      const answer = await postReports(tenant.deliveryWebhookUrl, [report(unknown, HANDSET)]);
      assert.equal(answer.status, 200, 'Infobip must not retry a report we can never place');
      assert.equal(await stored(unknown), undefined);
      assert.equal((await writebackEntries(sandbox.connector.store.db, [unknown])).length, 0);
    });

    test('a wrong token in the URL is 401 and stores nothing', async () => {
      const id = take();
      const wrong = tenant.deliveryWebhookUrl.replace(/\/hooks\/[^/]+\//, '/hooks/not-the-token/');
      assert.equal((await postReports(wrong, [report(id, HANDSET)])).status, 401);
      const flipped = tenant.deliveryWebhookUrl.replace(/\/hooks\/(.)/, (_, c: string) => `/hooks/${c === 'A' ? 'B' : 'A'}`);
      assert.equal((await postReports(flipped, [report(id, HANDSET)])).status, 401, 'one character off');
      assert.equal(await stored(id), undefined);
    });

    test("a report for another tenant's message at this tenant's URL is ignored", async () => {
      const [otherId] = await executeAll(other, contacts(uniquePrefix('other'), 1, 900), 1);
      await eventually(async () => (await messagesById(sandbox.connector.store.db, [otherId!])).get(otherId!)?.state === 'sent' || undefined, 'sent');
      const answer = await postReports(tenant.deliveryWebhookUrl, [report(otherId!, UNDELIVERABLE)]);
      assert.equal(answer.status, 200);
      assert.equal(await stored(otherId!), undefined, 'not stored under either tenant');
      assert.equal((await reportsActivity(other, otherId!)).statusName, 'NOT_AVAILABLE');
      // The same report at its own tenant's URL is taken: it was refused for its tenant only.
      assert.equal((await postReports(other.deliveryWebhookUrl, [report(otherId!, UNDELIVERABLE)])).status, 200);
      assert.equal((await stored(otherId!))?.tenant_id, other.id);
    });

    test('duplicates store one report and write one row', async () => {
      const id = take();
      const r = report(id, HANDSET);
      assert.equal((await postReports(tenant.deliveryWebhookUrl, [r, r])).status, 200, 'twice in one batch');
      const first = await stored(id);
      await rowWith(id, 'DELIVERED_TO_HANDSET');
      assert.equal((await postReports(tenant.deliveryWebhookUrl, [r])).status, 200, 'again in a later batch');
      await settle();
      const entries = await writebackEntries(sandbox.connector.store.db, [id]);
      assert.equal(entries.length, 1, 'one write-back for the report, none for its copies');
      assert.deepEqual(await stored(id), first, 'the copy changed nothing');
    });

    for (const stale of [ENROUTE, OPERATOR]) {
      test(`a final report followed by an older ${stale.name} keeps the final status everywhere`, async () => {
        const id = take();
        const final = report(id, UNDELIVERABLE, { doneAt: '2024-03-01T10:00:09.000+0000' });
        assert.equal((await postReports(tenant.deliveryWebhookUrl, [final])).status, 200);
        await rowWith(id, 'UNDELIVERABLE_NOT_DELIVERED');
        // Late, in its own batch, then again together with a copy of the final.
        assert.equal((await postReports(tenant.deliveryWebhookUrl, [report(id, stale)])).status, 200);
        assert.equal((await postReports(tenant.deliveryWebhookUrl, [report(id, stale), final])).status, 200);
        await settle();
        const kept = (await stored(id))!;
        assert.equal(kept.status_name, 'UNDELIVERABLE_NOT_DELIVERED');
        assert.equal(kept.error_name, 'EC_UNKNOWN_SUBSCRIBER');
        assert.equal(kept.done_at, '2024-03-01T10:00:09.000Z');
        const answer = await reportsActivity(tenant, id);
        assert.equal(answer.statusName, 'UNDELIVERABLE_NOT_DELIVERED');
        assert.equal(answer.statusGroupName, 'UNDELIVERABLE');
        assert.equal(answer.errorName, 'EC_UNKNOWN_SUBSCRIBER');
        const row = rowOf(id)!;
        assert.equal(row.statusName, 'UNDELIVERABLE_NOT_DELIVERED');
        assert.equal(row.errorName, 'EC_UNKNOWN_SUBSCRIBER');
        assert.equal((await writebackEntries(sandbox.connector.store.db, [id])).length, 1, 'the stale reports queued nothing');
      });
    }

    test('DELIVERED_TO_OPERATOR then DELIVERED_TO_HANDSET: the handset report wins', async () => {
      const id = take();
      await postReports(tenant.deliveryWebhookUrl, [report(id, OPERATOR, { doneAt: '2024-03-01T10:00:01.000+0000' })]);
      assert.equal((await stored(id))?.status_name, 'DELIVERED_TO_OPERATOR');
      await rowWith(id, 'DELIVERED_TO_OPERATOR');
      await postReports(tenant.deliveryWebhookUrl, [report(id, HANDSET, { doneAt: '2024-03-01T10:00:05.000+0000' })]);
      await rowWith(id, 'DELIVERED_TO_HANDSET');
      assert.equal((await stored(id))?.status_name, 'DELIVERED_TO_HANDSET');
      assert.equal((await stored(id))?.done_at, '2024-03-01T10:00:05.000Z');
      assert.equal((await reportsActivity(tenant, id)).statusName, 'DELIVERED_TO_HANDSET');

      // Both in one batch, handset first: still the handset report.
      const both = take();
      await postReports(tenant.deliveryWebhookUrl, [report(both, HANDSET), report(both, OPERATOR)]);
      assert.equal((await stored(both))?.status_name, 'DELIVERED_TO_HANDSET');
      await rowWith(both, 'DELIVERED_TO_HANDSET');
      assert.equal((await reportsActivity(tenant, both)).statusName, 'DELIVERED_TO_HANDSET');
    });

    test('a seen report before the delivery report is kept: the later delivery keeps seenAt, a later seen report does not move it', async () => {
      const id = take();
      const seenUrl = sandbox.info.webhooks.seenReports!;
      const seen = (seenAt: string) => post(seenUrl, JSON.stringify({ results: [{ messageId: id, from: destinations.get(id), to: 'mc-relay', sentAt: '2024-03-01T10:00:00.000+0000', seenAt }] }));
      assert.equal((await seen('2024-03-01T10:00:04.000+0000')).status, 200);
      assert.equal((await stored(id))?.seen_at, '2024-03-01T10:00:04.000Z', 'stored before any delivery report');
      const early = await reportsActivity(tenant, id);
      assert.equal(early.statusName, 'NOT_AVAILABLE', 'still nothing final');
      assert.equal(early.seenAt, '2024-03-01T10:00:04.000Z');

      assert.equal((await postReports(tenant.deliveryWebhookUrl, [report(id, HANDSET)])).status, 200);
      assert.equal((await seen('2024-03-01T10:00:30.000+0000')).status, 200, 'a second, later seen report');
      const kept = (await stored(id))!;
      assert.deepEqual([kept.status_name, kept.done_at, kept.seen_at], ['DELIVERED_TO_HANDSET', '2024-03-01T10:00:02.000Z', '2024-03-01T10:00:04.000Z']);
      const answer = await reportsActivity(tenant, id);
      assert.deepEqual([answer.statusName, answer.seenAt], ['DELIVERED_TO_HANDSET', '2024-03-01T10:00:04.000Z']);
    });

    test('the v2 shape (from, smsCount) is read', async () => {
      const id = take();
      // SMS API v2 delivery report: `from` instead of `sender`, `smsCount` instead of `messageCount`.
      const v2 = {
        bulkId: 'Order shipped SMS',
        messageId: id,
        to: destinations.get(id),
        from: 'InfoSMS',
        sentAt: '2024-03-01T10:00:00.000+0000',
        doneAt: '2024-03-01T10:00:03.000+0000',
        smsCount: 3,
        mccMnc: '22801',
        callbackData: '{"ContactKey":"from-v2"}',
        price: { pricePerMessage: 0.02, currency: 'CHF' },
        status: HANDSET,
        error: NO_ERROR,
      };
      assert.equal((await postReports(tenant.deliveryWebhookUrl, [v2])).status, 200);
      const r = (await stored(id))!;
      assert.equal(r.sender, 'InfoSMS');
      assert.equal(r.message_count, 3);
      assert.equal(r.price_currency, 'CHF');
      assert.equal(r.callback_data, '{"ContactKey":"from-v2"}');
      const row = await rowWith(id, 'DELIVERED_TO_HANDSET');
      assert.equal(row!.from, 'InfoSMS');
      assert.equal(row!.messageCount, 3);
      assert.equal(row!.pricePerMessage, 0.02);
      assert.equal(row!.priceCurrency, 'CHF');
      assert.equal(row!.originalMCC, '228');
      assert.equal(row!.originalMNC, '01');
    });

    test('Infobip times (2019-11-09T16:00:00.000+0100) are stored as the right UTC instant', async () => {
      const id = take();
      const r = report(id, HANDSET, { sentAt: '2019-11-09T16:00:00.000+0100', doneAt: '2019-11-09T16:00:05.250-0530' });
      assert.equal((await postReports(tenant.deliveryWebhookUrl, [r])).status, 200);
      const kept = (await stored(id))!;
      assert.equal(kept.sent_at, '2019-11-09T15:00:00.000Z');
      assert.equal(kept.done_at, '2019-11-09T21:30:05.250Z');
      const answer = await reportsActivity(tenant, id);
      assert.equal(answer.sentAt, '2019-11-09T15:00:00.000Z');
      assert.equal(answer.doneAt, '2019-11-09T21:30:05.250Z');
      const row = await rowWith(id, 'DELIVERED_TO_HANDSET');
      assert.equal(new Date(String(row!.sentAt)).getTime(), Date.UTC(2019, 10, 9, 15, 0, 0));
      assert.equal(new Date(String(row!.doneAt)).getTime(), Date.UTC(2019, 10, 9, 21, 30, 5, 250));
    });

    test("the simulator's duplicate and reorder faults over a 200-contact run end with the right final status everywhere", async () => {
      sandbox.infobip.setFaults({ webhookDropRate: 0, webhookDuplicateRate: 0.5, webhookReorder: true });
      sandbox.infobip.setOutcomes({ delivered: 70, undeliverable: 10, expired: 10, rejected: 10 });
      const before = sandbox.infobip.stats();
      const list = contacts(uniquePrefix('faulty-hooks'), 200, 1000);
      const runIds = await executeAll(tenant, list, 25);
      await eventually(() => runIds.every((id) => sandbox.infobip.sentMessages().has(id)) || undefined, 'all sent');
      await sandbox.infobip.flushWebhooks();
      const sent = sandbox.infobip.sentMessages();
      const expected = new Map(runIds.map((id) => [id, FINAL[sent.get(id)!.outcome]]));
      const rows = await eventually(() => {
        const current = sfmcRowsById(sandbox);
        return runIds.every((id) => current.get(id)?.statusName === expected.get(id)!.status.name) ? current : undefined;
      }, 'every SFMC row at its final status', 20_000);
      const stats = sandbox.infobip.stats();
      const duplicated = stats.webhookReportsDuplicated - before.webhookReportsDuplicated;
      const late = stats.webhookReportsPosted - before.webhookReportsPosted - runIds.length - duplicated;
      console.log(`[${dialect}] 200 messages: ${duplicated} duplicated reports, ${late} late intermediate reports; outcomes ${JSON.stringify(Object.fromEntries(tally([...expected.values()].map((e) => e.status.groupName))))}`);
      assert.ok(duplicated > 20, 'the duplicate fault struck');
      assert.ok(late > 20, 'late intermediate reports were posted after their final one');
      assert.equal(stats.webhookFailures, before.webhookFailures, 'every webhook POST was answered 200');

      // Late intermediates are in flight after the finals: let them land, then check everything.
      await sandbox.infobip.flushWebhooks();
      await settle();
      const reports = await reportsById(sandbox.connector.store.db, runIds);
      const finalRows = sfmcRowsById(sandbox);
      for (const id of runIds) {
        const want = expected.get(id)!;
        assert.equal(reports.get(id)?.status_name, want.status.name, `report store, message ${id}`);
        assert.equal(reports.get(id)?.error_name, want.error.name);
        assert.equal(finalRows.get(id)?.statusName, want.status.name, `SFMC row, message ${id}`);
        assert.equal(finalRows.get(id)?.errorName, want.error.name);
        assert.equal(rows.get(id)?.statusGroupName, want.status.groupName);
      }
      const answers = await Promise.all(runIds.map((id) => reportsActivity(tenant, id)));
      answers.forEach((answer, i) => {
        const want = expected.get(runIds[i]!)!;
        assert.equal(answer.statusName, want.status.name, `Reports activity, message ${runIds[i]}`);
        assert.equal(answer.errorName, want.error.name);
      });
    });
  });
}
