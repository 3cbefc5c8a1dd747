import type { Insertable, Kysely } from 'kysely';
import type { Database, MessagesTable } from '../schema.ts';

/**
 * Inserts new messages in one statement (one transaction) and returns, for every dedupe key,
 * the id of the message that owns it: the new one, or the one a previous execute stored.
 */
export async function insertMessages(db: Kysely<Database>, rows: Insertable<MessagesTable>[]): Promise<Map<string, string>> {
  const inserted = await db
    .insertInto('messages')
    .values(rows)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning(['id', 'dedupe_key'])
    .execute();
  const ids = new Map(inserted.map((r) => [r.dedupe_key, r.id]));
  const existing = rows.filter((r) => !ids.has(r.dedupe_key)).map((r) => r.dedupe_key);
  if (existing.length > 0) {
    const found = await db.selectFrom('messages').select(['id', 'dedupe_key']).where('dedupe_key', 'in', existing).execute();
    for (const r of found) ids.set(r.dedupe_key, r.id);
  }
  return ids;
}
