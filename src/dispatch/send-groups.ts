import type { ClaimedMessage } from '../store/sql/claimDueMessages.ts';

/** Messages that can travel in one Infobip request: same tenant, account, channel and bulk. */
export interface SendGroup {
  tenantId: string;
  accountId: string;
  channel: string;
  messages: ClaimedMessage[];
}

/** Groups claimed messages and cuts each group to the channel's request size. */
export function groupForSending(messages: ClaimedMessage[], maxPerRequest: (channel: string) => number): SendGroup[] {
  const groups = new Map<string, SendGroup>();
  for (const m of messages) {
    const key = [m.tenant_id, m.account_id, m.channel, m.bulk_id].join('\u0000');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { tenantId: m.tenant_id, accountId: m.account_id, channel: m.channel, messages: [] }));
    group.messages.push(m);
  }
  return [...groups.values()].flatMap((g) => {
    const size = maxPerRequest(g.channel);
    const chunks: SendGroup[] = [];
    for (let i = 0; i < g.messages.length; i += size) chunks.push({ ...g, messages: g.messages.slice(i, i + size) });
    return chunks;
  });
}
