import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Replaces an account's sealed API key; answers false when the tenant has no such account. */
export async function updateInfobipApiKey(db: Kysely<Database>, tenantId: string, accountId: string, sealedApiKey: string): Promise<boolean> {
  const result = await db
    .updateTable('infobip_accounts')
    .set({ sealed_api_key: sealedApiKey })
    .where('id', '=', accountId)
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
