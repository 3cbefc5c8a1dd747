import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database, MessagesTable } from '../schema.ts';
import { literalState } from './message-states.ts';

export type ClaimedMessage = Selectable<MessagesTable>;

export interface FlowClaim {
  flowKey: string;
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
  /** Accounts this instance is already sending for: their messages wait unleased for any instance. */
  excludeAccountIds: string[];
}

/**
 * Leases up to `limit` due queued messages of one flow, oldest due first. On PostgreSQL,
 * `FOR UPDATE SKIP LOCKED` lets several instances claim at once without taking the same row twice.
 * Answers them in due order.
 */
export async function claimFlowMessages(db: Kysely<Database>, dialect: Dialect, claim: FlowClaim): Promise<ClaimedMessage[]> {
  if (claim.limit <= 0) return [];
  const due = db
    .selectFrom('messages')
    .select('id')
    .where('state', '=', literalState('queued'))
    .where('flow_key', '=', claim.flowKey)
    .where('next_attempt_at', '<=', claim.now)
    .$if(claim.excludeAccountIds.length > 0, (qb) => qb.where('account_id', 'not in', claim.excludeAccountIds))
    .orderBy('next_attempt_at')
    .limit(claim.limit)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
  const rows = await db
    .updateTable('messages')
    .set((eb) => ({ state: 'sending', lease_owner: claim.owner, lease_until: claim.now + claim.leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
}
