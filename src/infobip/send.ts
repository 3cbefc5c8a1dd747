import { request } from 'undici';
import type { InfobipAccount } from '../tenants/tenant.ts';
import { parseJson } from '../http/parse-json.ts';
import { retryAfterMs } from '../http/retry.ts';
import { type Violation, summariseApiError } from './api-error.ts';
import { outboundAgent } from '../security/outbound-url.ts';

/** Infobip's status object (infobip.md §4.2). */
export interface ProviderStatus {
  groupId: number;
  groupName: string;
  id: number;
  name: string;
  description?: string | undefined;
}

export type SendOutcome =
  /** The 200 answer, read by the channel (its shape differs between API generations). */
  | { kind: 'accepted'; body: unknown }
  /**
   * Worth trying again later: 429, 5xx, timeouts, connection failures. `outcomeUnknown`: the
   * request may have reached Infobip and been taken (timed out or dropped before an answer), so
   * its message logs are asked before sending again (dispatch/unknown-outcomes.ts).
   */
  | { kind: 'retry'; reason: string; retryAfterMs: number | undefined; outcomeUnknown: boolean }
  /** Infobip refused the request itself (4xx): sending it again cannot succeed. */
  | { kind: 'rejected'; httpStatus: number; description: string; violations: Violation[] };

/** One keep-alive agent for every Infobip account; undici pools per origin. */
const agent = outboundAgent({ connections: 16, pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000, connect: { timeout: 10_000 } });

export async function sendToInfobip(account: InfobipAccount, endpoint: string, body: unknown): Promise<SendOutcome> {
  let response;
  try {
    response = await request(new URL(endpoint, account.baseUrl), {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `App ${account.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    return { kind: 'retry', reason: `network: ${(error as Error).message}`, retryAfterMs: undefined, outcomeUnknown: !neverConnected(error) };
  }
  const text = await response.body.text().catch(() => '');
  const json = parseJson(text);
  const status = response.statusCode;
  if (status === 200 || status === 201) {
    return { kind: 'accepted', body: json };
  }
  if (status === 429 || status === 408 || status >= 500) {
    // An answer, even an error, is a known outcome: Infobip did not take the request.
    return { kind: 'retry', reason: `HTTP ${status} ${summariseApiError(json, status).description}`, retryAfterMs: retryAfterMs(response.headers['retry-after']), outcomeUnknown: false };
  }
  return { kind: 'rejected', httpStatus: status, ...summariseApiError(json, status) };
}

/** Errors raised before a connection existed: the request cannot have reached Infobip. */
const NOT_CONNECTED = new Set(['UND_ERR_CONNECT_TIMEOUT', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether a failed request never got a connection. Anything else (headers or body timeout, a
 * socket closed or reset mid-request) may have reached Infobip and been taken.
 */
export function neverConnected(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && NOT_CONNECTED.has(code);
}
