import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** The tenant's message `id` if it still waits to be sent (queued, or claimed and not yet sent). */
export async function selectWaitingMessage(db: Kysely<Database>, tenantId: string, id: string) {
  return db
    .selectFrom('messages')
    .select(['id', 'state', 'flow_key', 'pace_interval_us', 'next_attempt_at', 'destination', 'payload'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('state', 'in', ['queued', 'sending'])
    .executeTakeFirst();
}
