import type { Insertable, Kysely } from 'kysely';
import type { Database, UrlClicksTable } from '../schema.ts';

/** Stores clicks; a click already stored (same message and URL) changes nothing. Answers the messages with a new click. */
export async function insertClicks(db: Kysely<Database>, clicks: Insertable<UrlClicksTable>[]): Promise<string[]> {
  if (clicks.length === 0) return [];
  const inserted = await db
    .insertInto('url_clicks')
    .values(clicks)
    .onConflict((oc) => oc.columns(['message_id', 'url']).doNothing())
    .returning('message_id')
    .execute();
  return [...new Set(inserted.map((r) => r.message_id))];
}
