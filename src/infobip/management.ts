// Infobip account-management calls the Configuration app makes while a user waits: balance (the
// live check of a key), scope probes, numbers and their inbound-message configurations, and the
// application + subscriptions that point Infobip's reports at our webhooks. Paths and bodies are
// those of specs/infobip (account-management, numbers, resources, application-entity, subscriptions).
import { Agent, request } from 'undici';
import { parseJson } from '../http/parse-json.ts';

const agent = new Agent({ connections: 4, headersTimeout: 15_000, bodyTimeout: 15_000, connect: { timeout: 10_000 } });

export interface InfobipKey {
  baseUrl: string;
  apiKey: string;
}

export type InfobipAnswer = { ok: true; status: number; body: unknown } | { ok: false; status: number; message: string };

/** One call; a non-2xx answer carries Infobip's own words (ApiException text or ApiError description). */
export async function infobipCall(key: InfobipKey, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<InfobipAnswer> {
  let status: number;
  let text: string;
  try {
    const response = await request(new URL(path, key.baseUrl), {
      method,
      dispatcher: agent,
      headers: { authorization: `App ${key.apiKey}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    return { ok: false, status: 0, message: `cannot reach ${new URL(key.baseUrl).host}: ${(error as Error).message}` };
  }
  const parsed = parseJson(text);
  if (status >= 200 && status < 300) return { ok: true, status, body: parsed };
  const exception = (parsed as { requestError?: { serviceException?: { text?: string } } } | undefined)?.requestError?.serviceException?.text;
  const apiError = (parsed as { description?: string } | undefined)?.description;
  return { ok: false, status, message: exception ?? apiError ?? `HTTP ${status}` };
}

/**
 * The scopes the guide asks for, each with a read-only call that needs it (the operation's
 * `x-scopes` in the spec). `message:send` has no harmless probe: sending is the only call that needs it.
 */
export const SCOPE_PROBES: readonly { scope: string; path: string | undefined }[] = [
  { scope: 'message:send', path: undefined },
  { scope: 'account-management:manage', path: '/account/1/balance' },
  { scope: 'numbers:manage', path: '/numbers/1/numbers?limit=1' },
  { scope: 'subscriptions:manage', path: '/subscriptions/1/profiles' },
  { scope: 'application-entity:manage', path: '/provisioning/1/applications' },
  { scope: 'whatsapp:manage', path: '/whatsapp/1/templates' },
  { scope: 'omni-failover:manage', path: '/omni/1/scenarios' },
];

export type ScopeState = 'granted' | 'missing' | 'unknown';

/** 403 means the key lacks the scope; 2xx means it has it; anything else says nothing. */
export async function probeScopes(key: InfobipKey): Promise<Record<string, ScopeState>> {
  const states = await Promise.all(
    SCOPE_PROBES.map(async ({ scope, path }): Promise<[string, ScopeState]> => {
      if (!path) return [scope, 'unknown'];
      const answer = await infobipCall(key, 'GET', path);
      return [scope, answer.ok ? 'granted' : answer.status === 403 ? 'missing' : 'unknown'];
    }),
  );
  return Object.fromEntries(states);
}

/** The live check of a new account: the key and base URL work when the balance can be read. */
export async function verifyAccount(key: InfobipKey): Promise<{ ok: true } | { ok: false; field: 'apiKey' | 'baseUrl'; message: string }> {
  const answer = await infobipCall(key, 'GET', '/account/1/balance');
  if (answer.ok) return { ok: true };
  if (answer.status === 401) return { ok: false, field: 'apiKey', message: `Infobip does not accept this API key (${answer.message})` };
  // 403: the key works but may not read the balance; the scope report says so.
  if (answer.status === 403) return { ok: true };
  if (answer.status === 0 || answer.status === 404) return { ok: false, field: 'baseUrl', message: `This is not an Infobip API base URL (${answer.message})` };
  return { ok: false, field: 'baseUrl', message: `Infobip answered ${answer.message}` };
}

export interface OwnedNumber {
  numberKey: string;
  number: string;
  country?: string;
  shared?: boolean;
  editPermissions?: { canEditConfiguration?: boolean };
}

export interface InboundConfiguration {
  configurationKey: string;
  channel: string;
  keyword?: string;
  forwarding?: { type?: string; url?: string };
}
