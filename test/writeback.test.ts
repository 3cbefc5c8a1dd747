// Write-back of reports to SFMC data extensions: many rows per async call, one cached token, and
// every kind of SFMC trouble (expired token, 429, 5xx, an outage, rows it refuses, a data extension
// that does not exist yet) ending with every row written once, or failed with SFMC's reason.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { smsDeliveryReports } from '../src/reports/data-extensions.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { addTenant, average, contacts, demoTenant, executeAll, sfmcRowsById, sleep, tally, type TestTenant, uniquePrefix, writebackEntries } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

for (const dialect of testDialects) {
  describe(`write-back to SFMC (${dialect})`, () => {
    let sandbox: Sandbox;
    let tenant: TestTenant;
    let phones = 0;
    const wave = (label: string, count: number) => {
      const list = contacts(uniquePrefix(label), count, phones);
      phones += count;
      return list;
    };
    const db = () => sandbox.connector.store.db;
    /** Waits for a delivered row per message in the tenant's data extension. */
    const rowsFor = (ids: string[], key = sandbox.info.dataExtensions.smsDeliveryReports!, timeoutMs = 20_000) =>
      eventually(() => {
        const rows = sfmcRowsById(sandbox, key);
        return ids.every((id) => rows.get(id)?.statusName === 'DELIVERED_TO_HANDSET') ? rows : undefined;
      }, `${ids.length} rows in ${key}`, timeoutMs);
    const allWritten = (ids: string[]) =>
      eventually(async () => {
        const entries = await writebackEntries(db(), ids);
        return entries.length >= ids.length && entries.every((e) => e.state === 'written') ? entries : undefined;
      }, 'write-back entries written');

    /** Nothing left to write or to check: every entry written or failed. */
    const queueIdle = () =>
      eventually(async () => (await writebackEntries(db())).every((e) => e.state === 'written' || e.state === 'failed') || undefined, 'write-back queue idle');

    before(async () => {
      // The production pause between write-back rounds (500 ms) lets rows gather into large calls.
      sandbox = await startTestSandbox(dialect, {
        outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 },
        tuning: { dispatcherIdleMs: 20, writebackIdleMs: 500 },
      });
      tenant = await demoTenant(sandbox);
    });
    afterEach(() => sandbox.sfmc.setFaults({ rate429: 0, rate5xx: 0, down: false, retryAfterSeconds: 5 }));
    after(() => sandbox.close());

    test('1,000 reports are written in few large async calls with one cached token', async () => {
      const ids = await executeAll(tenant, wave('many', 1000), 50);
      await rowsFor(ids);
      const entries = await allWritten(ids);
      assert.equal(entries.length, ids.length, 'one report, one write-back entry per message');
      const stats = sandbox.sfmc.stats();
      const mean = average(stats.rowsPerCall);
      console.log(`[${dialect}] 1000 rows in ${stats.rowsPerCall.length} async calls, ${mean.toFixed(0)} rows/call (${stats.rowsPerCall.join(',')}); ${stats.tokenRequests} token request(s); calls ${JSON.stringify(stats.calls)}`);
      assert.ok(mean >= 100, `rows per call averages ${mean.toFixed(1)}`);
      assert.equal(sum(stats.rowsPerCall), ids.length, 'each row sent once');
      assert.ok(stats.tokenRequests >= 1 && stats.tokenRequests <= 2, `${stats.tokenRequests} token requests`);
      assert.equal(stats.asyncErrors, 0);
    });

    test('an expired token: the call gets 401, one new token is fetched and the rows are written', async () => {
      const before = sandbox.sfmc.stats();
      sandbox.sfmc.setFaults({ expireTokensNow: true });
      const ids = await executeAll(tenant, wave('expired', 20), 10);
      await rowsFor(ids);
      await allWritten(ids);
      const stats = sandbox.sfmc.stats();
      assert.ok((stats.rejected['401'] ?? 0) > (before.rejected['401'] ?? 0), 'SFMC refused the old token');
      assert.equal(stats.tokenRequests - before.tokenRequests, 1, 'one new token');
    });

    for (const fault of [{ rate429: 1 }, { rate5xx: 1 }]) {
      const status = 'rate429' in fault ? '429' : '5xx';
      test(`${status} answers: the rows wait with backoff and are written once SFMC recovers`, async () => {
        await queueIdle();
        const before = sandbox.sfmc.stats();
        sandbox.sfmc.setFaults({ ...fault, retryAfterSeconds: 1 });
        const ids = await executeAll(tenant, wave(`fault-${status}`, 50), 25);
        const waiting = await eventually(async () => {
          const entries = await writebackEntries(db(), ids);
          return entries.length === ids.length && entries.every((e) => e.state === 'pending' && e.attempts >= 1) ? entries : undefined;
        }, 'entries pending after a refused call');
        for (const e of waiting) assert.match(e.last_error ?? '', status === '429' ? /^HTTP 429/ : /^HTTP 5\d\d/);
        // Each entry is tried again only after Retry-After (1 s) or its growing backoff (0.5–1 s,
        // then 1–2 s, 2–4 s): in 2.8 s at most 3 more attempts. Retrying at every round of the
        // worker (500 ms) would be 6.
        const windowMs = 2800;
        await sleep(windowMs);
        const later = new Map((await writebackEntries(db(), ids)).map((e) => [e.id, e.attempts]));
        const extra = waiting.map((e) => later.get(e.id)! - e.attempts);
        console.log(`[${dialect}] ${status}: attempts per entry in ${windowMs} ms: ${JSON.stringify(Object.fromEntries(tally(extra)))}`);
        for (const n of extra) assert.ok(n <= 3, `${n} attempts in ${windowMs} ms of ${status}`);
        assert.ok(Math.max(...extra) >= 1, 'tried again meanwhile');
        assert.equal(ids.filter((id) => sfmcRowsById(sandbox).has(id)).length, 0, 'nothing written while refused');
        sandbox.sfmc.setFaults({ rate429: 0, rate5xx: 0 });
        await rowsFor(ids);
        await allWritten(ids);
        const after = sandbox.sfmc.stats();
        assert.equal(sum(after.rowsPerCall) - sum(before.rowsPerCall), ids.length, 'each row accepted once');
      });
    }

    test('SFMC down: rows wait in the queue, then all are written once, none lost, none doubled', async () => {
      await queueIdle();
      const before = sandbox.sfmc.stats();
      sandbox.sfmc.setFaults({ down: true });
      const ids = await executeAll(tenant, wave('outage', 100), 25);
      await eventually(async () => {
        const entries = await writebackEntries(db(), ids);
        return entries.length === ids.length && entries.every((e) => e.state === 'pending' && /503/.test(e.last_error ?? '')) ? entries : undefined;
      }, 'entries pending with the 503');
      await sleep(1500);
      // A retry round in progress holds some as 'writing'; none is written, failed or lost.
      const queued = tally((await writebackEntries(db(), ids)).map((e) => (e.state === 'writing' ? 'pending' : e.state)));
      assert.deepEqual([...queued], [['pending', ids.length]], 'rows wait in writeback_queue');
      assert.equal(ids.filter((id) => sfmcRowsById(sandbox).has(id)).length, 0);
      sandbox.sfmc.setFaults({ down: false });
      const rows = await rowsFor(ids);
      const entries = await allWritten(ids);
      assert.equal(entries.length, ids.length, 'no entry lost or added');
      for (const id of ids) assert.ok(rows.has(id));
      const after = sandbox.sfmc.stats();
      assert.equal(sum(after.rowsPerCall) - sum(before.rowsPerCall), ids.length, 'each row accepted once after the outage');
    });

    test('SFMC down between the accepted call and its status check: entries stay submitted, then are written without a second call', async () => {
      await queueIdle();
      const before = sandbox.sfmc.stats();
      const ids = await executeAll(tenant, wave('check-down', 20), 20);
      // The status check comes a second after SFMC accepted the call: the outage starts before it.
      const submitted = await eventually(async () => {
        const entries = await writebackEntries(db(), ids);
        const accepted = entries.length === ids.length && entries.every((e) => e.state === 'submitted' || e.state === 'written');
        return accepted && entries.some((e) => e.state === 'submitted') ? entries.filter((e) => e.state === 'submitted').map((e) => e.message_id) : undefined;
      }, 'entries submitted');
      sandbox.sfmc.setFaults({ down: true });
      await sleep(2500);
      assert.deepEqual([...tally((await writebackEntries(db(), submitted)).map((e) => e.state))], [['submitted', submitted.length]], 'neither written nor forgotten while unchecked');
      assert.ok((sandbox.sfmc.stats().rejected['503'] ?? 0) > (before.rejected['503'] ?? 0), 'status checks met the outage');
      sandbox.sfmc.setFaults({ down: false });
      await allWritten(ids);
      const after = sandbox.sfmc.stats();
      assert.equal(sum(after.rowsPerCall) - sum(before.rowsPerCall), ids.length, 'each row sent once');
    });

    test('seconds of 429s, then one 503 without Retry-After: rows wait at most four times as long as they have waited, and are written once SFMC is back', async () => {
      await queueIdle();
      sandbox.sfmc.setFaults({ rate429: 1, retryAfterSeconds: 1 });
      const ids = await executeAll(tenant, wave('throttled-then-down', 20), 20);
      // Each call is answered 429 with Retry-After: 1 s, so the attempts add up within seconds.
      await eventually(async () => {
        const entries = await writebackEntries(db(), ids);
        return entries.length === ids.length && entries.every((e) => e.state === 'pending' && e.attempts >= 8) ? entries : undefined;
      }, 'eight throttled attempts per entry', 30_000);
      // The next call meets an outage page: 503 without Retry-After, so the rows back off on their own.
      sandbox.sfmc.setFaults({ rate429: 0, down: true });
      const refused = await eventually(async () => {
        const entries = await writebackEntries(db(), ids);
        return entries.every((e) => e.state === 'pending' && /^(HTTP|token request answered HTTP) 503/.test(e.last_error ?? '')) ? entries : undefined;
      }, 'entries pending with the 503');
      const now = Date.now();
      const waitedMs = now - Math.min(...refused.map((e) => e.created_at));
      for (const e of refused) {
        // Backoff by attempts alone would be 2–4 minutes here, many times what the rows waited.
        const waitMs = e.next_attempt_at - now;
        assert.ok(waitMs <= 4 * waitedMs, `retried in ${waitMs} ms after waiting ${waitedMs} ms (${e.attempts} attempts)`);
      }
      sandbox.sfmc.setFaults({ down: false });
      await rowsFor(ids, undefined, 4 * waitedMs + 10_000);
      await allWritten(ids);
    });

    test('rows SFMC refuses end failed with its reason; another data extension gets its rows meanwhile', async () => {
      // A data extension someone built without one of the package's columns.
      const key = `Reports_Without_MNC_${dialect}`;
      sandbox.sfmc.createDataExtension(sandbox.info.sfmc.accountId, {
        key,
        name: 'Reports without originalMNC',
        fields: smsDeliveryReports.fields.filter((f) => f.name !== 'originalMNC'),
      });
      const broken = await addTenant(sandbox, { dataExtensions: { smsDeliveryReports: key }, name: 'Broken DE' });
      const [badIds, goodIds] = await Promise.all([executeAll(broken, wave('refused', 5), 5), executeAll(tenant, wave('fine', 5), 5)]);
      await rowsFor(goodIds);
      const failed = await eventually(async () => {
        const entries = await writebackEntries(db(), badIds);
        return entries.length === badIds.length && entries.every((e) => e.state === 'failed') ? entries : undefined;
      }, 'refused rows failed', 20_000);
      for (const e of failed) {
        assert.match(e.last_error!, /ColumnNotFound/);
        assert.match(e.last_error!, /originalMNC/);
      }
      assert.equal(sandbox.sfmc.rows(sandbox.info.sfmc.accountId, key).length, 0);
      await allWritten(goodIds);
    });

    test('a data extension that does not exist: entries stay pending with CustomObjectNotFound, and are written once it is created', async () => {
      const key = `Reports_Created_Later_${dialect}`;
      const later = await addTenant(sandbox, { dataExtensions: { smsDeliveryReports: key }, name: 'DE created later' });
      const ids = await executeAll(later, wave('later', 5), 5);
      const pending = await eventually(async () => {
        const entries = await writebackEntries(db(), ids);
        return entries.length === ids.length && entries.every((e) => e.state === 'pending' && e.attempts >= 1) ? entries : undefined;
      }, 'entries pending');
      for (const e of pending) assert.match(e.last_error!, /CustomObjectNotFound/);
      await sleep(500);
      // 'writing' when the read falls inside a retry round; what matters is that none failed.
      for (const e of await writebackEntries(db(), ids)) assert.ok(e.state === 'pending' || e.state === 'writing', `not given up on: ${e.state}`);
      sandbox.sfmc.createDataExtension(sandbox.info.sfmc.accountId, { key, name: 'Created later', fields: smsDeliveryReports.fields });
      await rowsFor(ids, key);
      await allWritten(ids);
    });
  });
}
