import type { Kysely } from 'kysely';
import type { Database, InfobipAccountsTable } from '../schema.ts';

/** Adds an Infobip account to a tenant; a new default account demotes the previous one. */
export async function insertInfobipAccount(db: Kysely<Database>, account: InfobipAccountsTable): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (account.is_default === 1) await trx.updateTable('infobip_accounts').set({ is_default: 0 }).where('tenant_id', '=', account.tenant_id).execute();
    await trx.insertInto('infobip_accounts').values(account).execute();
  });
}
