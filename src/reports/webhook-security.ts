import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';

/** Infobip's `HmacAlgorithm` (subscriptions spec) and the node:crypto digest each one is. */
export const HMAC_ALGORITHMS = {
  HMAC_MD5: 'md5',
  HMAC_SHA_1: 'sha1',
  HMAC_SHA_224: 'sha224',
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
} as const;
export type HmacAlgorithm = keyof typeof HMAC_ALGORITHMS;

/**
 * The security a tenant gave its Infobip subscription's notification profile (`security.type`
 * BASIC or HMAC with their `credentials`, as the subscriptions spec names them). OAUTH and CUSTOM
 * make Infobip fetch or compute credentials we cannot check here, so they are not offered.
 */
export const WebhookSecurity = Type.Union([
  Type.Object(
    { type: Type.Literal('BASIC'), username: Type.String({ minLength: 1, maxLength: 255 }), password: Type.String({ minLength: 1, maxLength: 255 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('HMAC'),
      algorithm: Type.Union(Object.keys(HMAC_ALGORITHMS).map((a) => Type.Literal(a as HmacAlgorithm))),
      secretKey: Type.String({ minLength: 1, maxLength: 255 }),
    },
    { additionalProperties: false },
  ),
]);
export type WebhookSecurity = Static<typeof WebhookSecurity>;

/**
 * The header an HMAC-secured notification carries its signature in. The subscriptions spec names
 * the algorithm and the key but not the header nor the encoding; we read the hex (or base64)
 * HMAC of the raw body in `X-Infobip-Signature`, optionally prefixed `<algorithm>=`, as
 * Infobip's notification service is reported to send it (README "Webhook security").
 */
export const SIGNATURE_HEADER = 'x-infobip-signature';

function basicAuthorization(security: Extract<WebhookSecurity, { type: 'BASIC' }>): string {
  return `Basic ${Buffer.from(`${security.username}:${security.password}`).toString('base64')}`;
}

/**
 * True when a webhook request carries what the tenant's subscription security requires: the
 * Basic credentials, or a valid signature of the raw body. Without configured security the URL
 * token alone authenticates (per-message webhook URLs carry no signature, infobip.md §5.8).
 */
export function webhookRequestAllowed(security: WebhookSecurity | undefined, headers: Record<string, string | string[] | undefined>, rawBody: Buffer): boolean {
  if (!security) return true;
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (security.type === 'BASIC') return sameSecret(header('authorization') ?? '', basicAuthorization(security));
  const given = (header(SIGNATURE_HEADER) ?? '').trim().replace(/^[a-z0-9_-]+=/i, '');
  const expected = createHmac(HMAC_ALGORITHMS[security.algorithm], security.secretKey).update(rawBody).digest();
  return sameSecret(given.toLowerCase(), expected.toString('hex')) || sameSecret(given, expected.toString('base64'));
}

/** Compares digests, so the time taken says nothing about how much of a guess was right. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return given.length > 0 && timingSafeEqual(digest(given), digest(expected));
}
