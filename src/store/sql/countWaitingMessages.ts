import type { Kysely } from 'kysely';
import type { Database, MessageState } from '../schema.ts';
import { literalState } from './message-states.ts';

/** Messages waiting to be sent (accepted, queued, or claimed and not yet sent) per tenant and activity. */
export async function countWaitingMessages(db: Kysely<Database>): Promise<{ tenantId: string; activityId: string; count: number }[]> {
  // One count per state, each read through its partial index: the cost follows the queue, not the history.
  const counts = new Map<string, { tenantId: string; activityId: string; count: number }>();
  for (const state of ['queued', 'sending'] satisfies MessageState[]) {
    const rows = await db
      .selectFrom('messages')
      .select(['tenant_id', 'activity_id', (eb) => eb.fn.countAll<number | string>().as('count')])
      .where('state', '=', literalState(state))
      .groupBy(['tenant_id', 'activity_id'])
      .execute();
    tally(rows);
  }
  // Accepted, not yet moved into the queue (promoteIntake.ts): as small as a dispatcher round.
  tally(await db.selectFrom('message_intake').select(['tenant_id', 'activity_id', (eb) => eb.fn.countAll<number | string>().as('count')]).groupBy(['tenant_id', 'activity_id']).execute());
  return [...counts.values()];

  function tally(rows: { tenant_id: string; activity_id: string; count: number | string }[]) {
    for (const r of rows) {
      const key = `${r.tenant_id}\u0000${r.activity_id}`;
      const entry = counts.get(key) ?? { tenantId: r.tenant_id, activityId: r.activity_id, count: 0 };
      entry.count += Number(r.count);
      counts.set(key, entry);
    }
  }
}
