import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { literalState } from './message-states.ts';

/**
 * Cancels the queued (not yet claimed) messages of one journey version, of one of its activities
 * (its flow) when `flowKey` is given. `onlyCancelOnStop` keeps the messages whose activity chose to keep
 * sending after a stop. Answers the cancelled ids.
 */
export async function cancelWaitingMessages(
  db: Kysely<Database>,
  target: { tenantId: string; journeyId: string; flowKey?: string; onlyCancelOnStop: boolean; reason: string },
): Promise<string[]> {
  const rows = await db
    .updateTable('messages')
    .set({ state: 'cancelled', last_error: target.reason.slice(0, 1000) })
    .where('tenant_id', '=', target.tenantId)
    .where('journey_id', '=', target.journeyId)
    .where('state', '=', literalState('queued'))
    .$if(target.flowKey !== undefined, (qb) => qb.where('flow_key', '=', target.flowKey!))
    .$if(target.onlyCancelOnStop, (qb) => qb.where('cancel_on_stop', '=', 1))
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
