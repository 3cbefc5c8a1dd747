import { CompiledQuery, type Insertable, type Kysely } from 'kysely';
import { runPerRow, writesRowByRow } from '../per-row.ts';
import { keepPrepared } from '../postgres-prepared.ts';
import type { Database, MessagesTable } from '../schema.ts';

type NewMessage = Insertable<MessagesTable>;

/**
 * Inserts messages in one transaction. A message id is derived from the execute that asked for
 * it, so a retry's row is already there and is left as it is.
 */
export async function insertMessages(db: Kysely<Database>, rows: NewMessage[]): Promise<void> {
  if (rows.length === 0) return;
  if (writesRowByRow(db)) await runPerRow(db, rows, insertOne);
  else await insertAsColumnArrays(db, rows);
}

function insertOne(db: Kysely<Database>, rows: NewMessage | NewMessage[]) {
  return db.insertInto('messages').values(rows).onConflict((oc) => oc.column('id').doNothing());
}

/** Each column's PostgreSQL type, for the arrays `unnest` turns back into rows. */
const COLUMN_TYPES: Record<keyof MessagesTable, 'text' | 'integer' | 'bigint'> = {
  id: 'text',
  tenant_id: 'text',
  activity_id: 'text',
  journey_id: 'text',
  definition_instance_id: 'text',
  contact_key: 'text',
  channel: 'text',
  account_id: 'text',
  destination: 'text',
  payload: 'text',
  bulk_id: 'text',
  callback_data: 'text',
  predicted_count: 'integer',
  state: 'text',
  attempts: 'integer',
  next_attempt_at: 'bigint',
  lease_owner: 'text',
  lease_until: 'bigint',
  created_at: 'bigint',
  sent_at: 'bigint',
  provider_status: 'text',
  last_error: 'text',
  flow_key: 'text',
  pace_interval_us: 'bigint',
  cancel_on_stop: 'integer',
  expires_at: 'bigint',
  outcome_unknown: 'integer',
};

const statements = new Map<string, string>();

/**
 * PostgreSQL: one array per column, turned back into rows by `unnest`. A multi-row VALUES list
 * has a parameter per value (26 a row), so its text changes with the group size: the server
 * parses and plans each one anew, and the client builds and serialises every value on its own.
 * This statement's text depends only on the columns. Measured on 40-row group commits: about 30 %
 * less client CPU and 10 % less server CPU per row.
 */
async function insertAsColumnArrays(db: Kysely<Database>, rows: NewMessage[]): Promise<void> {
  const columns = (Object.keys(COLUMN_TYPES) as (keyof MessagesTable)[]).filter((column) => rows[0]![column] !== undefined);
  // A column left out takes its default, which an array of nulls would not give: rows that
  // leave out different columns (only tests write such) go as a VALUES list, which fills in DEFAULT.
  const mixed = rows.some((row) => Object.keys(row).length !== columns.length || columns.some((column) => row[column] === undefined));
  if (mixed) {
    await insertOne(db, rows).execute();
    return;
  }
  const key = columns.join(', ');
  let text = statements.get(key);
  if (!text) {
    const arrays = columns.map((column, i) => `$${i + 1}::${COLUMN_TYPES[column]}[]`).join(', ');
    text = keepPrepared(`insert into messages (${key}) select * from unnest(${arrays}) on conflict (id) do nothing`);
    statements.set(key, text);
  }
  await db.executeQuery(CompiledQuery.raw(text, columns.map((column) => rows.map((row) => row[column]))));
}
