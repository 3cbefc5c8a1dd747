import { createHash, randomUUID } from 'node:crypto';
import { findChannel } from '../channels/registry.ts';
import type { OutboxWriter } from '../dispatch/outbox-writer.ts';
import { defaultAccount, type Tenant } from '../tenants/tenant.ts';
import { executeIdentity, type ExecutePayload, parseExecutePayload, stringArg } from './execute-payload.ts';
import { messageStatus } from './message-status.ts';
import { recipientFromArguments } from './recipient.ts';

export interface MessageExecuteAnswer {
  messageId: string;
  messageStatus: string;
}

const rejected = (status: string): MessageExecuteAnswer => ({ messageId: '', messageStatus: status });

/**
 * The Message activity's execute, after the JWT is verified: validate what Journey Builder sent,
 * store the message durably (group-committed), and answer. No network I/O happens here: the
 * dispatcher sends later. Business errors are answers, not exceptions; a storage failure throws,
 * so the route answers 5xx and Journey Builder retries.
 */
export async function executeMessage(tenant: Tenant, decoded: unknown, outbox: OutboxWriter): Promise<MessageExecuteAnswer> {
  const parsed = parseExecutePayload(decoded);
  if (!parsed.ok) return rejected(`${messageStatus.invalidRequest}: ${parsed.problem}`);
  const { payload, args } = parsed;

  const channel = findChannel(stringArg(args, 'channel') ?? 'sms');
  if (!channel) return rejected(messageStatus.unknownChannel);
  const recipient = recipientFromArguments(args, tenant.settings.defaultCountry);
  if (!recipient.ok) return rejected(recipient.messageStatus);
  const composed = channel.compose(args, tenant);
  if (!composed.ok) return rejected(composed.messageStatus);
  const accountId = stringArg(args, 'accountId');
  const account = accountId ? tenant.accounts.find((a) => a.id === accountId) : defaultAccount(tenant);
  if (!account) return rejected(messageStatus.unknownAccount);

  const contactKey = stringArg(args, 'contactKey') ?? payload.keyValue;
  const bulkId = (stringArg(args, 'activityName') ?? `mc-relay ${channel.name}`).slice(0, 100);
  const now = Date.now();
  const messageId = await outbox.store({
    id: randomUUID(),
    tenant_id: tenant.id,
    dedupe_key: dedupeKey(tenant.id, payload),
    activity_id: payload.activityId,
    journey_id: payload.journeyId ?? null,
    definition_instance_id: payload.definitionInstanceId ?? null,
    contact_key: contactKey,
    channel: channel.id,
    account_id: account.id,
    destination: recipient.to,
    payload: JSON.stringify(composed.payload),
    bulk_id: bulkId,
    callback_data: callbackData(tenant, payload, args, contactKey, bulkId),
    state: 'queued',
    attempts: 0,
    next_attempt_at: now,
    lease_owner: null,
    lease_until: null,
    created_at: now,
    sent_at: null,
    provider_status: null,
    last_error: null,
  });
  return { messageId, messageStatus: messageStatus.pending };
}

function dedupeKey(tenantId: string, payload: ExecutePayload): string {
  return createHash('sha256').update(tenantId).update('\u0000').update(executeIdentity(payload)).digest('base64url');
}

/**
 * The callbackData Infobip echoes in every report: the journey context the guide's connector
 * puts there (its field names are the ones the guide reserves), as compact JSON.
 */
function callbackData(tenant: Tenant, payload: ExecutePayload, args: Map<string, unknown>, contactKey: string, bulkId: string): string {
  const data: Record<string, string> = { ActivityId: payload.activityId, BulkId: bulkId, ContactKey: contactKey, MID: tenant.mid };
  const versionId = stringArg(args, 'definitionId');
  const versionNumber = stringArg(args, 'versionNumber');
  if (versionId) data.VersionId = versionId;
  if (versionNumber) data.VersionNumber = versionNumber;
  return JSON.stringify(data);
}
