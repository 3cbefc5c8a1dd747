import type { Insertable, Kysely } from 'kysely';
import { runPerRow, writesRowByRow } from '../per-row.ts';
import type { Database, MessagesTable } from '../schema.ts';

type NewMessage = Insertable<MessagesTable>;

/**
 * Inserts messages in one transaction. A message id is derived from the execute that asked for
 * it, so a retry's row is already there and is left as it is.
 */
export async function insertMessages(db: Kysely<Database>, rows: NewMessage[]): Promise<void> {
  if (rows.length === 0) return;
  if (writesRowByRow(db)) await runPerRow(db, rows, insertOne);
  else await insertOne(db, rows).execute();
}

function insertOne(db: Kysely<Database>, rows: NewMessage | NewMessage[]) {
  return db.insertInto('messages').values(rows).onConflict((oc) => oc.column('id').doNothing());
}
