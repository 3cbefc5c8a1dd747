import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { countQueuedAhead } from '../store/sql/countQueuedAhead.ts';
import { selectPacingCursor } from '../store/sql/selectPacingCursor.ts';
import { selectWaitingMessage } from '../store/sql/selectWaitingMessage.ts';

/**
 * When a message that waits will be sent (epoch ms), or undefined when it does not wait: already
 * sent or ended, unknown, or an unlimited message due now (it goes within the next claim round).
 * A paced message's time is its flow's next free slot plus one interval per message queued before
 * it; one held by quiet hours or a retry goes no earlier than its due time. An estimate: a
 * message cancelled or expired ahead of it moves it earlier.
 */
export async function plannedSendTime(db: Kysely<Database>, tenantId: string, messageId: string, now = Date.now()): Promise<number | undefined> {
  const message = await selectWaitingMessage(db, tenantId, messageId);
  if (!message) return undefined;
  const due = Math.max(message.next_attempt_at, now);
  if (message.pace_interval_us === null) return message.next_attempt_at > now ? due : undefined;
  if (message.state === 'sending') return now;
  const [cursorUs, ahead] = await Promise.all([selectPacingCursor(db, message.flow_key), countQueuedAhead(db, message.flow_key, message.next_attempt_at, message.id)]);
  const bySlots = Math.max(cursorUs / 1000, now) + (ahead * message.pace_interval_us) / 1000;
  return Math.round(Math.max(bySlots, due));
}
