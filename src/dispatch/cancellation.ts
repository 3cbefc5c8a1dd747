import type { Kysely } from 'kysely';
import { type CancelReason, cancelledReport } from '../reports/connector-reports.ts';
import type { DeliveryReport } from '../reports/report.ts';
import { recordDeliveryReports } from '../reports/record-reports.ts';
import type { Database } from '../store/schema.ts';
import { cancelWaitingMessages } from '../store/sql/cancelWaitingMessages.ts';
import { promoteIntake } from '../store/sql/promoteIntake.ts';
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
export function cancelWaiting(db: Kysely<Database>, target: CancelTarget): Promise<string[]> {
  return endWithReports(db, async (trx) => {
    // Messages accepted but not yet in the queue are waiting too, those another instance is
    // moving at this moment included.
    await promoteIntake(trx, 'wait');
    const ids = await cancelWaitingMessages(trx, {
      tenantId: target.tenantId,
      journeyId: target.journeyId,
      ...(target.activityId !== undefined ? { flowKey: flowKey(target.tenantId, target.journeyId, target.activityId) } : {}),
      onlyCancelOnStop: target.reason !== 'CANCELLED_BY_OPERATOR',
      reason: `cancelled: ${target.reason}`,
    });
    return { ended: ids, reports: [[target.tenantId, ids.map((id) => cancelledReport(id, target.reason))]] };
  });
}

/**
 * Ends messages and records their reports in one transaction: a crash between the two would
 * leave messages no longer waiting, so never ended again, and never reported.
 */
export function endWithReports<T>(
  db: Kysely<Database>,
  end: (trx: Kysely<Database>) => Promise<{ ended: T; reports: [tenantId: string, reports: DeliveryReport[]][] }>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const { ended, reports } = await end(trx);
    for (const [tenantId, ofTenant] of reports) {
      for (let i = 0; i < ofTenant.length; i += REPORT_CHUNK) await recordDeliveryReports(trx, tenantId, ofTenant.slice(i, i + REPORT_CHUNK));
    }
    return ended;
  });
}
