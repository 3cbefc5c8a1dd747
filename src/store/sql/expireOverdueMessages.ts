import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { literalState } from './message-states.ts';

/** Marks queued messages past their validity period as expired; answers them by tenant. */
export async function expireOverdueMessages(db: Kysely<Database>, now: number, limit = 5000): Promise<{ id: string; tenant_id: string }[]> {
  const overdue = db.selectFrom('messages').select('id').where('state', '=', literalState('queued')).where('expires_at', '<', now).limit(limit);
  return db
    .updateTable('messages')
    .set({ state: 'expired', last_error: 'not sent within its validity period' })
    .where('id', 'in', overdue)
    .where('state', '=', 'queued')
    .returning(['id', 'tenant_id'])
    .execute();
}
