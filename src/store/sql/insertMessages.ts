import { CompiledQuery, type Insertable, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database, MessagesTable } from '../schema.ts';

type NewMessage = Insertable<MessagesTable>;

/**
 * Inserts messages in one transaction. A message id is derived from the execute that asked for
 * it, so a retry's row is already there and is left as it is.
 *
 * PostgreSQL gets one multi-row statement: a round trip per row would cost more than anything
 * else. SQLite runs in-process, and a multi-row statement is its slow path: its text changes with
 * the group's size, so it is prepared anew for every group, and SQLite spends more on it per row.
 * One single-row statement, prepared once and run per row, costs about a third less CPU per row.
 */
export async function insertMessages(db: Kysely<Database>, dialect: Dialect, rows: NewMessage[]): Promise<void> {
  if (rows.length === 0) return;
  if (dialect === 'postgres') {
    await db.insertInto('messages').values(rows).onConflict((oc) => oc.column('id').doNothing()).execute();
    return;
  }
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))].sort() as (keyof NewMessage)[];
  const sql = singleRowInsert(db, columns);
  await db.transaction().execute(async (trx) => {
    for (const row of rows) await trx.executeQuery(CompiledQuery.raw(sql, columns.map((column) => row[column] ?? null)));
  });
}

const singleRowInserts = new Map<string, string>();

/** The text of a one-row insert of `columns`, compiled by Kysely once per column set. */
function singleRowInsert(db: Kysely<Database>, columns: (keyof NewMessage)[]): string {
  const key = columns.join(',');
  let sql = singleRowInserts.get(key);
  if (sql === undefined) {
    // Any non-null value makes Kysely emit a parameter for the column; the values come at run time.
    const placeholder = Object.fromEntries(columns.map((column) => [column, ''])) as unknown as NewMessage;
    sql = db.insertInto('messages').values(placeholder).onConflict((oc) => oc.column('id').doNothing()).compile().sql;
    singleRowInserts.set(key, sql);
  }
  return sql;
}
