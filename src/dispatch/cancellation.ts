import type { Kysely } from 'kysely';
import { type CancelReason, cancelledReport } from '../reports/connector-reports.ts';
import type { DeliveryReport } from '../reports/report.ts';
import { recordDeliveryReports } from '../reports/record-reports.ts';
import type { Database } from '../store/schema.ts';
import { cancelWaitingMessages } from '../store/sql/cancelWaitingMessages.ts';
import { flowKey } from './dispatch-columns.ts';

/** Reports recorded per transaction: bounds the statement size for a large backlog. */
const REPORT_CHUNK = 500;

export interface CancelTarget {
  tenantId: string;
  /** The journey version: execute's `journeyId`, the lifecycle calls' `interactionId`. */
  journeyId: string;
  /** One activity of the version; all of them when absent. */
  activityId?: string;
  reason: CancelReason;
}

/**
 * Cancels a journey version's messages that still wait to be sent and reports each one (Reports
 * activity and data extension). A journey stop respects each activity's "keep sending" choice;
 * the operator's cancellation does not. Messages already handed to a sender (at most about a
 * second of a paced flow) still go.
 */
export async function cancelWaiting(db: Kysely<Database>, target: CancelTarget): Promise<string[]> {
  const ids = await cancelWaitingMessages(db, {
    tenantId: target.tenantId,
    journeyId: target.journeyId,
    ...(target.activityId !== undefined ? { flowKey: flowKey(target.tenantId, target.journeyId, target.activityId) } : {}),
    onlyCancelOnStop: target.reason !== 'CANCELLED_BY_OPERATOR',
    reason: `cancelled: ${target.reason}`,
  });
  await recordInChunks(db, target.tenantId, ids.map((id) => cancelledReport(id, target.reason)));
  return ids;
}

export async function recordInChunks(db: Kysely<Database>, tenantId: string, reports: DeliveryReport[]): Promise<void> {
  for (let i = 0; i < reports.length; i += REPORT_CHUNK) await recordDeliveryReports(db, tenantId, reports.slice(i, i + REPORT_CHUNK));
}
