import { randomUUID } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { outboundUrlProblem } from '../security/outbound-url.ts';
import type { Database } from '../store/schema.ts';
import { insertInfobipAccount } from '../store/sql/insertInfobipAccount.ts';
import type { SecretBox } from './secret-box.ts';

/** The admin API's body for connecting another Infobip account to a tenant. */
export const AddInfobipAccountBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    baseUrl: Type.String({ minLength: 1, maxLength: 2000 }),
    apiKey: Type.String({ minLength: 1, maxLength: 500 }),
    isDefault: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AddInfobipAccountBody = Static<typeof AddInfobipAccountBody>;

/**
 * A tenant may send through several Infobip accounts (the guide's "Connect another account");
 * an activity picks one with its `accountId` inArgument, else the default one is used.
 */
export async function addInfobipAccount(
  db: Kysely<Database>,
  box: SecretBox,
  tenantId: string,
  body: AddInfobipAccountBody,
  allowPrivateUrls: boolean,
): Promise<{ ok: true; accountId: string } | { ok: false; field: string; problem: string }> {
  const problem = outboundUrlProblem(body.baseUrl, allowPrivateUrls);
  if (problem) return { ok: false, field: 'baseUrl', problem };
  const accountId = randomUUID();
  await insertInfobipAccount(db, {
    id: accountId,
    tenant_id: tenantId,
    name: body.name,
    base_url: body.baseUrl,
    sealed_api_key: box.seal(body.apiKey),
    is_default: body.isDefault ? 1 : 0,
    created_at: Date.now(),
  });
  return { ok: true, accountId };
}
