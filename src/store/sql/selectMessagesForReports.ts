import type { Kysely } from 'kysely';
import type { ReportedMessage } from '../../reports/report.ts';
import type { Database } from '../schema.ts';

/** The tenant's messages among `ids`; ids of other tenants or unknown ones are absent. */
export async function selectMessagesForReports(db: Kysely<Database>, tenantId: string, ids: string[]): Promise<Map<string, ReportedMessage>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'tenant_id', 'channel', 'destination', 'callback_data', 'predicted_count'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, tenantId: r.tenant_id, channel: r.channel, destination: r.destination, callbackData: r.callback_data, predictedCount: r.predicted_count }]));
}
