// Infobip failing in the ways it does (429 with Retry-After, 5xx, requests that hang, the host
// being unreachable): no message is lost, none is sent twice, and each ends with one report row.
// A RecordingProxy between the connector and the simulator timestamps every attempt per message.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { freePort, type Sandbox } from '../src/sandbox/sandbox.ts';
import { type InfobipSimulator, startInfobipSimulator } from '../src/sandbox/infobip/simulator.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { addTenant, contacts, everyMessage, executeAll, messagesById, reportsById, sfmcRowsById, sleep, type TestTenant, uniquePrefix, writebackEntries } from './helpers/flow.ts';
import { type ProxiedCall, RecordingProxy } from './helpers/recording-proxy.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const NO_FAULTS = { rate429: 0, rate5xx: 0, timeoutRate: 0, latencyMs: 0, retryAfterSeconds: 1 };

for (const dialect of testDialects) {
  describe(`dispatch retries (${dialect})`, () => {
    let sandbox: Sandbox;
    let proxy: RecordingProxy;
    let tenant: TestTenant;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      proxy = await RecordingProxy.start(sandbox.infobip.url);
      tenant = await addTenant(sandbox, { infobip: { baseUrl: proxy.url, apiKey: sandbox.info.infobip.apiKey } });
    });
    afterEach(() => sandbox.infobip.setFaults(NO_FAULTS));
    after(async () => {
      await proxy.close();
      await sandbox.close();
    });

    /** Every message accepted by `infobip` exactly once, recorded sent, with one report and one SFMC row. */
    async function assertDeliveredOnce(ids: string[], infobip: InfobipSimulator = sandbox.infobip): Promise<void> {
      const rows = await eventually(() => {
        const current = sfmcRowsById(sandbox);
        return ids.every((id) => current.get(id)?.statusName === 'DELIVERED_TO_HANDSET') ? current : undefined;
      }, 'a delivered report row per message in SFMC', 30_000);
      const sent = infobip.sentMessages();
      for (const id of ids) assert.equal(sent.get(id)?.timesReceived, 1, `message ${id} accepted by Infobip exactly once`);
      assert.equal(infobip.stats().duplicateMessageIds, 0);
      // The dispatcher records 'sent' after Infobip answers, so possibly after the report row.
      await eventually(() => everyMessage(sandbox.connector.store.db, ids, (m) => m.state === 'sent'), 'every message recorded sent');
      const reports = await reportsById(sandbox.connector.store.db, ids);
      assert.equal(reports.size, ids.length);
      for (const id of ids) assert.equal(rows.get(id)?.statusGroupName, 'DELIVERED');
      // One report per message, so one write-back entry, written once.
      const entries = await eventually(async () => {
        const list = await writebackEntries(sandbox.connector.store.db, ids);
        return list.every((e) => e.state === 'written') ? list : undefined;
      }, 'write-back entries written');
      assert.equal(entries.length, ids.length);
    }

    /** The proxied attempts of each message, checked to end with exactly one accepted call. */
    function attemptsOf(ids: string[]): ProxiedCall[][] {
      return ids.map((id) => {
        const calls = proxy.callsFor(id);
        assert.equal(calls.filter((c) => c.status === 200).length, 1, `message ${id}: one accepted call among ${calls.map((c) => c.status)}`);
        assert.equal(calls.at(-1)!.status, 200, `message ${id}: nothing sent after it was accepted`);
        return calls;
      });
    }

    test('429 with Retry-After: the account waits at least Retry-After, then every message goes out once', async () => {
      sandbox.infobip.setFaults({ rate429: 1, retryAfterSeconds: 1 });
      const ids = await executeAll(tenant, contacts(uniquePrefix('throttled'), 100), 25);
      // Two throttled rounds: the first retry was throttled again, and waited again.
      await eventually(() => ids.every((id) => proxy.callsFor(id).filter((c) => c.status === 429).length >= 2) || undefined, 'two 429s per message');
      sandbox.infobip.setFaults({ rate429: 0 });
      await assertDeliveredOnce(ids);

      let shortest = Infinity;
      for (const calls of attemptsOf(ids)) {
        assert.ok(calls.length >= 3);
        for (let i = 1; i < calls.length; i++) {
          assert.equal(calls[i - 1]!.status, 429);
          assert.equal(calls[i - 1]!.retryAfter, '1');
          shortest = Math.min(shortest, calls[i]!.receivedAt - calls[i - 1]!.answeredAt);
        }
      }
      console.log(`[${dialect}] shortest pause after a 429 with Retry-After: 1 was ${shortest} ms`);
      assert.ok(shortest >= 1000, `a message was sent again ${shortest} ms after a 429 with Retry-After: 1`);

      // The pause is the account's: while throttled, no request of this account reached Infobip early.
      const throttled = proxy.calls.filter((c) => c.status === 429);
      for (const c of proxy.calls) {
        const early = throttled.find((t) => c.receivedAt > t.answeredAt && c.receivedAt - t.answeredAt < 1000);
        assert.equal(early, undefined, `a request reached Infobip ${early ? c.receivedAt - early.answeredAt : 0} ms after a 429`);
      }
    });

    test('5xx: retried with growing backoff, then every message goes out once', async () => {
      sandbox.infobip.setFaults({ rate5xx: 1 });
      const ids = await executeAll(tenant, contacts(uniquePrefix('failing'), 100, 1000), 25);
      await eventually(() => ids.every((id) => proxy.callsFor(id).filter((c) => c.status === 500).length >= 2) || undefined, 'two 500s per message');
      sandbox.infobip.setFaults({ rate5xx: 0 });
      await assertDeliveredOnce(ids);
      const gaps: number[][] = [];
      for (const calls of attemptsOf(ids)) {
        assert.ok(calls.length >= 3);
        const pauses = calls.slice(1).map((c, i) => c.receivedAt - calls[i]!.answeredAt);
        gaps.push(pauses);
        // backoffMs(attempt) is at least half its ceiling: 500 ms, then 1 s, 2 s, …
        pauses.forEach((pause, i) => assert.ok(pause >= 500 * 2 ** i, `pause ${i + 1} after a 500 was ${pause} ms`));
      }
      console.log(`[${dialect}] pauses after 500s (first message): ${gaps[0]!.join(', ')} ms`);
    });

    test('a request that hangs keeps its messages leased; after the connection is reset they go out once', async () => {
      // The client's own timeout (undici headersTimeout, 30 s) is not tunable, so the test plays the
      // network: the hung connection is reset, as a load balancer or a NAT timeout would.
      sandbox.infobip.setFaults({ timeoutRate: 1 });
      const hungBefore = sandbox.infobip.stats().hungRequests;
      const ids = await executeAll(tenant, contacts(uniquePrefix('hung'), 50, 2000), 25);
      await eventually(() => sandbox.infobip.stats().hungRequests > hungBefore || undefined, 'a hung request');
      await sleep(300);
      // The hung request's messages stay leased to the dispatcher that waits for the answer; the
      // ones stored after its claim wait unclaimed (a busy account is left out of later claims).
      const held = await messagesById(sandbox.connector.store.db, ids);
      const leased = [...held.values()].filter((m) => m.state === 'sending');
      assert.ok(leased.length > 0);
      for (const m of leased) assert.ok(m.lease_until! > Date.now() + 60_000, 'leased for the dispatcher still waiting');
      for (const m of held.values()) if (m.state !== 'sending') assert.deepEqual([m.state, m.attempts], ['queued', 0]);
      assert.equal(sandbox.infobip.stats().hungRequests, hungBefore + 1, 'one request, not sent again while in flight');
      sandbox.infobip.setFaults({ timeoutRate: 0 });
      proxy.dropConnections();
      await assertDeliveredOnce(ids);
      const reset = await messagesById(sandbox.connector.store.db, ids);
      for (const m of reset.values()) assert.equal(m.attempts, leased.some((l) => l.id === m.id) ? 2 : 1);
      attemptsOf(ids);
    });

    test(
      "one account's hung request does not hold up another tenant's messages",
      async () => {
        const other = await addTenant(sandbox, { name: 'Tenant next door' });
        sandbox.infobip.setFaults({ timeoutRate: 1 });
        const hungBefore = sandbox.infobip.stats().hungRequests;
        const stuck = await executeAll(tenant, contacts(uniquePrefix('stuck'), 10, 4000), 10);
        await eventually(() => sandbox.infobip.stats().hungRequests > hungBefore || undefined, 'a hung request');
        sandbox.infobip.setFaults({ timeoutRate: 0 });
        const ids = await executeAll(other, contacts(uniquePrefix('next-door'), 10, 4100), 10);
        try {
          // Well inside the 30 s a hung request is given: they did not wait for it.
          await eventually(() => ids.every((id) => sandbox.infobip.sentMessages().has(id)) || undefined, "the other tenant's messages sent", 5000);
        } finally {
          proxy.dropConnections();
          await assertDeliveredOnce([...stuck, ...ids]);
        }
      },
    );

    test('Infobip unreachable: network errors are retried with backoff and the messages go out once it is back', async () => {
      const port = await freePort('127.0.0.1');
      const apiKey = 'key-of-the-account-that-is-down';
      const down = await addTenant(sandbox, { infobip: { baseUrl: `http://127.0.0.1:${port}`, apiKey }, name: 'Tenant whose Infobip is down' });
      const ids = await executeAll(down, contacts(uniquePrefix('down'), 50, 3000), 25);
      const firstTry = Date.now();
      await eventually(async () => {
        const rows = await messagesById(sandbox.connector.store.db, ids);
        return [...rows.values()].every((m) => m.state === 'queued' && m.attempts >= 2) || undefined;
      }, 'a second attempt');
      await sleep(Math.max(0, 2500 - (Date.now() - firstTry)));
      const waiting = await messagesById(sandbox.connector.store.db, ids);
      for (const m of waiting.values()) {
        // 'sending' when the read falls inside a retry's claim; its last error is still there.
        assert.ok(m.state === 'queued' || m.state === 'sending', m.state);
        assert.match(m.last_error ?? '', /^network: /);
        // 20 ms polling without backoff would have made ~100 attempts by now.
        assert.ok(m.attempts >= 2 && m.attempts <= 4, `${m.attempts} attempts in 2.5 s of outage`);
        assert.ok(m.next_attempt_at > Date.now() - 1000);
      }
      const second = await startInfobipSimulator({ port, apiKeys: [apiKey], deliveryDelayMs: [5, 30], outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      try {
        await assertDeliveredOnce(ids, second);
        assert.equal(second.stats().uniqueMessageIds, ids.length);
      } finally {
        await second.close();
      }
    });
  });
}
