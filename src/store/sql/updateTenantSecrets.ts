import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Stores a tenant's re-sealed secrets and the webhook token hashes that go with them. */
export async function updateTenantSecrets(
  db: Kysely<Database>,
  id: string,
  change: { sealed_secrets: string; webhook_token_hash: string; previous_webhook_token_hash: string | null },
): Promise<void> {
  await db.updateTable('tenants').set(change).where('id', '=', id).execute();
}
