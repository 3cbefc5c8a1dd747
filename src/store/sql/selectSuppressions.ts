import type { Kysely, Selectable } from 'kysely';
import type { Database, SuppressionsTable } from '../schema.ts';

/** One tenant's suppressions, or every tenant's (to fill the in-memory list). */
export function selectSuppressions(db: Kysely<Database>, tenantId?: string): Promise<Selectable<SuppressionsTable>[]> {
  return db
    .selectFrom('suppressions')
    .selectAll()
    .$if(tenantId !== undefined, (qb) => qb.where('tenant_id', '=', tenantId!))
    .orderBy('created_at')
    .execute();
}
