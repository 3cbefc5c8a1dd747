import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { literalState } from './message-states.ts';

/** What an expired message's last_error says, here and where the dispatcher expires one it holds. */
export const EXPIRED_REASON = 'not sent within its validity period';

/** Marks queued messages past their validity period as expired; answers them by tenant. */
export async function expireOverdueMessages(db: Kysely<Database>, now: number, limit = 5000): Promise<{ id: string; tenant_id: string }[]> {
  const overdue = db.selectFrom('messages').select('id').where('state', '=', literalState('queued')).where('expires_at', '<', now).limit(limit);
  return db
    .updateTable('messages')
    .set({ state: 'expired', last_error: EXPIRED_REASON })
    .where('id', 'in', overdue)
    .where('state', '=', 'queued')
    .returning(['id', 'tenant_id'])
    .execute();
}
