import { hash } from 'node:crypto';
import type { Channel, CustomDataExtension, StoredPayload } from '../channels/channel.ts';
import { findChannel } from '../channels/registry.ts';
import { dispatchColumns } from '../dispatch/dispatch-columns.ts';
import type { OutboxWriter } from '../dispatch/outbox-writer.ts';
import { renderContent } from '../text/merge-fields.ts';
import { defaultAccount, type Tenant } from '../tenants/tenant.ts';
import type { ActivityArguments } from './activity-arguments.ts';
import { readActivityOptions } from './activity-options.ts';
import { buildCallbackData } from './callback-data.ts';
import { executeIdentity, type ExecutePayload, parseExecutePayload } from './execute-payload.ts';
import { messageStatus } from './message-status.ts';
import { recipientFromArguments } from './recipient.ts';
import { readUrlTracking } from './url-tracking.ts';

export interface MessageExecuteAnswer {
  messageId: string;
  messageStatus: string;
}

/** Whether a tenant's recipient is on its suppression list. */
export type OptedOut = (tenantId: string, destination: string) => boolean;

const rejected = (status: string): MessageExecuteAnswer => ({ messageId: '', messageStatus: status });

/**
 * The Message activity's execute, after the JWT is verified: validate what Journey Builder sent,
 * store the message durably (group-committed), and answer. No network I/O happens here: the
 * dispatcher sends later. Business errors are answers, not exceptions; a storage failure throws,
 * so the route answers 5xx and Journey Builder retries.
 */
export async function executeMessage(tenant: Tenant, decoded: unknown, outbox: Pick<OutboxWriter, 'store'>, optedOut: OptedOut): Promise<MessageExecuteAnswer> {
  const parsed = parseExecutePayload(decoded);
  if (!parsed.ok) return rejected(`${messageStatus.invalidRequest}: ${parsed.problem}`);
  const { payload } = parsed;
  // With a custom data extension the fields are filled when sending, from its row (dispatch/).
  const dataExtension = readCustomDataExtension(parsed.args);
  if (dataExtension === null) return rejected(`${messageStatus.invalidRequest}: dataExtension.key must be a data extension external key`);
  const merged = dataExtension ? { args: parsed.args, missing: [] } : mergeFields(parsed.args);
  if (merged.missing.length > 0) return rejected(`${messageStatus.missingMergeField}: ${merged.missing.join(', ')}`);
  const { args } = merged;

  const channel = findChannel(args.text('channel') ?? 'sms');
  if (!channel) return rejected(messageStatus.unknownChannel);
  const recipient = recipientFromArguments(args, tenant.settings.defaultCountry);
  if (!recipient.ok) return rejected(recipient.messageStatus);
  // An in-memory set lookup (reports/suppression-list.ts): no I/O on the execute path.
  if (optedOut(tenant.id, recipient.to)) return rejected(messageStatus.optedOut);
  const composed = composeMessage(channel, args, tenant, dataExtension);
  if (!composed.ok) return rejected(composed.messageStatus);
  const accountId = args.text('accountId');
  const account = accountId ? tenant.accounts.find((a) => a.id === accountId) : defaultAccount(tenant);
  if (!account) return rejected(messageStatus.unknownAccount);

  const contactKey = args.text('contactKey') ?? payload.keyValue;
  const bulkId = (args.text('activityName') ?? `mc-relay ${channel.name}`).slice(0, 100);
  const callback = buildCallbackData(args, {
    activityId: payload.activityId,
    bulkId,
    contactKey,
    mid: tenant.mid,
    from: composed.payload.sender,
    versionId: args.text('definitionId'),
    versionNumber: args.text('versionNumber'),
    templateName: args.text('templateName'),
  });
  if (!callback.ok) return rejected(callback.messageStatus);

  const now = Date.now();
  const messageId = await outbox.store({
    id: messageIdFor(tenant.id, payload),
    tenant_id: tenant.id,
    activity_id: payload.activityId,
    journey_id: payload.journeyId ?? null,
    definition_instance_id: payload.definitionInstanceId ?? null,
    contact_key: contactKey,
    channel: channel.id,
    account_id: account.id,
    destination: recipient.to,
    payload: JSON.stringify(composed.payload),
    bulk_id: bulkId,
    callback_data: callback.callbackData,
    predicted_count: composed.payload.dataExtension ? null : (channel.predictMessageCount?.(composed.payload.content) ?? null),
    state: 'queued',
    attempts: 0,
    next_attempt_at: now,
    lease_owner: null,
    lease_until: null,
    created_at: now,
    sent_at: null,
    provider_status: null,
    last_error: null,
    ...dispatchColumns(tenant.id, payload.journeyId ?? null, payload.activityId, composed.payload, now),
  });
  return { messageId, messageStatus: messageStatus.pending };
}

/**
 * What every channel shares: the sender (typed, or the tenant's configured one for the channel),
 * URL shortening & tracking and the activity options; then the channel's own content. Merge
 * fields (`#{Field}` filled from `field.<Field>` inArguments) are already filled in `args`.
 */
function composeMessage(
  channel: Channel,
  args: ActivityArguments,
  tenant: Tenant,
  dataExtension: CustomDataExtension | undefined,
): { ok: true; payload: StoredPayload } | { ok: false; messageStatus: string } {
  const sender = args.text('sender')?.trim() ?? tenant.settings.senders[channel.senderKind];
  if (sender === undefined ? channel.senderRequired : !channel.isValidSender(sender)) return { ok: false, messageStatus: messageStatus.invalidFrom };
  let tracking;
  if (channel.urlTracking) {
    const read = readUrlTracking(args);
    if (!read.ok) return read;
    tracking = read.tracking;
  }
  const activityOptions = readActivityOptions(args);
  if (!activityOptions.ok) return activityOptions;
  // The channel validates the merged content: merge fields change lengths.
  const composed = channel.compose(args);
  if (!composed.ok) return composed;
  return {
    ok: true,
    payload: {
      ...(sender ? { sender } : {}),
      content: composed.content,
      ...(tracking ? { tracking } : {}),
      ...(dataExtension ? { dataExtension } : {}),
      ...activityOptions.options,
    },
  };
}

/**
 * The guide's "Custom data extension" (for API Event entry sources): `dataExtension.key` names the
 * data extension whose row, found by contact key, fills the merge fields at send time.
 */
function readCustomDataExtension(args: ActivityArguments): CustomDataExtension | undefined | null {
  const key = args.text('dataExtension.key')?.trim();
  if (key === undefined) return undefined;
  const contactKeyField = args.text('dataExtension.contactKeyField')?.trim() ?? 'ContactKey';
  const name = /^[\w .\-]{1,200}$/;
  return name.test(key) && name.test(contactKeyField) ? { key, contactKeyField } : null;
}

/** Fills `#{Field}` in every argument but the field values themselves (`field.<Field>`). */
function mergeFields(args: ActivityArguments): { args: ActivityArguments; missing: string[] } {
  const values = new Map(args.withPrefix('field.').map(([name, value]) => [name, value === null || value === undefined ? '' : String(value)]));
  const missing = new Set<string>();
  const merged = args.map((name, value) => {
    if (name.startsWith('field.')) return value;
    // Most arguments hold no merge field: leave them as they are, without rendering.
    if (typeof value === 'string' && !value.includes('#') && !JSON_TEXT.test(value)) return value;
    // Lists saved as JSON text are merged as structures, so a value holding `"` cannot break them.
    const rendered = renderContent(parseJsonText(value), values);
    for (const field of rendered.missing) missing.add(field);
    return rendered.content;
  });
  return { args: merged, missing: [...missing] };
}

const JSON_TEXT = /^\s*[[{]/;

function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string' || !JSON_TEXT.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * The message id is derived from what Journey Builder repeats when it retries an execute (tenant,
 * activityId, activity or definition instance, keyValue): a retry names the same message, on any
 * instance, with no lookup. sha256 shaped as a UUID (version 8, "custom"); Infobip accepts ids of
 * up to 200 characters.
 */
function messageIdFor(tenantId: string, payload: ExecutePayload): string {
  // One-shot hash(): no Hash object per execute.
  const digest = hash('sha256', `${tenantId}\u0000${executeIdentity(payload)}`, 'buffer');
  digest[6] = (digest[6]! & 0x0f) | 0x80;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
