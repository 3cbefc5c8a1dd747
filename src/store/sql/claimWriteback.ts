import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database, WritebackQueueTable } from '../schema.ts';

export type ClaimedWriteback = Selectable<WritebackQueueTable>;

/** Leases due write-back entries (and ones whose lease ran out), oldest first; see claimDueMessages. */
export async function claimWriteback(
  db: Kysely<Database>,
  dialect: Dialect,
  claim: { now: number; leaseMs: number; limit: number },
): Promise<ClaimedWriteback[]> {
  const due = db
    .selectFrom('writeback_queue')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', claim.now)]),
        eb.and([eb('state', '=', 'writing'), eb('lease_until', '<', claim.now)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .limit(claim.limit)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
  return db
    .updateTable('writeback_queue')
    .set((eb) => ({ state: 'writing', lease_until: claim.now + claim.leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}
