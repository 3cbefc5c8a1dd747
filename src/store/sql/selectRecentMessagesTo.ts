import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface RecentMessage {
  id: string;
  destination: string;
  contactKey: string;
  channel: string;
  payload: string;
  createdAt: number;
}

/** The tenant's messages to any of `destinations` stored since `since`, newest first. */
export async function selectRecentMessagesTo(db: Kysely<Database>, tenantId: string, destinations: string[], since: number): Promise<RecentMessage[]> {
  if (destinations.length === 0) return [];
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'destination', 'contact_key', 'channel', 'payload', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('destination', 'in', destinations)
    .where('created_at', '>=', since)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, destination: r.destination, contactKey: r.contact_key, channel: r.channel, payload: r.payload, createdAt: r.created_at }));
}
