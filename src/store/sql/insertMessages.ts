import type { Insertable, Kysely } from 'kysely';
import type { Database, MessagesTable } from '../schema.ts';

/**
 * Inserts messages in one statement (one transaction). A message id is derived from the execute
 * that asked for it, so a retry's row is already there and is left as it is.
 */
export async function insertMessages(db: Kysely<Database>, rows: Insertable<MessagesTable>[]): Promise<void> {
  await db
    .insertInto('messages')
    .values(rows)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
