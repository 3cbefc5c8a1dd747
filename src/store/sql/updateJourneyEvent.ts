import type { Kysely, Updateable } from 'kysely';
import type { Database, JourneyEventsTable } from '../schema.ts';

export async function updateJourneyEvent(db: Kysely<Database>, id: string, changes: Updateable<JourneyEventsTable>): Promise<void> {
  await db.updateTable('journey_events').set({ ...changes, lease_until: null }).where('id', '=', id).execute();
}
