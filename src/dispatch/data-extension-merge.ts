import type { SfmcClient } from '../sfmc/client.ts';
import { renderContent } from '../text/merge-fields.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { PreparedMessage } from './send-groups.ts';

/** Contact keys per rowset query: keeps the `$filter` (and the URL) short. */
const KEYS_PER_LOOKUP = 50;

export interface MergeOutcome {
  ready: PreparedMessage[];
  /** Messages that cannot be sent: no row for the contact, or a field the row lacks. */
  refused: { message: PreparedMessage; reason: 'row' | 'field'; detail: string }[];
  /** SFMC could not be asked now: try these again later. */
  retry: { messages: PreparedMessage[]; reason: string; retryAfterMs: number | undefined };
}

/**
 * The guide's "Custom data extension": messages whose merge fields come from a data extension row
 * get them filled now, at send time (never on the execute path), with one rowset query per
 * data extension and 50 contacts. Other messages pass through untouched.
 */
export async function fillFromDataExtensions(messages: PreparedMessage[], tenant: Tenant, sfmc: SfmcClient): Promise<MergeOutcome> {
  const outcome: MergeOutcome = { ready: [], refused: [], retry: { messages: [], reason: '', retryAfterMs: undefined } };
  const byDataExtension = new Map<string, PreparedMessage[]>();
  for (const m of messages) {
    const de = m.payload.dataExtension;
    if (!de) outcome.ready.push(m);
    else {
      const key = JSON.stringify([de.key, de.contactKeyField]);
      byDataExtension.set(key, [...(byDataExtension.get(key) ?? []), m]);
    }
  }
  for (const group of byDataExtension.values()) {
    const { key, contactKeyField } = group[0]!.payload.dataExtension!;
    for (let i = 0; i < group.length; i += KEYS_PER_LOOKUP) {
      const chunk = group.slice(i, i + KEYS_PER_LOOKUP);
      const found = await sfmc.rowsWhere(tenant, key, contactKeyField, [...new Set(chunk.map((m) => m.row.contact_key))]);
      if (found.kind !== 'ok') {
        if (found.kind === 'failed') {
          for (const message of chunk) outcome.refused.push({ message, reason: 'row', detail: `data extension "${key}" could not be read: ${found.reason}` });
        } else {
          outcome.retry = { messages: [...outcome.retry.messages, ...chunk], reason: found.reason, retryAfterMs: found.retryAfterMs };
        }
        continue;
      }
      const field = contactKeyField.toLowerCase();
      const rows = new Map(found.value.map((row) => [row[field], row]));
      for (const message of chunk) {
        const row = rows.get(message.row.contact_key);
        if (!row) {
          outcome.refused.push({ message, reason: 'row', detail: `no row for contact key "${message.row.contact_key}" in data extension "${key}"` });
          continue;
        }
        const rendered = renderContent(message.payload.content, { get: (name) => row[name.toLowerCase()] });
        if (rendered.missing.length > 0) {
          outcome.refused.push({ message, reason: 'field', detail: `data extension "${key}" has no field ${rendered.missing.join(', ')}` });
        } else {
          outcome.ready.push({ ...message, payload: { ...message.payload, content: rendered.content } });
        }
      }
    }
  }
  return outcome;
}
