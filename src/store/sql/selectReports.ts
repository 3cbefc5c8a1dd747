import type { Kysely, Selectable } from 'kysely';
import type { Database, ReportsTable } from '../schema.ts';

export async function selectReports(db: Kysely<Database>, tenantId: string, messageIds: string[]): Promise<Selectable<ReportsTable>[]> {
  if (messageIds.length === 0) return [];
  return db.selectFrom('reports').selectAll().where('tenant_id', '=', tenantId).where('message_id', 'in', messageIds).execute();
}
