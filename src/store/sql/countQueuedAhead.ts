import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { notYetInMessages } from './intake-rows.ts';
import { literalState } from './message-states.ts';

/**
 * Messages of a flow that go before one due at `dueAt` (claims take them in due order): queued,
 * or accepted and still in the intake, which the dispatcher's next round moves into the queue.
 * Both counts in one statement: a move of the intake between two would count its rows twice or
 * not at all. A retried execute is counted once: by its id, and only where its first row is.
 */
export async function countQueuedAhead(db: Kysely<Database>, flowKey: string, dueAt: number, id: string): Promise<number> {
  const before = (eb: ExpressionBuilder<Database, 'messages' | 'message_intake'>) =>
    eb.or([eb('next_attempt_at', '<', dueAt), eb.and([eb('next_attempt_at', '=', dueAt), eb('id', '<', id)])]);
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('messages').select((e) => e.fn.countAll<number | string>().as('n')).where('state', '=', literalState('queued')).where('flow_key', '=', flowKey).where(before).as('queued'),
      eb
        .selectFrom('message_intake')
        .select((e) => e.fn.count<number | string>('message_intake.id').distinct().as('n'))
        .where('message_intake.flow_key', '=', flowKey)
        .where(before)
        .where(notYetInMessages)
        .as('accepted'),
    ])
    .executeTakeFirstOrThrow();
  return Number(row.queued) + Number(row.accepted);
}
