import { createHash } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { StoredPayload } from '../channels/channel.ts';
import type { Database, InboundMessagesTable, JourneyEventsTable } from '../store/schema.ts';
import { insertInboundMessages } from '../store/sql/insertInboundMessages.ts';
import { insertJourneyEvents } from '../store/sql/insertJourneyEvents.ts';
import { insertSuppressions } from '../store/sql/insertSuppressions.ts';
import { insertWriteback } from '../store/sql/insertWriteback.ts';
import { type RecentMessage, selectRecentMessagesTo } from '../store/sql/selectRecentMessagesTo.ts';
import type { ReportSettings } from '../tenants/report-settings.ts';
import type { InboundMessage } from './inbound-webhook.ts';
import { isOptOut } from './opt-out.ts';
import { inboundRow } from './report-types.ts';

export interface InboundOutcome {
  /** Messages not stored before (Infobip may send one again). */
  stored: number;
  /** Of those, replies to a recent message of ours. */
  matched: number;
  /** Journey events queued (replies to messages sent with Trigger Event on Response). */
  eventsQueued: number;
  /** Numbers that opted out with this batch. */
  optedOut: string[];
}

/**
 * Stores inbound messages of one tenant in one transaction. Each is matched to the latest message
 * we sent its sender from the number it wrote to, within the tenant's reply window; a reply to a
 * message sent with "Trigger Event on Response" queues that journey event. Every new inbound
 * message is queued for the Inbound Messages data extension, and an opt-out keyword suppresses
 * the number. Replies matching no recent message are stored, and fire nothing.
 */
export function recordInbound(db: Kysely<Database>, tenantId: string, settings: ReportSettings, inbound: InboundMessage[], now = Date.now()): Promise<InboundOutcome> {
  return db.transaction().execute(async (trx) => {
    const since = now - settings.replyWindowHours * 3_600_000;
    const recent = await selectRecentMessagesTo(trx, tenantId, [...new Set(inbound.map((m) => m.sender))], since);
    const rows: Insertable<InboundMessagesTable>[] = [];
    const events = new Map<string, Insertable<JourneyEventsTable>>();
    for (const m of inbound) {
      const match = recent.find((r) => r.destination === m.sender && sameSender(payloadOf(r).sender, m.destination));
      const row = {
        tenant_id: tenantId,
        id: m.id,
        channel: m.channel,
        sender: m.sender,
        destination: m.destination,
        content_type: m.contentType,
        text: m.text ?? null,
        media_url: m.mediaUrl ?? null,
        keyword: m.keyword ?? null,
        received_at: m.receivedAt,
        callback_data: m.callbackData ?? null,
        reply_to_message_id: match?.id ?? null,
        contact_key: match?.contactKey ?? null,
        created_at: now,
      };
      rows.push(row);
      const trigger = match ? payloadOf(match).triggerEvent : undefined;
      if (match && trigger) events.set(m.id, journeyEvent(tenantId, row, trigger.eventDefinitionKey, now));
    }
    const unique = dedupe(rows);
    const stored = new Set(await insertInboundMessages(trx, unique));
    const fresh = unique.filter((r) => stored.has(r.id));
    const freshEvents = [...events.values()].filter((e) => stored.has(e.inbound_id));
    await insertJourneyEvents(trx, freshEvents);
    const optedOut = [...new Set(fresh.filter((r) => isOptOut(r.text ?? undefined, settings.optOutKeywords)).map((r) => r.sender))];
    await insertSuppressions(trx, optedOut.map((destination) => ({ tenant_id: tenantId, destination, reason: 'keyword', created_at: now })));
    await insertWriteback(trx, fresh.map((r) => ({ tenantId, reportType: 'inbound', messageId: r.id })), now);
    return { stored: fresh.length, matched: fresh.filter((r) => r.reply_to_message_id).length, eventsQueued: freshEvents.length, optedOut };
  });
}

function payloadOf(message: RecentMessage): StoredPayload {
  return JSON.parse(message.payload) as StoredPayload;
}

/**
 * The number or name a reply was written to against the sender of our message. Numbers are
 * compared by their digits (Infobip writes them without `+`); names ignore case. A message sent
 * without a sender went from the account's default one, which any reply may have reached.
 */
function sameSender(ours: string | undefined, repliedTo: string): boolean {
  if (ours === undefined) return true;
  const asNumber = (s: string) => (/^\+?[\d\s()-]+$/.test(s) ? s.replace(/\D/g, '') : undefined);
  const a = asNumber(ours);
  const b = asNumber(repliedTo);
  return a !== undefined && b !== undefined ? a === b : ours.trim().toLowerCase() === repliedTo.trim().toLowerCase();
}

/** The event a reply fires: the Wait Until Event's key, the contact, and the reply as Data. */
function journeyEvent(tenantId: string, row: Insertable<InboundMessagesTable>, eventDefinitionKey: string, now: number): Insertable<JourneyEventsTable> {
  const data = Object.fromEntries(Object.entries(inboundRow({ ...row, created_at: now } as InboundMessagesTable)).filter(([, v]) => v !== null));
  return {
    id: createHash('sha256').update(tenantId).update('\u0000').update(row.id).digest('hex').slice(0, 32),
    tenant_id: tenantId,
    inbound_id: row.id,
    contact_key: row.contact_key!,
    event_definition_key: eventDefinitionKey,
    data: JSON.stringify(data),
    state: 'pending',
    attempts: 0,
    next_attempt_at: now,
    lease_until: null,
    event_instance_id: null,
    last_error: null,
    created_at: now,
  };
}

/** One row per inbound id: PostgreSQL refuses to insert a row twice in one statement. */
function dedupe(rows: Insertable<InboundMessagesTable>[]): Insertable<InboundMessagesTable>[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}
