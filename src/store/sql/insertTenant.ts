import type { Kysely } from 'kysely';
import type { Database, InfobipAccountsTable, TenantsTable } from '../schema.ts';

/** Creates a tenant and its Infobip accounts in one transaction. */
export async function insertTenant(db: Kysely<Database>, tenant: TenantsTable, accounts: InfobipAccountsTable[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('tenants').values(tenant).execute();
    if (accounts.length > 0) await trx.insertInto('infobip_accounts').values(accounts).execute();
  });
}
