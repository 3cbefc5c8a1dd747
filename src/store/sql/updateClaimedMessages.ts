import type { Kysely, Updateable } from 'kysely';
import type { Database, MessagesTable } from '../schema.ts';

/**
 * Records the outcome of a send for messages this owner still leases, and answers their ids. A
 * lease that ran out was possibly taken by another instance, whose outcome then wins.
 */
export async function updateClaimedMessages(
  db: Kysely<Database>,
  owner: string,
  ids: string[],
  changes: Updateable<MessagesTable>,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const updated = await db
    .updateTable('messages')
    .set({ ...changes, lease_owner: null, lease_until: null })
    .where('id', 'in', ids)
    .where('lease_owner', '=', owner)
    .returning('id')
    .execute();
  return updated.map((r) => r.id);
}
