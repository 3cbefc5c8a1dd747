import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { notYetInMessages } from './intake-rows.ts';

const COLUMNS = ['id', 'state', 'flow_key', 'pace_interval_us', 'next_attempt_at', 'destination', 'payload'] as const;

/**
 * The tenant's message `id` if it still waits to be sent: accepted (in the intake), queued, or
 * claimed and not yet sent. The intake has no index on ids, but holds only what arrived since the
 * dispatcher's last round.
 *
 * One statement, so one snapshot: read one table after the other, a move of the intake
 * (promoteIntake.ts) committing in between hid the message from both.
 */
export async function selectWaitingMessage(db: Kysely<Database>, tenantId: string, id: string) {
  return db
    .selectFrom('messages')
    .select(COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('state', 'in', ['queued', 'sending'])
    .unionAll(
      db
        .selectFrom('message_intake')
        .select(COLUMNS)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where(notYetInMessages),
    )
    .limit(1)
    .executeTakeFirst();
}
