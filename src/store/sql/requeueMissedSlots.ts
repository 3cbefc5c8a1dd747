import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Puts paced messages this owner leases back in the queue, in their place (due time unchanged) and
 * without counting the claim as an attempt: they missed their sending slot and take a new one from
 * the flow's pacing cursor at the next claim.
 */
export async function requeueMissedSlots(db: Kysely<Database>, owner: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('messages')
    .set({ state: 'queued', lease_owner: null, lease_until: null, attempts: sql`attempts - 1` })
    .where('id', 'in', ids)
    .where('lease_owner', '=', owner)
    .where('state', '=', 'sending')
    .execute();
}
