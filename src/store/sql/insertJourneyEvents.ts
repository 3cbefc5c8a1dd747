import type { Insertable, Kysely } from 'kysely';
import type { Database, JourneyEventsTable } from '../schema.ts';

/** Queues journey events; an event already queued (same id) is not queued again. */
export async function insertJourneyEvents(db: Kysely<Database>, events: Insertable<JourneyEventsTable>[]): Promise<void> {
  if (events.length === 0) return;
  await db.insertInto('journey_events').values(events).onConflict((oc) => oc.column('id').doNothing()).execute();
}
