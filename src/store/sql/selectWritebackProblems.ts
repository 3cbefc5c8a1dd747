import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface WritebackProblem {
  reportType: string;
  state: string;
  lastError: string;
  entries: number;
}

/**
 * What keeps a tenant's reports from their data extensions: failed entries, and pending ones that
 * already failed at least once, grouped by report type and reason.
 */
export async function selectWritebackProblems(db: Kysely<Database>, tenantId: string): Promise<WritebackProblem[]> {
  const rows = await db
    .selectFrom('writeback_queue')
    .select((eb) => ['report_type', 'state', 'last_error', eb.fn.countAll<number | string>().as('entries')])
    .where('tenant_id', '=', tenantId)
    .where('last_error', 'is not', null)
    .where('state', 'in', ['pending', 'failed', 'writing'])
    .groupBy(['report_type', 'state', 'last_error'])
    .orderBy('report_type')
    .limit(50)
    .execute();
  return rows.map((r) => ({ reportType: r.report_type, state: r.state, lastError: r.last_error ?? '', entries: Number(r.entries) }));
}
