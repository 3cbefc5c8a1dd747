// The Configuration app's session lives in the page, not in a cookie: SFMC shows the app in an
// iframe, where third-party cookies cannot be relied on (sfmc.md §2.1). A session is a token the
// page keeps in sessionStorage and sends as `Authorization: Bearer`; it is sealed with the master
// key (AES-256-GCM, so it cannot be read or forged), short-lived, and bound to one tenant.
import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../../tenants/secret-box.ts';

export const SESSION_TTL_MS = 30 * 60_000;
/** An OAuth `state` outlives the login page a user may take a while on, no more. */
const STATE_TTL_MS = 10 * 60_000;

export interface Session {
  tenantId: string;
  /** Who signed in: the API integration's client id, or the SFMC user of a Web App sign-in. */
  user: string;
  expiresAt: number;
}

interface Sealed {
  kind: 'session' | 'oauth-state';
  tenantId: string;
  user: string;
  expiresAt: number;
  nonce: string;
}

function seal(box: SecretBox, kind: Sealed['kind'], tenantId: string, user: string, ttlMs: number): string {
  const payload: Sealed = { kind, tenantId, user, expiresAt: Date.now() + ttlMs, nonce: randomBytes(8).toString('base64url') };
  return box.seal(JSON.stringify(payload));
}

function open(box: SecretBox, kind: Sealed['kind'], token: string, tenantId: string): Sealed | undefined {
  let payload: Sealed;
  try {
    payload = JSON.parse(box.open(token)) as Sealed;
  } catch {
    return undefined;
  }
  if (payload.kind !== kind || payload.tenantId !== tenantId || !(payload.expiresAt > Date.now())) return undefined;
  return payload;
}

export function issueSession(box: SecretBox, tenantId: string, user: string): { token: string; expiresAt: number } {
  const token = seal(box, 'session', tenantId, user, SESSION_TTL_MS);
  return { token, expiresAt: Date.now() + SESSION_TTL_MS };
}

/** The session a bearer token carries, if it is one of ours, unexpired and for this tenant. */
export function readSession(box: SecretBox, authorization: string | undefined, tenantId: string): Session | undefined {
  const token = /^Bearer\s+(\S+)$/.exec(authorization ?? '')?.[1];
  const payload = token ? open(box, 'session', token, tenantId) : undefined;
  return payload ? { tenantId: payload.tenantId, user: payload.user, expiresAt: payload.expiresAt } : undefined;
}

/** OAuth `state`: proves the callback answers an authorize request we started for this tenant. */
export function issueOAuthState(box: SecretBox, tenantId: string): string {
  return seal(box, 'oauth-state', tenantId, '', STATE_TTL_MS);
}

export function checkOAuthState(box: SecretBox, state: string, tenantId: string): boolean {
  return open(box, 'oauth-state', state, tenantId) !== undefined;
}
