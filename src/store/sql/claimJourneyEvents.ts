import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database, JourneyEventsTable } from '../schema.ts';

/** Leases due journey events (and ones whose lease ran out), oldest first; see claimWriteback. */
export async function claimJourneyEvents(
  db: Kysely<Database>,
  dialect: Dialect,
  claim: { now: number; leaseMs: number; limit: number },
): Promise<Selectable<JourneyEventsTable>[]> {
  const due = db
    .selectFrom('journey_events')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', claim.now)]),
        eb.and([eb('state', '=', 'firing'), eb('lease_until', '<', claim.now)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .limit(claim.limit)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
  return db
    .updateTable('journey_events')
    .set((eb) => ({ state: 'firing', lease_until: claim.now + claim.leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}
