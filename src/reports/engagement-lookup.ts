import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { selectFirstClicks } from '../store/sql/selectFirstClicks.ts';
import { selectFirstReply } from '../store/sql/selectFirstReply.ts';
import { NOT_AVAILABLE } from './report-lookup.ts';

/** The guide's value for a message whose link nobody clicked. */
export const NOT_CLICKED = 'NOT_CLICKED';
/** Our value for a message nobody replied to (the guide has no Reply mode). */
export const NO_REPLY = 'NO_REPLY';

export interface ClickLookupAnswer {
  notificationType: string;
  url: string;
}

export interface ReplyLookupAnswer {
  replyText: string;
  replyType: string;
  receivedAt: string;
}

/** The Reports activity's URL tracking answer: the message's first click, or NOT_CLICKED in both fields. */
export async function lookupClick(db: Kysely<Database>, tenantId: string, messageId: string | undefined): Promise<ClickLookupAnswer> {
  const click = messageId ? (await selectFirstClicks(db, tenantId, [messageId])).get(messageId) : undefined;
  return click ? { notificationType: click.notification_type, url: click.url } : { notificationType: NOT_CLICKED, url: NOT_CLICKED };
}

/** The Reports activity's Reply answer: the first reply to the message, or NO_REPLY. */
export async function lookupReply(db: Kysely<Database>, tenantId: string, messageId: string | undefined): Promise<ReplyLookupAnswer> {
  const reply = messageId ? await selectFirstReply(db, tenantId, messageId) : undefined;
  if (!reply) return { replyText: NO_REPLY, replyType: NO_REPLY, receivedAt: NOT_AVAILABLE };
  // A media reply without a caption still answers something a split can test.
  return { replyText: reply.text ?? reply.media_url ?? '', replyType: reply.content_type, receivedAt: reply.received_at };
}
