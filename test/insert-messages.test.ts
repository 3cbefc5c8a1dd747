// insertMessages writes every value as given, in both dialects. On PostgreSQL the rows travel as
// one JSON document (json_populate_recordset): text JSON must escape has to come back unchanged.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Insertable, sql } from 'kysely';
import { openStore, type Store } from '../src/store/database.ts';
import type { MessagesTable } from '../src/store/schema.ts';
import { insertMessages } from '../src/store/sql/insertMessages.ts';
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
  describe(`insertMessages (${dialect})`, () => {
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

    const stored = (ids: string[]) => store.db.selectFrom('messages').selectAll().where('id', 'in', ids).orderBy('id').execute();

    test('every value comes back as it was written: awkward text, nulls, large numbers, defaults', async () => {
      const rows = AWKWARD.map((text, i) => row(i, text));
      await insertMessages(store.db, rows);
      const back = await stored(rows.map((r) => r.id));
      assert.equal(back.length, rows.length);
      for (const written of rows) {
        const read = back.find((r) => r.id === written.id)!;
        assert.deepEqual({ ...read, outcome_unknown: undefined }, { ...written, outcome_unknown: undefined });
        // Left out of every row, so it takes the column's default.
        assert.equal(read.outcome_unknown, 0);
      }
    });

    test('a row already stored is left as it is (a retried execute)', async () => {
      await insertMessages(store.db, [row(100, 'first')]);
      await insertMessages(store.db, [row(100, 'second'), row(101, 'new')]);
      const back = await stored(['m-100', 'm-101']);
      assert.deepEqual(back.map((r) => r.payload), ['first', 'new']);
    });

    test('a lone UTF-16 surrogate (half an emoji cut off) is stored as U+FFFD, and the rest of its group with it', async () => {
      // PostgreSQL's JSON refuses the escape JSON.stringify writes for it: without the replacement
      // every execute of the group would fail, and fail again when retried. (SQLite keeps the
      // surrogate's three bytes, which read back as three replacement characters.)
      await insertMessages(store.db, [row(150, 'cut \ud83d'), row(151, '\udc4b first'), row(152, 'whole 👋')]);
      const [cut, first, whole] = (await stored(['m-150', 'm-151', 'm-152'])).map((r) => r.payload);
      assert.match(cut!, /^cut \ufffd+$/);
      assert.match(first!, /^\ufffd+ first$/);
      assert.equal(whole, 'whole 👋');
    });

    test('rows that leave out different columns each take those columns’ defaults', async () => {
      const withDefault = { ...row(200, 'a') } as Partial<Insertable<MessagesTable>>;
      delete withDefault.cancel_on_stop;
      await insertMessages(store.db, [withDefault as Insertable<MessagesTable>, { ...row(201, 'b'), outcome_unknown: 1 }]);
      const back = await stored(['m-200', 'm-201']);
      assert.deepEqual(back.map((r) => [r.cancel_on_stop, r.outcome_unknown]), [[1, 0], [0, 1]]);
    });

    if (dialect === 'postgres') {
      test('the insert is prepared once per connection and run again from there', async () => {
        // Every column given, as execute gives them: one statement text whatever the group's size.
        const runs = await store.db.connection().execute(async (connection) => {
          const plans = async () =>
            (await sql<{ plans: string }>`select generic_plans + custom_plans as plans from pg_prepared_statements where statement like 'insert into messages (%outcome_unknown) select%'`.execute(connection)).rows.map((r) => Number(r.plans));
          const before = (await plans())[0] ?? 0;
          for (const batch of [[300, 301], [302], [303, 304, 305]]) await insertMessages(connection, batch.map((i) => ({ ...row(i, 'p'), outcome_unknown: 0 })));
          return (await plans()).map((n) => n - before);
        });
        assert.deepEqual(runs, [3]);
        assert.equal((await stored(['m-300', 'm-301', 'm-302', 'm-303', 'm-304', 'm-305'])).length, 6);
      });
    }
  });
}
