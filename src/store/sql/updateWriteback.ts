import type { Kysely, Updateable } from 'kysely';
import type { Database, WritebackQueueTable } from '../schema.ts';

export async function updateWriteback(db: Kysely<Database>, ids: string[], changes: Updateable<WritebackQueueTable>): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('writeback_queue').set({ ...changes, lease_until: null }).where('id', 'in', ids).execute();
}
