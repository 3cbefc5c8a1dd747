import type { Insertable, Kysely } from 'kysely';
import { channel } from '../channels/registry.ts';
import type { Database, ReportsTable } from '../store/schema.ts';
import { insertWriteback } from '../store/sql/insertWriteback.ts';
import { selectMessagesForReports } from '../store/sql/selectMessagesForReports.ts';
import { upsertReports } from '../store/sql/upsertReports.ts';
import { upsertSeen } from '../store/sql/upsertSeen.ts';
import type { SeenReport } from './report-webhook.ts';
import { type DeliveryReport, type ReportedMessage, reportRow } from './report.ts';

export interface RecordOutcome {
  /** Reports whose message is not this tenant's (or not known at all). */
  unknownMessageIds: string[];
  /** Messages whose stored report changed (and were queued for write-back). */
  changed: number;
}

/**
 * Stores delivery reports of one tenant in one transaction: the report store keeps the most
 * advanced status per message, and every change is queued for write-back to SFMC. Duplicates
 * and reports older than what is stored change nothing.
 */
export function recordDeliveryReports(db: Kysely<Database>, tenantId: string, reports: DeliveryReport[], now = Date.now()): Promise<RecordOutcome> {
  return record(db, tenantId, reports, now, upsertReports, (message, report, held) => {
    const row = reportRow(message, report, now);
    return !held || held.rank < row.rank ? row : undefined;
  });
}

/**
 * Stores seen reports of one tenant: the first seenAt per message is kept, and a seen report that
 * arrives before the delivery report is kept too (as a pending report carrying seenAt).
 */
export function recordSeenReports(db: Kysely<Database>, tenantId: string, reports: SeenReport[], now = Date.now()): Promise<RecordOutcome> {
  return record(db, tenantId, reports, now, upsertSeen, (message, report, held) =>
    held && held.seen_at! <= report.seenAt ? undefined : { ...reportRow(message, { messageId: message.id, status: SEEN_BEFORE_DELIVERY }, now), seen_at: report.seenAt },
  );
}

/**
 * The transaction both kinds share: find the tenant's messages, keep one row per message (`choose`
 * answers a row when it beats the one held), store them, and queue what changed for write-back.
 */
async function record<R extends { messageId: string }>(
  db: Kysely<Database>,
  tenantId: string,
  reports: R[],
  now: number,
  upsert: (db: Kysely<Database>, rows: Insertable<ReportsTable>[]) => Promise<string[]>,
  choose: (message: ReportedMessage, report: R, held: Insertable<ReportsTable> | undefined) => Insertable<ReportsTable> | undefined,
): Promise<RecordOutcome> {
  // Inside a caller's transaction (a message ended and its report, cancellation.ts) it joins it.
  const inTransaction = (run: (trx: Kysely<Database>) => Promise<RecordOutcome>) => (db.isTransaction ? run(db) : db.transaction().execute(run));
  return inTransaction(async (trx) => {
    const messages = await selectMessagesForReports(trx, tenantId, [...new Set(reports.map((r) => r.messageId))]);
    const rows = new Map<string, Insertable<ReportsTable>>();
    const unknownMessageIds: string[] = [];
    for (const report of reports) {
      const message = messages.get(report.messageId);
      if (!message) {
        unknownMessageIds.push(report.messageId);
        continue;
      }
      const row = choose(message, report, rows.get(message.id));
      if (row) rows.set(message.id, row);
    }
    const changed = await upsert(trx, [...rows.values()]);
    await queueWriteback(trx, tenantId, changed, messages, now);
    return { unknownMessageIds, changed: changed.length };
  });
}

/** The status a seen report stands on while its delivery report has not arrived. */
const SEEN_BEFORE_DELIVERY = { groupId: 1, groupName: 'PENDING', id: 7, name: 'PENDING_ENROUTE', description: 'Seen by the recipient; delivery report not received yet' };

function queueWriteback(db: Kysely<Database>, tenantId: string, changed: string[], messages: Map<string, ReportedMessage>, now: number): Promise<void> {
  return insertWriteback(
    db,
    changed.map((id) => ({ tenantId, reportType: channel(messages.get(id)!.channel).deliveryReportType, messageId: id })),
    now,
  );
}
