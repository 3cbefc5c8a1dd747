import { createHmac } from 'node:crypto';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS built by hand, so tests can produce what a well-behaved library refuses to:
 * `alg: none`, a header that lies about its algorithm, a token without `exp`. The signature is an
 * HMAC of `header.payload` with `secret` and `hash` (none when `secret` is undefined).
 */
export function handBuiltJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string | undefined,
  hash: 'sha256' | 'sha384' | 'sha512' = 'sha256',
): string {
  const signingInput = `${part(header)}.${part(payload)}`;
  const signature = secret === undefined ? '' : createHmac(hash, secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** What Journey Builder sends: HS256 with the package secret, `exp` an hour ahead unless given. */
export function hs256(payload: Record<string, unknown>, secret: string, claims: { exp?: number | null } = {}): string {
  const exp = claims.exp === undefined ? Math.floor(Date.now() / 1000) + 3600 : claims.exp;
  return handBuiltJwt({ alg: 'HS256', typ: 'JWT' }, exp === null ? payload : { ...payload, exp }, secret);
}
