import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { literalState } from './message-states.ts';

/**
 * Messages of a flow that go before one due at `dueAt` (claims take them in due order): queued,
 * or accepted and still in the intake, which the dispatcher's next round moves into the queue.
 */
export async function countQueuedAhead(db: Kysely<Database>, flowKey: string, dueAt: number, id: string): Promise<number> {
  const before = (eb: ExpressionBuilder<Database, 'messages' | 'message_intake'>) =>
    eb.or([eb('next_attempt_at', '<', dueAt), eb.and([eb('next_attempt_at', '=', dueAt), eb('id', '<', id)])]);
  const [queued, accepted] = await Promise.all([
    db.selectFrom('messages').select((eb) => eb.fn.countAll<number | string>().as('ahead')).where('state', '=', literalState('queued')).where('flow_key', '=', flowKey).where(before).executeTakeFirstOrThrow(),
    db.selectFrom('message_intake').select((eb) => eb.fn.countAll<number | string>().as('ahead')).where('flow_key', '=', flowKey).where(before).executeTakeFirstOrThrow(),
  ]);
  return Number(queued.ahead) + Number(accepted.ahead);
}
