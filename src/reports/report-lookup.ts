import type { Kysely } from 'kysely';
import { plannedSendTime } from '../dispatch/planned-send-time.ts';
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
  /** When a message still waiting to be sent (speed limit, quiet hours, retry) is planned to go. */
  plannedAt: string;
}

const nothingYet: DeliveryLookupAnswer = {
  statusName: NOT_AVAILABLE,
  statusGroupName: NOT_AVAILABLE,
  errorName: NOT_AVAILABLE,
  doneAt: NOT_AVAILABLE,
  sentAt: NOT_AVAILABLE,
  seenAt: NOT_AVAILABLE,
  plannedAt: NOT_AVAILABLE,
};

/** Our status for a message that waits to be sent: unlike Infobip's PENDING ones, it is not sent yet. */
export const WAITING_TO_SEND = 'PENDING_WAITING_TO_SEND';

/**
 * The Reports activity's delivery answer, from our own report store (not a data-extension
 * query). A message still pending, or one we never stored, answers NOT_AVAILABLE throughout,
 * as the guide describes; a field without a value (seenAt on SMS) answers NOT_AVAILABLE. A message
 * that waits to be sent (speed limit, quiet hours, retry) answers PENDING_WAITING_TO_SEND with its
 * plannedAt, so a decision split can tell "not sent yet" from "sent, not delivered".
 */
export async function lookupDeliveryReport(db: Kysely<Database>, tenantId: string, messageId: string | undefined): Promise<DeliveryLookupAnswer> {
  if (!messageId) return nothingYet;
  const [report] = await selectReports(db, tenantId, [messageId]);
  if (!report) {
    const plannedAt = await plannedSendTime(db, tenantId, messageId);
    return plannedAt === undefined ? nothingYet : { ...nothingYet, statusName: WAITING_TO_SEND, statusGroupName: 'PENDING', plannedAt: new Date(plannedAt).toISOString() };
  }
  // Still pending (a seen report can arrive before the delivery report): only seenAt is known.
  if (report.status_group_name === 'PENDING') return { ...nothingYet, seenAt: report.seen_at ?? NOT_AVAILABLE };
  return {
    statusName: report.status_name,
    statusGroupName: report.status_group_name,
    errorName: report.error_name ?? NOT_AVAILABLE,
    doneAt: report.done_at ?? NOT_AVAILABLE,
    sentAt: report.sent_at ?? NOT_AVAILABLE,
    seenAt: report.seen_at ?? NOT_AVAILABLE,
    plannedAt: NOT_AVAILABLE,
  };
}
