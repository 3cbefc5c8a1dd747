import type { Kysely, Selectable } from 'kysely';
import type { Database, InboundMessagesTable } from '../schema.ts';

/** The first reply to one of the tenant's messages, if any. */
export function selectFirstReply(db: Kysely<Database>, tenantId: string, messageId: string): Promise<Selectable<InboundMessagesTable> | undefined> {
  return db
    .selectFrom('inbound_messages')
    .selectAll()
    .where('reply_to_message_id', '=', messageId)
    .where('tenant_id', '=', tenantId)
    .orderBy('received_at')
    .limit(1)
    .executeTakeFirst();
}
