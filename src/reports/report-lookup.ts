import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { selectReports } from '../store/sql/selectReports.ts';

/** The guide's value for every report field that has no value yet. */
export const NOT_AVAILABLE = 'NOT_AVAILABLE';

export interface DeliveryLookupAnswer {
  statusName: string;
  statusGroupName: string;
  errorName: string;
  doneAt: string;
  sentAt: string;
  seenAt: string;
}

const nothingYet: DeliveryLookupAnswer = {
  statusName: NOT_AVAILABLE,
  statusGroupName: NOT_AVAILABLE,
  errorName: NOT_AVAILABLE,
  doneAt: NOT_AVAILABLE,
  sentAt: NOT_AVAILABLE,
  seenAt: NOT_AVAILABLE,
};

/**
 * The Reports activity's delivery answer, from our own report store (not a data-extension
 * query). A message still pending, or one we never stored, answers NOT_AVAILABLE throughout,
 * as the guide describes; a field without a value (seenAt on SMS) answers NOT_AVAILABLE.
 */
export async function lookupDeliveryReport(db: Kysely<Database>, tenantId: string, messageId: string | undefined): Promise<DeliveryLookupAnswer> {
  if (!messageId) return nothingYet;
  const [report] = await selectReports(db, tenantId, [messageId]);
  if (!report) return nothingYet;
  // Still pending (a seen report can arrive before the delivery report): only seenAt is known.
  if (report.status_group_name === 'PENDING') return { ...nothingYet, seenAt: report.seen_at ?? NOT_AVAILABLE };
  return {
    statusName: report.status_name,
    statusGroupName: report.status_group_name,
    errorName: report.error_name ?? NOT_AVAILABLE,
    doneAt: report.done_at ?? NOT_AVAILABLE,
    sentAt: report.sent_at ?? NOT_AVAILABLE,
    seenAt: report.seen_at ?? NOT_AVAILABLE,
  };
}
