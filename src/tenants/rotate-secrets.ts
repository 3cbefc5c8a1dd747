import { randomBytes } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { updateTenantSecrets } from '../store/sql/updateTenantSecrets.ts';
import type { SecretBox } from './secret-box.ts';
import { hashWebhookToken } from './tenant-directory.ts';
import type { Tenant, TenantSecrets } from './tenant.ts';

/** The admin API's body for `POST /admin/tenants/{id}/secrets/rotate` (SECURITY.md). */
export const RotateSecretsBody = Type.Object(
  {
    jwtSigningSecret: Type.Optional(Type.String({ minLength: 16, maxLength: 4096, description: "the package's new JWT signing secret" })),
    sfmcClientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    webhookToken: Type.Optional(Type.Literal(true, { description: 'issue a new webhook token (new webhook URLs)' })),
    graceHours: Type.Optional(Type.Number({ minimum: 0, maximum: 168, description: 'how long the replaced JWT secret and webhook token stay valid (default 72)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type RotateSecretsBody = Static<typeof RotateSecretsBody>;

/**
 * Infobip posts reports to the URL each message carried, for as long as it retries (a validity
 * period of 48 h, then retries): a replaced webhook token must keep working that long. A replaced
 * JWT secret covers the minutes between SFMC and mc-relay switching; the same window is used.
 */
const DEFAULT_GRACE_HOURS = 72;

/**
 * Replaces some of a tenant's secrets. The JWT signing secret and the webhook token it replaces
 * stay valid for the grace period; the SFMC client secret is replaced outright (SFMC itself keeps
 * the old one valid until it is deleted there).
 */
export async function rotateSecrets(db: Kysely<Database>, box: SecretBox, tenant: Tenant, body: RotateSecretsBody): Promise<void> {
  const until = Date.now() + (body.graceHours ?? DEFAULT_GRACE_HOURS) * 3600_000;
  const current = tenant.secrets;
  const previous: NonNullable<TenantSecrets['previous']> = { until };
  if (body.jwtSigningSecret && body.jwtSigningSecret !== current.jwtSigningSecret) previous.jwtSigningSecret = current.jwtSigningSecret;
  if (body.webhookToken) previous.webhookToken = current.webhookToken;
  const next: TenantSecrets = {
    ...current,
    ...(body.jwtSigningSecret ? { jwtSigningSecret: body.jwtSigningSecret } : {}),
    ...(body.sfmcClientSecret ? { sfmcClientSecret: body.sfmcClientSecret } : {}),
    ...(body.webhookToken ? { webhookToken: randomBytes(32).toString('base64url') } : {}),
  };
  const rotated = previous.jwtSigningSecret !== undefined || previous.webhookToken !== undefined;
  // A rotation that replaces neither keeps the grace period of the one before.
  if (rotated) next.previous = previous;
  await updateTenantSecrets(db, tenant.id, {
    sealed_secrets: box.seal(JSON.stringify(next)),
    webhook_token_hash: hashWebhookToken(next.webhookToken),
    previous_webhook_token_hash: next.previous?.webhookToken ? hashWebhookToken(next.previous.webhookToken) : null,
  });
}
