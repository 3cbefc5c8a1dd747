import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * An intake row whose id is not in messages yet. One that is belongs to a retried execute whose
 * first row already moved: it stands for nothing, since the move drops it, and the message it
 * names may be sent already.
 */
export const notYetInMessages = ({ not, exists, selectFrom }: ExpressionBuilder<Database, 'message_intake'>) =>
  not(exists(selectFrom('messages').select('messages.id').whereRef('messages.id', '=', 'message_intake.id')));
