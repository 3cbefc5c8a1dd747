// Execute's messages go through the intake: insertIntake writes every value as given, in both
// dialects, and promoteIntake moves them into messages, dropping retries. On PostgreSQL the rows
// travel as one JSON document (json_populate_recordset): text JSON must escape has to come back
// unchanged.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Insertable, sql } from 'kysely';
import { openStore, type Store } from '../src/store/database.ts';
import type { MessagesTable } from '../src/store/schema.ts';
import { insertIntake } from '../src/store/sql/insertIntake.ts';
import { promoteIntake } from '../src/store/sql/promoteIntake.ts';
import { selectWaitingMessage } from '../src/store/sql/selectWaitingMessage.ts';
import { countQueuedAhead } from '../src/store/sql/countQueuedAhead.ts';
import { cancelWaiting } from '../src/dispatch/cancellation.ts';
import { createTestDatabase, type TestDatabase, testDialects } from './helpers/databases.ts';
import { queuedMessageRow } from './helpers/messages.ts';

const T0 = 1_800_000_000_000;

/** Text JSON or SQL could trip on: quotes, backslashes, braces, commas, NULL, blanks, escapes spelled out. */
const AWKWARD = [
  '{"text":"He said \\"hi\\", then {left}","n":[1,2]}',
  'back\\slash and "quote"',
  'NULL',
  '',
  '  spaced  ',
  'line\nbreak\ttab',
  'unicode: Grüße 👋 ©',
  '{}',
  ',',
  'spelled-out escapes: \\u0041 \\ud83d \\n',
];

function row(index: number, text: string): Insertable<MessagesTable> {
  return queuedMessageRow({
    id: `m-${index}`,
    created_at: T0,
    next_attempt_at: T0 + index,
    journey_id: index % 2 === 0 ? null : 'journey',
    contact_key: text,
    destination: `4915100000${index}`,
    payload: text,
    callback_data: index % 3 === 0 ? null : text,
    predicted_count: index % 2 === 0 ? null : index,
    pace_interval_us: index % 2 === 0 ? null : 1_500_000_000_000,
    cancel_on_stop: 0,
  });
}

for (const dialect of testDialects) {
  describe(`insertIntake (${dialect})`, () => {
    let database: TestDatabase;
    let store: Store;

    before(async () => {
      database = await createTestDatabase(dialect);
      store = await openStore(database.url);
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    const stored = async (ids: string[]) => {
      await promoteIntake(store.db);
      return store.db.selectFrom('messages').selectAll().where('id', 'in', ids).orderBy('id').execute();
    };
    const intakeCount = async () => Number((await store.db.selectFrom('message_intake').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);

    test('an accepted message waits in the intake, outside the queue, until it is moved', async () => {
      await insertIntake(store.db, [row(50, 'waiting')]);
      assert.equal((await store.db.selectFrom('messages').select('id').where('id', '=', 'm-50').execute()).length, 0);
      assert.equal(await intakeCount(), 1);
      assert.equal(await promoteIntake(store.db), 1);
      assert.equal(await intakeCount(), 0);
      assert.equal((await stored(['m-50']))[0]?.state, 'queued');
    });

    test('the intake has the columns of messages, and a sequence', async () => {
      const columnsOf = async (table: string) =>
        dialect === 'sqlite'
          ? (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(store.db)).rows.map((r) => r.name)
          : (await sql<{ name: string }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ${table}`.execute(store.db)).rows.map((r) => r.name);
      assert.deepEqual((await columnsOf('message_intake')).sort(), [...(await columnsOf('messages')), 'seq'].sort());
    });

    test('more than a batch moves in one call, oldest first', async () => {
      const rows = Array.from({ length: 5200 }, (_, i) => row(10_000 + i, 'many'));
      for (let i = 0; i < rows.length; i += 1000) await insertIntake(store.db, rows.slice(i, i + 1000));
      assert.equal(await promoteIntake(store.db), 5200);
      assert.equal(await intakeCount(), 0);
      assert.equal((await stored(rows.map((r) => r.id))).length, 5200);
    });

    test('every value comes back as it was written: awkward text, nulls, large numbers, defaults', async () => {
      const rows = AWKWARD.map((text, i) => row(i, text));
      await insertIntake(store.db, rows);
      const back = await stored(rows.map((r) => r.id));
      assert.equal(back.length, rows.length);
      for (const written of rows) {
        const read = back.find((r) => r.id === written.id)!;
        assert.deepEqual({ ...read, outcome_unknown: undefined }, { ...written, outcome_unknown: undefined });
        // Left out of every row, so it takes the column's default.
        assert.equal(read.outcome_unknown, 0);
      }
    });

    test('a retried execute\'s row is dropped when it moves: the first stays, in the intake or already in messages', async () => {
      await insertIntake(store.db, [row(100, 'first')]);
      await insertIntake(store.db, [row(100, 'second'), row(101, 'new')]);
      const back = await stored(['m-100', 'm-101']);
      assert.deepEqual(back.map((r) => r.payload), ['first', 'new']);
      // A retry after the first moved (and was perhaps sent) changes nothing either.
      await store.db.updateTable('messages').set({ state: 'sent' }).where('id', '=', 'm-100').execute();
      await insertIntake(store.db, [row(100, 'third')]);
      const again = await stored(['m-100']);
      assert.deepEqual(again.map((r) => [r.payload, r.state]), [['first', 'sent']]);
      assert.equal(await intakeCount(), 0);
    });

    test('a lone UTF-16 surrogate (half an emoji cut off) is stored as U+FFFD, and the rest of its group with it', async () => {
      // PostgreSQL's JSON refuses the escape JSON.stringify writes for it: without the replacement
      // every execute of the group would fail, and fail again when retried. (SQLite keeps the
      // surrogate's three bytes, which read back as three replacement characters.)
      await insertIntake(store.db, [row(150, 'cut \ud83d'), row(151, '\udc4b first'), row(152, 'whole 👋')]);
      const [cut, first, whole] = (await stored(['m-150', 'm-151', 'm-152'])).map((r) => r.payload);
      assert.match(cut!, /^cut \ufffd+$/);
      assert.match(first!, /^\ufffd+ first$/);
      assert.equal(whole, 'whole 👋');
    });

    test('rows that leave out different columns each take those columns’ defaults', async () => {
      const withDefault = { ...row(200, 'a') } as Partial<Insertable<MessagesTable>>;
      delete withDefault.cancel_on_stop;
      await insertIntake(store.db, [withDefault as Insertable<MessagesTable>, { ...row(201, 'b'), outcome_unknown: 1 }]);
      const back = await stored(['m-200', 'm-201']);
      assert.deepEqual(back.map((r) => [r.cancel_on_stop, r.outcome_unknown]), [[1, 0], [0, 1]]);
    });

    test('a message being moved is found waiting by the Reports lookup, in the intake or in the queue', async () => {
      // The lookup and the move run together, as a Reports execute does beside a dispatcher's
      // round. Read one table after the other, every lookup on SQLite and about half on
      // PostgreSQL missed the message: in messages before the move committed, gone from the
      // intake after.
      const missed: string[] = [];
      for (let i = 0; i < 100; i++) {
        const id = `m-moving-${i}`;
        await insertIntake(store.db, [queuedMessageRow({ id, tenant_id: 'tenant-moving', created_at: T0 })]);
        const [, found] = await Promise.all([promoteIntake(store.db), selectWaitingMessage(store.db, 'tenant-moving', id)]);
        if (found?.id !== id) missed.push(id);
      }
      assert.deepEqual(missed, []);
    });

    test('a retry\'s row in the intake does not make a sent message look waiting', async () => {
      await insertIntake(store.db, [queuedMessageRow({ id: 'm-sent-retry', tenant_id: 'tenant-retry', created_at: T0 })]);
      await promoteIntake(store.db);
      await store.db.updateTable('messages').set({ state: 'sent' }).where('id', '=', 'm-sent-retry').execute();
      await insertIntake(store.db, [queuedMessageRow({ id: 'm-sent-retry', tenant_id: 'tenant-retry', created_at: T0 + 1 })]);
      try {
        assert.equal(await selectWaitingMessage(store.db, 'tenant-retry', 'm-sent-retry'), undefined);
      } finally {
        await promoteIntake(store.db);
      }
    });

    test('a planned send time counts a retried execute ahead of it once, wherever its first row is', async () => {
      const flow = { tenant_id: 'tenant-ahead', flow_key: 'tenant-ahead/journey/activity', created_at: T0 };
      // Queued already, and its retry's row still in the intake.
      await insertIntake(store.db, [queuedMessageRow({ ...flow, id: 'm-ahead-1', next_attempt_at: T0 + 1 })]);
      await promoteIntake(store.db);
      await insertIntake(store.db, [
        queuedMessageRow({ ...flow, id: 'm-ahead-1', next_attempt_at: T0 + 5 }),
        // Twice in the intake: a retry before the first row moved.
        queuedMessageRow({ ...flow, id: 'm-ahead-2', next_attempt_at: T0 + 2 }),
        queuedMessageRow({ ...flow, id: 'm-ahead-2', next_attempt_at: T0 + 6 }),
        queuedMessageRow({ ...flow, id: 'm-ahead-3', next_attempt_at: T0 + 3 }),
      ]);
      try {
        assert.equal(await countQueuedAhead(store.db, flow.flow_key, T0 + 10, 'm-last'), 3);
        assert.equal(await countQueuedAhead(store.db, flow.flow_key, T0 + 3, 'm-ahead-3'), 2);
      } finally {
        await promoteIntake(store.db);
      }
      assert.equal(await countQueuedAhead(store.db, flow.flow_key, T0 + 10, 'm-last'), 3);
    });

    if (dialect === 'postgres') {
      test('a cancellation waits for another instance\'s move of the intake, and cancels what it moved', async () => {
        const rows = [row(400, 'x'), row(401, 'y')].map((r) => ({ ...r, tenant_id: 'tenant-400', journey_id: 'journey-400' }));
        await insertIntake(store.db, rows);
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let moving!: () => void;
        const moved = new Promise<void>((resolve) => (moving = resolve));
        // The other instance: its move holds the rows' locks until it commits.
        const other = store.db.transaction().execute(async (trx) => {
          assert.equal(await promoteIntake(trx), 2);
          moving();
          await released;
        });
        await moved;
        let cancelDone = false;
        const cancelling = cancelWaiting(store.db, { tenantId: 'tenant-400', journeyId: 'journey-400', reason: 'CANCELLED_BY_OPERATOR' }).then((ids) => {
          cancelDone = true;
          return ids;
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(cancelDone, false, 'the cancellation waits for the move');
        release();
        await other;
        assert.deepEqual((await cancelling).sort(), ['m-400', 'm-401']);
      });

      test('the insert is prepared once per connection and run again from there', async () => {
        // Every column given, as execute gives them: one statement text whatever the group's size.
        const runs = await store.db.connection().execute(async (connection) => {
          const plans = async () =>
            (await sql<{ plans: string }>`select generic_plans + custom_plans as plans from pg_prepared_statements where statement like 'insert into message_intake (%outcome_unknown) select%'`.execute(connection)).rows.map((r) => Number(r.plans));
          const before = (await plans())[0] ?? 0;
          for (const batch of [[300, 301], [302], [303, 304, 305]]) await insertIntake(connection, batch.map((i) => ({ ...row(i, 'p'), outcome_unknown: 0 })));
          return (await plans()).map((n) => n - before);
        });
        assert.deepEqual(runs, [3]);
        assert.equal((await stored(['m-300', 'm-301', 'm-302', 'm-303', 'm-304', 'm-305'])).length, 6);
      });
    }
  });
}
