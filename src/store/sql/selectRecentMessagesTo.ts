import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { literalState } from './message-states.ts';

export interface RecentMessage {
  id: string;
  destination: string;
  contactKey: string;
  channel: string;
  payload: string;
  createdAt: number;
}

/**
 * The tenant's messages to any of `destinations` stored since `since` and handed to Infobip,
 * newest first. A message still queued has reached no one: the index (messages_sent_destination,
 * migration 0005) leaves it out.
 */
export async function selectRecentMessagesTo(db: Kysely<Database>, tenantId: string, destinations: string[], since: number): Promise<RecentMessage[]> {
  if (destinations.length === 0) return [];
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'destination', 'contact_key', 'channel', 'payload', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('destination', 'in', destinations)
    .where('state', '<>', literalState('queued'))
    .where('created_at', '>=', since)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, destination: r.destination, contactKey: r.contact_key, channel: r.channel, payload: r.payload, createdAt: r.created_at }));
}
