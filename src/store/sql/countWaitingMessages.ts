import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { literalState } from './message-states.ts';

/**
 * Messages waiting to be sent (accepted, queued, or claimed and not yet sent) per tenant and
 * activity. One statement, so one snapshot: a move of the intake between two counts would count
 * its rows twice or not at all. Each state is its own arm, read through its partial index: the
 * cost follows the queue, not the history; the intake holds only what arrived since the last move.
 */
export async function countWaitingMessages(db: Kysely<Database>): Promise<{ tenantId: string; activityId: string; count: number }[]> {
  const waiting = db
    .selectFrom('messages')
    .select(['tenant_id', 'activity_id'])
    .where('state', '=', literalState('queued'))
    .unionAll(db.selectFrom('messages').select(['tenant_id', 'activity_id']).where('state', '=', literalState('sending')))
    .unionAll(db.selectFrom('message_intake').select(['tenant_id', 'activity_id']));
  const rows = await db
    .selectFrom(waiting.as('waiting'))
    .select(['tenant_id', 'activity_id', (eb) => eb.fn.countAll<number | string>().as('count')])
    .groupBy(['tenant_id', 'activity_id'])
    .execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, activityId: r.activity_id, count: Number(r.count) }));
}
