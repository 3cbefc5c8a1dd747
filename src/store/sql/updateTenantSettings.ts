import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Replaces a tenant's settings (JSON) and sealed secrets. */
export async function updateTenantSettings(db: Kysely<Database>, tenantId: string, settings: string, sealedSecrets: string): Promise<void> {
  await db.updateTable('tenants').set({ settings, sealed_secrets: sealedSecrets }).where('id', '=', tenantId).execute();
}
