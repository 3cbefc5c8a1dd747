import type { Kysely, Selectable } from 'kysely';
import type { Database, InboundMessagesTable } from '../schema.ts';

export async function selectInboundMessages(db: Kysely<Database>, tenantId: string, ids: string[]): Promise<Selectable<InboundMessagesTable>[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('inbound_messages').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
}
