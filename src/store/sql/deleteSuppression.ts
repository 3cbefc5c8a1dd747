import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Removes a number from a tenant's suppression list; answers whether it was there. */
export async function deleteSuppression(db: Kysely<Database>, tenantId: string, destination: string): Promise<boolean> {
  const result = await db.deleteFrom('suppressions').where('tenant_id', '=', tenantId).where('destination', '=', destination).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
