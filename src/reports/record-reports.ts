import type { Insertable, Kysely } from 'kysely';
import { channel } from '../channels/registry.ts';
import type { Database, ReportsTable } from '../store/schema.ts';
import { insertWriteback } from '../store/sql/insertWriteback.ts';
import { selectMessagesForReports } from '../store/sql/selectMessagesForReports.ts';
import { upsertReports } from '../store/sql/upsertReports.ts';
import { type DeliveryReport, reportRow } from './report.ts';

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
export async function recordDeliveryReports(db: Kysely<Database>, tenantId: string, reports: DeliveryReport[], now = Date.now()): Promise<RecordOutcome> {
  return db.transaction().execute(async (trx) => {
    const messages = await selectMessagesForReports(trx, tenantId, [...new Set(reports.map((r) => r.messageId))]);
    const best = new Map<string, Insertable<ReportsTable>>();
    const unknownMessageIds: string[] = [];
    for (const report of reports) {
      const message = messages.get(report.messageId);
      if (!message) {
        unknownMessageIds.push(report.messageId);
        continue;
      }
      const row = reportRow(message, report, now);
      const held = best.get(message.id);
      if (!held || held.rank < row.rank) best.set(message.id, row);
    }
    const changed = await upsertReports(trx, [...best.values()]);
    await insertWriteback(
      trx,
      changed.map((id) => {
        const message = messages.get(id)!;
        return { tenantId, reportType: channel(message.channel).deliveryReportType, messageId: id };
      }),
      now,
    );
    return { unknownMessageIds, changed: changed.length };
  });
}
