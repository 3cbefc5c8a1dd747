import type { Kysely, Selectable } from 'kysely';
import type { Database, UrlClicksTable } from '../schema.ts';

/** The first click of each of the tenant's messages among `messageIds` that has one. */
export async function selectFirstClicks(db: Kysely<Database>, tenantId: string, messageIds: string[]): Promise<Map<string, Selectable<UrlClicksTable>>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('url_clicks')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('message_id', 'in', messageIds)
    .orderBy('clicked_at')
    .orderBy('url')
    .execute();
  const first = new Map<string, Selectable<UrlClicksTable>>();
  for (const row of rows) if (!first.has(row.message_id)) first.set(row.message_id, row);
  return first;
}
