import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Journey Builder signs execute (and, when it honours useJwt there, lifecycle) bodies as a
 * compact HS256 JWS with the installed package's JWT signing secret.
 *
 * Verified with node:crypto rather than jose: execute runs once per contact and this is its
 * largest cost. jose checks HS256 through WebCrypto (asynchronous, threadpool) at 25–40 µs a token,
 * an HMAC here costs about 4 µs (research/perf-anchors.md). The rules are jose's for HS256: the
 * header must say exactly `alg: HS256` (so `none` and algorithm confusion fail) and carry no
 * `crit`; the signature is compared in constant time and must be canonical base64url; the payload
 * must be a JSON object; `exp`, when present, must be in the future and `nbf` not in the future,
 * both within CLOCK_SKEW_SECONDS; `iat`, when present, must be a number. Key-selecting headers
 * (`kid`, `jwk`, `jku`, `x5u`) are ignored: the key is always the tenant's secret, chosen by the URL.
 */
/**
 * SFMC's clock and ours are each NTP-synced, not identical: a token minted a second before its
 * `nbf`, or arriving as its `exp` passes, is not an attack. jose's `clockTolerance` idea, a minute.
 */
export const CLOCK_SKEW_SECONDS = 60;

export function verifyJourneyJwt(token: string, secret: Buffer, nowSeconds = Date.now() / 1000): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  if (!isAcceptedHeader(header)) return undefined;
  // Compared as text: the one canonical base64url spelling of the HMAC is the only one accepted.
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  const given = Buffer.from(signature);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return undefined;
  const claims = decodeJson(payload);
  if (!claims) return undefined;
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp <= nowSeconds - CLOCK_SKEW_SECONDS)) return undefined;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS)) return undefined;
  if (claims.iat !== undefined && typeof claims.iat !== 'number') return undefined;
  return claims;
}

/**
 * Journey Builder sends the same header segment with every token, so its verdict is kept: decoding
 * it again per execute was a tenth of the check's cost. Bounded, because headers come from callers.
 */
const headerVerdicts = new Map<string, boolean>();
const MAX_HEADER_VERDICTS = 64;

function isAcceptedHeader(segment: string): boolean {
  let accepted = headerVerdicts.get(segment);
  if (accepted === undefined) {
    const decoded = decodeJson(segment);
    accepted = decoded !== undefined && decoded.alg === 'HS256' && !('crit' in decoded);
    if (headerVerdicts.size >= MAX_HEADER_VERDICTS) headerVerdicts.clear();
    headerVerdicts.set(segment, accepted);
  }
  return accepted;
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies with the tenant's signing secret, or, during a rotation's grace period, the secret it
 * replaced: SFMC and mc-relay cannot switch at the same instant (SECURITY.md).
 */
export function verifyTenantJwt(token: string, tenant: { jwtKey: Buffer; previousJwtKey?: { key: Buffer; until: number } }): Record<string, unknown> | undefined {
  const claims = verifyJourneyJwt(token, tenant.jwtKey);
  if (claims || !tenant.previousJwtKey || tenant.previousJwtKey.until <= Date.now()) return claims;
  return verifyJourneyJwt(token, tenant.previousJwtKey.key);
}
