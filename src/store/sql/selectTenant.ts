import type { Kysely, Selectable } from 'kysely';
import type { Database, InfobipAccountsTable, TenantsTable } from '../schema.ts';

export interface TenantRows {
  tenant: Selectable<TenantsTable>;
  accounts: Selectable<InfobipAccountsTable>[];
}

/** Loads one tenant with its accounts, found by id, URL key or webhook token hash (current or previous). */
export async function selectTenant(
  db: Kysely<Database>,
  by: { id: string } | { urlKey: string } | { webhookTokenHash: string },
): Promise<TenantRows | undefined> {
  let query = db.selectFrom('tenants').selectAll();
  if ('id' in by) query = query.where('id', '=', by.id);
  else if ('urlKey' in by) query = query.where('url_key', '=', by.urlKey);
  else query = query.where((w) => w.or([w('webhook_token_hash', '=', by.webhookTokenHash), w('previous_webhook_token_hash', '=', by.webhookTokenHash)]));
  const tenant = await query.executeTakeFirst();
  if (!tenant) return undefined;
  const accounts = await db.selectFrom('infobip_accounts').selectAll().where('tenant_id', '=', tenant.id).orderBy('created_at').execute();
  return { tenant, accounts };
}
