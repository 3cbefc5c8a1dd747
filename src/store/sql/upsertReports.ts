import type { Insertable, Kysely } from 'kysely';
import { runPerRow, writesRowByRow } from '../per-row.ts';
import type { Database, ReportsTable } from '../schema.ts';

/**
 * Stores reports so that statuses only move forward: an existing report is replaced only by one
 * of higher rank. Answers the message ids whose stored report changed. The caller passes at most
 * one report per message (PostgreSQL refuses to update a row twice in one statement).
 */
export async function upsertReports(db: Kysely<Database>, reports: Insertable<ReportsTable>[]): Promise<string[]> {
  if (reports.length === 0) return [];
  const changed = writesRowByRow(db) ? await runPerRow(db, reports, upsert) : await upsert(db, reports).execute();
  return changed.map((r) => r.message_id);
}

function upsert(db: Kysely<Database>, reports: Insertable<ReportsTable> | Insertable<ReportsTable>[]) {
  return db
    .insertInto('reports')
    .values(reports)
    .onConflict((oc) =>
      oc
        .column('message_id')
        .doUpdateSet((eb) => ({
          rank: eb.ref('excluded.rank'),
          sender: eb.fn.coalesce(eb.ref('excluded.sender'), eb.ref('reports.sender')),
          status_group_id: eb.ref('excluded.status_group_id'),
          status_group_name: eb.ref('excluded.status_group_name'),
          status_id: eb.ref('excluded.status_id'),
          status_name: eb.ref('excluded.status_name'),
          status_description: eb.ref('excluded.status_description'),
          error_group_id: eb.ref('excluded.error_group_id'),
          error_group_name: eb.ref('excluded.error_group_name'),
          error_id: eb.ref('excluded.error_id'),
          error_name: eb.ref('excluded.error_name'),
          error_description: eb.ref('excluded.error_description'),
          error_permanent: eb.ref('excluded.error_permanent'),
          price_per_message: eb.fn.coalesce(eb.ref('excluded.price_per_message'), eb.ref('reports.price_per_message')),
          price_currency: eb.fn.coalesce(eb.ref('excluded.price_currency'), eb.ref('reports.price_currency')),
          message_count: eb.fn.coalesce(eb.ref('excluded.message_count'), eb.ref('reports.message_count')),
          mcc_mnc: eb.fn.coalesce(eb.ref('excluded.mcc_mnc'), eb.ref('reports.mcc_mnc')),
          callback_data: eb.fn.coalesce(eb.ref('excluded.callback_data'), eb.ref('reports.callback_data')),
          sent_at: eb.fn.coalesce(eb.ref('excluded.sent_at'), eb.ref('reports.sent_at')),
          done_at: eb.fn.coalesce(eb.ref('excluded.done_at'), eb.ref('reports.done_at')),
          seen_at: eb.fn.coalesce(eb.ref('excluded.seen_at'), eb.ref('reports.seen_at')),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .whereRef('reports.rank', '<', 'excluded.rank'),
    )
    .returning('message_id');
}
