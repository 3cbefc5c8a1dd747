import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface Engagement {
  statusGroupName: string | null;
  seenAt: string | null;
  clicked: boolean;
  replied: boolean;
}

/** Everything the engagement split routes on for one of the tenant's messages, in one round trip. */
export async function selectEngagement(db: Kysely<Database>, tenantId: string, messageId: string): Promise<Engagement> {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('reports').select('status_group_name').where('message_id', '=', messageId).where('tenant_id', '=', tenantId).as('status_group_name'),
      eb.selectFrom('reports').select('seen_at').where('message_id', '=', messageId).where('tenant_id', '=', tenantId).as('seen_at'),
      eb.exists(eb.selectFrom('url_clicks').select('message_id').where('message_id', '=', messageId).where('tenant_id', '=', tenantId)).as('clicked'),
      eb.exists(eb.selectFrom('inbound_messages').select('id').where('reply_to_message_id', '=', messageId).where('tenant_id', '=', tenantId)).as('replied'),
    ])
    .executeTakeFirstOrThrow();
  // SQLite answers EXISTS as 0/1, PostgreSQL as a boolean.
  return { statusGroupName: row.status_group_name, seenAt: row.seen_at, clicked: Boolean(row.clicked), replied: Boolean(row.replied) };
}
