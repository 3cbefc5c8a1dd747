import type { StoredPayload } from '../channels/channel.ts';
import type { UrlTracking } from '../journey/url-tracking.ts';
import type { ClaimedMessage } from '../store/sql/claimFlowMessages.ts';

/** A claimed message with its stored payload read. */
export interface PreparedMessage {
  row: ClaimedMessage;
  payload: StoredPayload;
}

/**
 * Messages that can travel in one Infobip request: same tenant, account and channel, and the
 * same request-level options (bulkId, URL tracking).
 */
export interface SendGroup {
  tenantId: string;
  accountId: string;
  channel: string;
  bulkId: string;
  tracking: UrlTracking | undefined;
  messages: PreparedMessage[];
}

/** Claimed messages with their payload read. */
export function prepareMessages(rows: ClaimedMessage[]): PreparedMessage[] {
  return rows.map((row) => ({ row, payload: JSON.parse(row.payload) as StoredPayload }));
}

/** Groups prepared messages and cuts each group to the channel's request size. */
export function groupForSending(messages: PreparedMessage[], maxPerRequest: (channel: string) => number): SendGroup[] {
  const groups = new Map<string, SendGroup>();
  for (const { row, payload } of messages) {
    const key = JSON.stringify([row.tenant_id, row.account_id, row.channel, row.bulk_id, payload.tracking ?? null]);
    let group = groups.get(key);
    if (!group) {
      group = { tenantId: row.tenant_id, accountId: row.account_id, channel: row.channel, bulkId: row.bulk_id, tracking: payload.tracking, messages: [] };
      groups.set(key, group);
    }
    group.messages.push({ row, payload });
  }
  return [...groups.values()].flatMap((g) => {
    const size = maxPerRequest(g.channel);
    const chunks: SendGroup[] = [];
    for (let i = 0; i < g.messages.length; i += size) chunks.push({ ...g, messages: g.messages.slice(i, i + size) });
    return chunks;
  });
}
