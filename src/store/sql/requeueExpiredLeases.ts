import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { literalState } from './message-states.ts';

/**
 * Puts back the messages whose lease ran out (their instance died mid-batch) so any instance
 * claims them again, through the same fair and paced claims as new ones. A late outcome from the
 * dead instance then finds no lease of its own and changes nothing (updateClaimedMessages). Their
 * request may have reached Infobip before the instance died: they are marked `outcome_unknown`,
 * so their channel's message logs are asked before they are sent again.
 */
export async function requeueExpiredLeases(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({ state: 'queued', lease_owner: null, lease_until: null, next_attempt_at: now, outcome_unknown: 1 })
    .where('state', '=', literalState('sending'))
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
