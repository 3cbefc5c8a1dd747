import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { runPerRow, writesRowByRow } from '../per-row.ts';
import type { Database, WritebackQueueTable } from '../schema.ts';

/** Queues stored reports for writing back to the tenant's data extension of their report type. */
export async function insertWriteback(
  db: Kysely<Database>,
  entries: { tenantId: string; reportType: string; messageId: string }[],
  now: number,
): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    id: randomUUID(),
    tenant_id: e.tenantId,
    report_type: e.reportType,
    message_id: e.messageId,
    state: 'pending' as const,
    attempts: 0,
    next_attempt_at: now,
    lease_until: null,
    request_id: null,
    solo: 0,
    last_error: null,
    created_at: now,
  }));
  if (writesRowByRow(db)) await runPerRow(db, rows, insert);
  else await insert(db, rows).execute();
}

function insert(db: Kysely<Database>, rows: Insertable<WritebackQueueTable> | Insertable<WritebackQueueTable>[]) {
  return db.insertInto('writeback_queue').values(rows);
}
