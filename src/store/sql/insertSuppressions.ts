import type { Insertable, Kysely } from 'kysely';
import type { Database, SuppressionsTable } from '../schema.ts';

/** Adds numbers to tenants' suppression lists; a number already there keeps its first reason. */
export async function insertSuppressions(db: Kysely<Database>, rows: Insertable<SuppressionsTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('suppressions').values(rows).onConflict((oc) => oc.columns(['tenant_id', 'destination']).doNothing()).execute();
}
