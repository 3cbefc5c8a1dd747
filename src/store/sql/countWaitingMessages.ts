import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Messages waiting to be sent (queued, or claimed and not yet sent) per tenant and activity. */
export async function countWaitingMessages(db: Kysely<Database>): Promise<{ tenantId: string; activityId: string; count: number }[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['tenant_id', 'activity_id', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('state', 'in', ['queued', 'sending'])
    .groupBy(['tenant_id', 'activity_id'])
    .execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, activityId: r.activity_id, count: Number(r.count) }));
}
