import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export async function listTenants(db: Kysely<Database>): Promise<{ id: string }[]> {
  return db.selectFrom('tenants').select('id').orderBy('created_at').execute();
}
