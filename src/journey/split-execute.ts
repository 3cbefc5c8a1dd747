import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { selectEngagement } from '../store/sql/selectEngagement.ts';
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
  const e = await selectEngagement(db, tenant.id, messageId);
  if (e.replied) return { branchResult: 'replied' };
  if (e.clicked) return { branchResult: 'clicked' };
  if (e.seenAt) return { branchResult: 'seen' };
  if (e.statusGroupName === 'DELIVERED') return { branchResult: 'delivered' };
  // No report yet, or only a PENDING one (a seen report can come first, but then seenAt decided above).
  if (e.statusGroupName === null || e.statusGroupName === 'PENDING') return { branchResult: 'pending' };
  return { branchResult: 'failed' };
}
