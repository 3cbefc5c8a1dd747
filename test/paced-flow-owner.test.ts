// One instance at a time sends a paced flow (store/sql/claimPacedMessages.ts): the claims as each
// instance's dispatcher makes them, with the clock given, so every step is exact.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '../src/store/database.ts';
import { claimPacedMessages } from '../src/store/sql/claimPacedMessages.ts';
import { insertIntake } from '../src/store/sql/insertIntake.ts';
import { releasePacedFlows } from '../src/store/sql/releasePacedFlows.ts';
import { createTestDatabase, type TestDatabase, testDialects } from './helpers/databases.ts';
import { queuedMessageRow } from './helpers/messages.ts';
import { promoteIntake } from '../src/store/sql/promoteIntake.ts';

const FLOW = 'tenant/journey/activity';
const INTERVAL_US = 10_000;
const T0 = 1_800_000_000_000;

function queued(index: number) {
  return queuedMessageRow({
    id: `paced-${index}`,
    created_at: T0,
    contact_key: `contact-${index}`,
    destination: `4915100000${index}`,
    flow_key: FLOW,
    pace_interval_us: INTERVAL_US,
  });
}

for (const dialect of testDialects) {
  describe(`a paced flow has one sending instance at a time (${dialect})`, () => {
    let database: TestDatabase;
    let store: Store;
    const claim = (owner: string, now: number) =>
      claimPacedMessages(store.db, store.dialect, { flowKey: FLOW, owner, now, leaseMs: 60_000, limit: 1000, excludeAccountIds: [], intervalUs: INTERVAL_US, horizonMs: 1000, ownershipMs: 3000 });

    before(async () => {
      database = await createTestDatabase(dialect);
      store = await openStore(database.url);
      await insertIntake(store.db, Array.from({ length: 1000 }, (_, i) => queued(i)));
      await promoteIntake(store.db);
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    test('the instance whose claim took slots owns the flow; another claims nothing of it until the ownership ends', async () => {
      const first = await claim('a', T0);
      assert.ok(first.owned);
      assert.equal(first.messages.length, 101, 'a second of slots at 100/s, both ends included');
      const other = await claim('b', T0 + 500);
      assert.deepEqual(other, { owned: false, until: T0 + 3000 });
      // The owner's next claim renews it.
      const renewed = await claim('a', T0 + 500);
      assert.ok(renewed.owned && renewed.messages.length > 0);
      assert.deepEqual(await claim('b', T0 + 3499), { owned: false, until: T0 + 3500 });
      // The owner went quiet (died): once its ownership has run out, another instance takes over,
      // its slots starting after the last ones handed out.
      const takeover = await claim('b', T0 + 3500);
      assert.ok(takeover.owned);
      assert.ok(takeover.messages[0]!.slotAt >= T0 + 3500);
      assert.deepEqual(await claim('a', T0 + 3600), { owned: false, until: T0 + 6500 });
    });

    test('an instance that stops lets go: another takes the flow at once', async () => {
      await releasePacedFlows(store.db, 'b');
      const next = await claim('c', T0 + 4000);
      assert.ok(next.owned && next.messages.length > 0);
      // Letting go names the owner: another instance's release leaves c's ownership alone.
      await releasePacedFlows(store.db, 'b');
      assert.equal((await claim('a', T0 + 4100)).owned, false);
    });
  });
}
