import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { type CountryCode, isSupportedCountry } from 'libphonenumber-js';
import { reportDataExtensions } from '../reports/data-extensions.ts';
import { outboundUrlProblem } from '../security/outbound-url.ts';
import type { Database } from '../store/schema.ts';
import { insertTenant } from '../store/sql/insertTenant.ts';
import type { SecretBox } from './secret-box.ts';
import { hashWebhookToken } from './tenant-directory.ts';
import type { TenantSecrets, TenantSettings } from './tenant.ts';

const Url = Type.String({ minLength: 1, maxLength: 2000 });

/** The admin API's tenant-creation body (README "Admin API"). */
export const CreateTenantBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    mid: Type.String({ pattern: '^[0-9]{1,18}$', description: 'the business unit MID' }),
    jwtSigningSecret: Type.String({ minLength: 16, maxLength: 4096 }),
    sfmc: Type.Object(
      { clientId: Type.String({ minLength: 1, maxLength: 200 }), clientSecret: Type.String({ minLength: 1, maxLength: 500 }), authBaseUrl: Url },
      { additionalProperties: false },
    ),
    infobip: Type.Object({ baseUrl: Url, apiKey: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
    defaultCountry: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
    senders: Type.Optional(
      Type.Object(
        Object.fromEntries(['sms', 'viber', 'kakao', 'rcs', 'zalo', 'whatsapp'].map((kind) => [kind, Type.Optional(Type.String({ minLength: 1, maxLength: 100 }))])),
        { additionalProperties: false },
      ),
    ),
    dataExtensions: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 200 }))),
  },
  { additionalProperties: false },
);
export type CreateTenantBody = Static<typeof CreateTenantBody>;

export type CreateTenantResult = { ok: true; tenantId: string } | { ok: false; field: string; problem: string };

/**
 * Creates a tenant: one business unit with its package's JWT secret, its SFMC API integration
 * and a first (default) Infobip account. Secrets are sealed before they reach the database.
 */
export async function createTenant(db: Kysely<Database>, box: SecretBox, body: CreateTenantBody, allowPrivateUrls: boolean): Promise<CreateTenantResult> {
  for (const [field, url] of [['sfmc.authBaseUrl', body.sfmc.authBaseUrl], ['infobip.baseUrl', body.infobip.baseUrl]] as const) {
    const problem = outboundUrlProblem(url, allowPrivateUrls);
    if (problem) return { ok: false, field, problem };
  }
  if (body.defaultCountry && !isSupportedCountry(body.defaultCountry)) {
    return { ok: false, field: 'defaultCountry', problem: 'must be an ISO 3166-1 alpha-2 country code such as "DE"' };
  }
  const knownDataExtensions = new Set(reportDataExtensions.map((d) => d.id));
  const unknown = Object.keys(body.dataExtensions ?? {}).find((id) => !knownDataExtensions.has(id));
  if (unknown) return { ok: false, field: `dataExtensions.${unknown}`, problem: `is not a report data extension; use one of ${[...knownDataExtensions].join(', ')}` };

  const now = Date.now();
  const tenantId = randomUUID();
  const settings: TenantSettings = {
    sfmc: { clientId: body.sfmc.clientId, authBaseUrl: body.sfmc.authBaseUrl },
    defaultCountry: body.defaultCountry as CountryCode | undefined,
    dataExtensions: Object.fromEntries(reportDataExtensions.map((d) => [d.id, body.dataExtensions?.[d.id] ?? d.defaultKey])),
    senders: { ...body.senders },
  };
  const secrets: TenantSecrets = {
    jwtSigningSecret: body.jwtSigningSecret,
    sfmcClientSecret: body.sfmc.clientSecret,
    webhookToken: randomBytes(32).toString('base64url'),
  };
  await insertTenant(
    db,
    {
      id: tenantId,
      url_key: urlKeyFor(tenantId),
      name: body.name,
      mid: body.mid,
      settings: JSON.stringify(settings),
      sealed_secrets: box.seal(JSON.stringify(secrets)),
      webhook_token_hash: hashWebhookToken(secrets.webhookToken),
      previous_webhook_token_hash: null,
      created_at: now,
    },
    [{ id: randomUUID(), tenant_id: tenantId, name: 'default', base_url: body.infobip.baseUrl, sealed_api_key: box.seal(body.infobip.apiKey), is_default: 1, created_at: now }],
  );
  return { ok: true, tenantId };
}

/** A short, URL-safe key for the tenant's activity URLs; not a secret (the JWT authenticates). */
function urlKeyFor(tenantId: string): string {
  return createHash('sha256').update(tenantId).update(randomBytes(8)).digest('base64url').slice(0, 16);
}
