import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database, MessagesTable } from '../schema.ts';

export type ClaimedMessage = Selectable<MessagesTable>;

/**
 * Leases up to `limit` messages that are due: queued ones whose time has come, and ones whose
 * lease ran out because the instance sending them died. On PostgreSQL, `FOR UPDATE SKIP LOCKED`
 * lets several instances claim at once without taking the same row twice. Accounts this instance is
 * already sending for can be left out, so their messages wait unleased for any instance.
 */
export async function claimDueMessages(
  db: Kysely<Database>,
  dialect: Dialect,
  claim: { owner: string; now: number; leaseMs: number; limit: number; excludeAccountIds?: string[] },
): Promise<ClaimedMessage[]> {
  const due = db
    .selectFrom('messages')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'queued'), eb('next_attempt_at', '<=', claim.now)]),
        eb.and([eb('state', '=', 'sending'), eb('lease_until', '<', claim.now)]),
      ]),
    )
    .$if((claim.excludeAccountIds?.length ?? 0) > 0, (qb) => qb.where('account_id', 'not in', claim.excludeAccountIds!))
    .orderBy('next_attempt_at')
    .limit(claim.limit)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
  return db
    .updateTable('messages')
    .set((eb) => ({ state: 'sending', lease_owner: claim.owner, lease_until: claim.now + claim.leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}
