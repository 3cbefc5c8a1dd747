// The guide's "Managing inbound number configuration": each number of the account with the state
// of its SMS inbound configuration and the one action that applies — Create Configuration (none
// yet), Remove Configuration (ours), Use Default Configuration (another application's, taken over
// for SFMC) — or why no action is possible (a shared number, no permission).
import { infobipCall, type InboundConfiguration, type InfobipKey, type OwnedNumber } from './management.ts';

export type NumberAction = 'create' | 'remove' | 'use-default';

export interface InboundNumber {
  numberKey: string;
  number: string;
  country: string | undefined;
  state: 'none' | 'ours' | 'other';
  action: NumberAction | undefined;
  /** Why the action is disabled. */
  disabledReason: string | undefined;
}

const CHANNEL = 'SMS';

function stateOf(configurations: InboundConfiguration[], inboundUrl: string): InboundNumber['state'] {
  const forwarding = configurations.filter((c) => !c.keyword);
  if (forwarding.length === 0) return 'none';
  return forwarding.some((c) => c.forwarding?.url === inboundUrl) ? 'ours' : 'other';
}

const ACTIONS: Record<InboundNumber['state'], NumberAction> = { none: 'create', ours: 'remove', other: 'use-default' };

export async function listInboundNumbers(key: InfobipKey, inboundUrl: string): Promise<{ ok: true; numbers: InboundNumber[] } | { ok: false; message: string }> {
  const owned = await infobipCall(key, 'GET', '/numbers/1/numbers?limit=100');
  if (!owned.ok) {
    const reason = owned.status === 403 ? 'the API key lacks the numbers:manage scope' : owned.message;
    return { ok: false, message: `Numbers cannot be listed: ${reason}` };
  }
  const numbers = ((owned.body as { numbers?: OwnedNumber[] } | undefined)?.numbers ?? []);
  const listed = await Promise.all(
    numbers.map(async (n): Promise<InboundNumber> => {
      const query = new URLSearchParams({ numberKey: n.numberKey, channel: CHANNEL });
      const configs = await infobipCall(key, 'GET', `/resource-management/1/inbound-message-configurations?${query}`);
      const state = configs.ok ? stateOf((configs.body as InboundConfiguration[] | undefined) ?? [], inboundUrl) : 'none';
      const disabledReason = n.shared
        ? 'Shared number: its inbound configuration cannot be changed'
        : n.editPermissions?.canEditConfiguration === false
          ? 'No permission to edit this number\'s settings on the Infobip account'
          : !configs.ok
            ? `Configuration cannot be read: ${configs.message}`
            : undefined;
      return { numberKey: n.numberKey, number: n.number, country: n.country, state, action: ACTIONS[state], disabledReason };
    }),
  );
  return { ok: true, numbers: listed };
}

/**
 * Performs one action. Create and Use Default both post our forwarding (Infobip's endpoint creates
 * or replaces the number's configuration); Remove deletes the configurations that forward to us.
 */
export async function performNumberAction(key: InfobipKey, numberKey: string, action: NumberAction, inboundUrl: string): Promise<{ ok: true } | { ok: false; message: string }> {
  if (action === 'remove') {
    const query = new URLSearchParams({ numberKey, channel: CHANNEL });
    const configs = await infobipCall(key, 'GET', `/resource-management/1/inbound-message-configurations?${query}`);
    if (!configs.ok) return { ok: false, message: configs.message };
    for (const c of ((configs.body as InboundConfiguration[] | undefined) ?? []).filter((c) => c.forwarding?.url === inboundUrl)) {
      const deleted = await infobipCall(key, 'DELETE', `/resource-management/1/inbound-message-configurations/${encodeURIComponent(c.configurationKey)}`);
      if (!deleted.ok) return { ok: false, message: deleted.message };
    }
    return { ok: true };
  }
  const created = await infobipCall(key, 'POST', '/resource-management/1/inbound-message-configurations', {
    channel: CHANNEL,
    numberKey,
    forwarding: { type: 'HTTP_FORWARD', url: inboundUrl, format: 'MO_JSON_2' },
  });
  return created.ok ? { ok: true } : { ok: false, message: created.message };
}
