import type { Kysely } from 'kysely';
import { NOT_AVAILABLE } from '../reports/report-lookup.ts';
import type { Database } from '../store/schema.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { parseExecutePayload } from './execute-payload.ts';
import { findReportMode, reportModes } from './report-modes.ts';

/** Value of every field when the activity names a report type we do not have. */
export const UNKNOWN_REPORT_TYPE = 'Error: Unknown report type';

/**
 * The Reports activity's execute: the marketer binds the Message activity's messageId
 * (`{{Interaction.<activityKey>.messageId}}`), picks a report type (`reportType`: delivery, url or
 * reply) and gets that report from our store (not a data-extension query).
 */
export async function executeReports(db: Kysely<Database>, tenant: Tenant, decoded: unknown): Promise<Record<string, string>> {
  const parsed = parseExecutePayload(decoded);
  const mode = findReportMode(parsed.ok ? parsed.args.text('reportType') : undefined);
  // A contact must never be stuck on a misconfigured activity: every field says what is wrong.
  if (!mode) return Object.fromEntries(reportModes[0]!.outArguments.map((name) => [name, UNKNOWN_REPORT_TYPE]));
  return mode.lookup(db, tenant.id, messageIdOf(parsed.ok ? parsed.args.text('messageId') : undefined));
}

/** A messageId from another tenant simply finds nothing: lookups are scoped to the tenant. */
export function messageIdOf(value: string | undefined): string | undefined {
  const id = value?.trim();
  return id && id !== NOT_AVAILABLE ? id : undefined;
}
