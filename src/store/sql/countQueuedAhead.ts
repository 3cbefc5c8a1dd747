import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { literalState } from './message-states.ts';

/** Queued messages of a flow that go before one due at `dueAt` (claims take them in due order). */
export async function countQueuedAhead(db: Kysely<Database>, flowKey: string, dueAt: number, id: string): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number | string>().as('ahead'))
    .where('state', '=', literalState('queued'))
    .where('flow_key', '=', flowKey)
    .where((eb) => eb.or([eb('next_attempt_at', '<', dueAt), eb.and([eb('next_attempt_at', '=', dueAt), eb('id', '<', id)])]))
    .executeTakeFirstOrThrow();
  return Number(row.ahead);
}
