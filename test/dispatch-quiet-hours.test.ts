// Quiet hours: outside the activity's send window (recipient's local time) a message waits for the
// next opening, reported meanwhile as waiting with that time, and when the window opens the backlog
// is spread by the speed limit instead of bursting; or, with "skip", it is reported and never sent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { contacts, demoTenant, everyMessage, reportsActivity, sleep, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { arrivals, burstLimit, executePaced, largestWindow, pacedActivity } from './helpers/pacing.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const clock = (t: number) => new Date(t).toISOString().slice(11, 16);

describe('quiet hours', () => {
  const sandboxes = new Map<string, { sandbox: Sandbox; tenant: TestTenant }>();
  let phones = 0;
  const wave = (label: string, count: number) => {
    const list = contacts(uniquePrefix(label), count, phones);
    phones += count;
    return list;
  };

  before(async () => {
    for (const dialect of testDialects) {
      const sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      sandboxes.set(dialect, { sandbox, tenant: await demoTenant(sandbox) });
    }
  });
  after(async () => {
    for (const { sandbox } of sandboxes.values()) await sandbox.close();
  });

  // Both dialects at once: the window opens at the next whole minute, and waiting for it once is enough.
  test('a backlog held until the window opens is reported with the opening, then spread by the speed limit (sqlite and postgres)', async () => {
    // Everything below must happen before the opening; 20 s leaves a slow machine room.
    const left = 60 - new Date().getUTCSeconds();
    if (left < 20) await sleep((left + 1) * 1000);
    const now = Date.now();
    const opening = now - (now % 60_000) + 60_000;
    const window = { 'sendWindow.enabled': 'true', 'sendWindow.from': clock(opening), 'sendWindow.to': clock(opening + 3_600_000), 'sendWindow.timeZone': 'UTC' };
    await Promise.all(
      [...sandboxes].map(async ([dialect, { sandbox, tenant }]) => {
        const ids = await executePaced(tenant, pacedActivity(1200, window), wave(`held-${dialect}`, 40));
        const waiting = await reportsActivity(tenant, ids[39]!);
        assert.equal(waiting.statusName, 'PENDING_WAITING_TO_SEND', dialect);
        assert.ok(Date.parse(String(waiting.plannedAt)) >= opening, `${dialect}: planned at the opening or later (${waiting.plannedAt})`);
        await eventually(() => everyMessage(sandbox.connector.store.db, ids, (m) => m.state === 'queued' && m.next_attempt_at === opening), `${dialect}: all held until ${clock(opening)}`);
        assert.equal(ids.filter((id) => sandbox.infobip.sentMessages().has(id)).length, 0, `${dialect}: nothing sent before the window`);
        const times = await arrivals(sandbox.infobip, ids, 90_000);
        assert.ok(times[0]! >= opening, `${dialect}: first sent at the opening or later`);
        assert.ok(largestWindow(times) <= burstLimit(20), `${dialect}: largest 1-second window ${largestWindow(times)} at the opening (limit 20/s)`);
      }),
    );
  });

  for (const dialect of testDialects) {
    test(`"skip" reports messages outside the window REJECTED_QUIET_HOURS and never sends them (${dialect})`, async () => {
      const { sandbox, tenant } = sandboxes.get(dialect)!;
      const closedNow = Date.now() + 2 * 3_600_000;
      const window = { 'sendWindow.enabled': 'true', 'sendWindow.from': clock(closedNow), 'sendWindow.to': clock(closedNow + 3_600_000), 'sendWindow.timeZone': 'UTC', 'sendWindow.outside': 'skip' };
      const ids = await executePaced(tenant, pacedActivity(6000, window), wave('skipped', 5));
      await eventually(() => everyMessage(sandbox.connector.store.db, ids, (m) => m.state === 'cancelled'), 'all skipped');
      const answer = await reportsActivity(tenant, ids[0]!);
      assert.deepEqual([answer.statusName, answer.statusGroupName, answer.errorName], ['REJECTED_QUIET_HOURS', 'REJECTED', 'EC_QUIET_HOURS']);
      assert.equal(ids.filter((id) => sandbox.infobip.sentMessages().has(id)).length, 0);
    });
  }
});
