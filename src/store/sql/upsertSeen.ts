import type { Insertable, Kysely } from 'kysely';
import type { Database, ReportsTable } from '../schema.ts';

/**
 * Records when messages were seen. A message without a report yet gets a pending one carrying
 * seenAt (the delivery report may arrive later and keeps it); one already seen keeps its first
 * time. Answers the message ids whose report changed.
 */
export async function upsertSeen(db: Kysely<Database>, placeholders: Insertable<ReportsTable>[]): Promise<string[]> {
  if (placeholders.length === 0) return [];
  const changed = await db
    .insertInto('reports')
    .values(placeholders)
    .onConflict((oc) =>
      oc
        .column('message_id')
        .doUpdateSet((eb) => ({ seen_at: eb.ref('excluded.seen_at'), updated_at: eb.ref('excluded.updated_at') }))
        .where('reports.seen_at', 'is', null),
    )
    .returning('message_id')
    .execute();
  return changed.map((r) => r.message_id);
}
