import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, MessagesTable } from '../../src/store/schema.ts';
import { promoteIntake } from '../../src/store/sql/promoteIntake.ts';

/**
 * Messages stored, as the queue holds them: what execute appended to the intake is moved in first
 * (as the dispatcher's round does), so a retried execute's second row is already dropped. It waits
 * for rows a running dispatcher is moving at that moment: skipping them, as the dispatcher does,
 * would leave a just-accepted message out of the count.
 */
export async function countMessages(db: Kysely<Database>): Promise<number> {
  await promoteIntake(db, 'wait');
  const row = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The message as the queue holds it (the intake moved in first). */
export async function messageById(db: Kysely<Database>, id: string): Promise<Selectable<MessagesTable> | undefined> {
  await promoteIntake(db, 'wait');
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A queued message row as execute stores it, for tests that write to the store directly. */
export function queuedMessageRow(fields: Partial<Insertable<MessagesTable>> & { id: string; created_at: number }): Insertable<MessagesTable> {
  return {
    tenant_id: 'tenant',
    activity_id: 'activity',
    journey_id: 'journey',
    definition_instance_id: null,
    contact_key: `contact-${fields.id}`,
    channel: 'sms',
    account_id: 'account',
    destination: '4915100000000',
    payload: '{}',
    bulk_id: 'bulk',
    callback_data: null,
    predicted_count: 1,
    state: 'queued',
    attempts: 0,
    next_attempt_at: fields.created_at,
    lease_owner: null,
    lease_until: null,
    sent_at: null,
    provider_status: null,
    last_error: null,
    flow_key: 'tenant/journey/activity',
    pace_interval_us: null,
    cancel_on_stop: 1,
    expires_at: fields.created_at + 86_400_000,
    ...fields,
  };
}
