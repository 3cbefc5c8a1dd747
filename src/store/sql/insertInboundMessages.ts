import type { Insertable, Kysely } from 'kysely';
import type { Database, InboundMessagesTable } from '../schema.ts';

/** Stores inbound messages; one already stored (Infobip sent it again) is kept as it was. Answers the ids newly stored. */
export async function insertInboundMessages(db: Kysely<Database>, messages: Insertable<InboundMessagesTable>[]): Promise<string[]> {
  if (messages.length === 0) return [];
  const inserted = await db
    .insertInto('inbound_messages')
    .values(messages)
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing())
    .returning('id')
    .execute();
  return inserted.map((r) => r.id);
}
