import type { Kysely } from 'kysely';
import type { StoredPayload } from '../channels/channel.ts';
import type { Database } from '../store/schema.ts';
import { countQueuedAhead } from '../store/sql/countQueuedAhead.ts';
import { selectPacingCursor } from '../store/sql/selectPacingCursor.ts';
import { selectWaitingMessage } from '../store/sql/selectWaitingMessage.ts';
import { nextOpening } from './send-window.ts';

/**
 * When a message that waits will be sent (epoch ms), or undefined when it does not wait: already
 * sent or ended, unknown, or an unlimited message due now (it goes within the next claim round).
 * A paced message's time is its flow's next free slot plus one interval per message queued before
 * it; one held by quiet hours or a retry goes no earlier than its due time, and none before its
 * send window opens. An estimate: a message cancelled or expired ahead of it moves it earlier.
 */
export async function plannedSendTime(db: Kysely<Database>, tenantId: string, messageId: string, now = Date.now()): Promise<number | undefined> {
  const message = await selectWaitingMessage(db, tenantId, messageId);
  if (!message) return undefined;
  const planned = await plannedBySchedule(db, message, now);
  const window = (JSON.parse(message.payload) as StoredPayload).sendWindow;
  const opening = window ? nextOpening(window, message.destination, planned ?? now) : undefined;
  return opening ?? planned;
}

async function plannedBySchedule(db: Kysely<Database>, message: NonNullable<Awaited<ReturnType<typeof selectWaitingMessage>>>, now: number): Promise<number | undefined> {
  const due = Math.max(message.next_attempt_at, now);
  if (message.pace_interval_us === null) return message.next_attempt_at > now ? due : undefined;
  if (message.state === 'sending') return now;
  const [cursorUs, ahead] = await Promise.all([selectPacingCursor(db, message.flow_key), countQueuedAhead(db, message.flow_key, message.next_attempt_at, message.id)]);
  const bySlots = Math.max(cursorUs / 1000, now) + (ahead * message.pace_interval_us) / 1000;
  return Math.round(Math.max(bySlots, due));
}
