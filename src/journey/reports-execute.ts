import type { Kysely } from 'kysely';
import { type DeliveryLookupAnswer, lookupDeliveryReport, NOT_AVAILABLE } from '../reports/report-lookup.ts';
import type { Database } from '../store/schema.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { parseExecutePayload } from './execute-payload.ts';

/**
 * The Reports activity's execute: the marketer binds the Message activity's messageId
 * (`{{Interaction.<activityKey>.messageId}}`) and gets its delivery report from our store.
 */
export async function executeReports(db: Kysely<Database>, tenant: Tenant, decoded: unknown): Promise<DeliveryLookupAnswer> {
  const parsed = parseExecutePayload(decoded);
  const messageId = parsed.ok ? parsed.args.text('messageId') : undefined;
  // A messageId from another tenant simply finds nothing: lookups are scoped to this tenant.
  return lookupDeliveryReport(db, tenant.id, messageId && messageId !== NOT_AVAILABLE ? messageId : undefined);
}
