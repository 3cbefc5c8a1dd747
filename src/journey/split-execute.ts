import type { Kysely } from 'kysely';
import { lookupClick, lookupReply, NO_REPLY, NOT_CLICKED } from '../reports/engagement-lookup.ts';
import { lookupDeliveryReport, NOT_AVAILABLE } from '../reports/report-lookup.ts';
import type { Database } from '../store/schema.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { parseExecutePayload } from './execute-payload.ts';
import { messageIdOf } from './reports-execute.ts';

/**
 * The decision split's outcomes, most engaged first: a message that was replied to was also
 * delivered, and the contact takes the most telling branch. Failed is a final status other
 * than delivered (undeliverable, expired, rejected); Pending is everything not final yet.
 */
export const splitOutcomes = [
  { branchResult: 'replied', label: 'Replied' },
  { branchResult: 'clicked', label: 'Clicked' },
  { branchResult: 'seen', label: 'Seen' },
  { branchResult: 'delivered', label: 'Delivered' },
  { branchResult: 'failed', label: 'Failed' },
  { branchResult: 'pending', label: 'Pending' },
] as const;
export type BranchResult = (typeof splitOutcomes)[number]['branchResult'];

/** The split's execute: `{ branchResult }` for the message bound to `messageId`, from our store. */
export async function executeSplit(db: Kysely<Database>, tenant: Tenant, decoded: unknown): Promise<{ branchResult: BranchResult }> {
  const parsed = parseExecutePayload(decoded);
  const messageId = messageIdOf(parsed.ok ? parsed.args.text('messageId') : undefined);
  if (!messageId) return { branchResult: 'pending' };
  const [reply, click, delivery] = await Promise.all([lookupReply(db, tenant.id, messageId), lookupClick(db, tenant.id, messageId), lookupDeliveryReport(db, tenant.id, messageId)]);
  if (reply.replyType !== NO_REPLY) return { branchResult: 'replied' };
  if (click.url !== NOT_CLICKED) return { branchResult: 'clicked' };
  if (delivery.seenAt !== NOT_AVAILABLE) return { branchResult: 'seen' };
  if (delivery.statusGroupName === 'DELIVERED') return { branchResult: 'delivered' };
  if (delivery.statusGroupName === NOT_AVAILABLE) return { branchResult: 'pending' };
  return { branchResult: 'failed' };
}
