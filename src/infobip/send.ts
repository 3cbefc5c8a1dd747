import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Agent, request } from 'undici';
import type { InfobipAccount } from '../tenants/tenant.ts';
import { parseJson } from '../http/parse-json.ts';
import { retryAfterMs } from '../http/retry.ts';
import { type Violation, summariseApiError } from './api-error.ts';

const MessageStatus = Type.Object({
  groupId: Type.Number(),
  groupName: Type.String(),
  id: Type.Number(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
});
export type ProviderStatus = Static<typeof MessageStatus>;

/** The answer of the envelope APIs (`/sms/3`, `/mms/2`, `/viber/2`, …): one entry per destination. */
const SendResponse = Type.Object({
  bulkId: Type.Optional(Type.String()),
  messages: Type.Array(Type.Object({ messageId: Type.String(), status: MessageStatus, destination: Type.Optional(Type.String()) })),
});
const checkSendResponse = TypeCompiler.Compile(SendResponse);

export type SendOutcome =
  | { kind: 'accepted'; statuses: Map<string, ProviderStatus> }
  /** Worth trying again later: 429, 5xx, timeouts, connection failures. */
  | { kind: 'retry'; reason: string; retryAfterMs: number | undefined }
  /** Infobip refused the request itself (4xx): sending it again cannot succeed. */
  | { kind: 'rejected'; httpStatus: number; description: string; violations: Violation[] };

/** One keep-alive agent for every Infobip account; undici pools per origin. */
const agent = new Agent({ connections: 16, pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000, connect: { timeout: 10_000 } });

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
    return { kind: 'retry', reason: `network: ${(error as Error).message}`, retryAfterMs: undefined };
  }
  const text = await response.body.text().catch(() => '');
  const json = parseJson(text);
  const status = response.statusCode;
  if (status === 200 || status === 201) {
    if (!checkSendResponse.Check(json)) return { kind: 'retry', reason: 'Infobip answered 200 with an unexpected body', retryAfterMs: undefined };
    return { kind: 'accepted', statuses: new Map(json.messages.map((m) => [m.messageId, m.status])) };
  }
  if (status === 429 || status === 408 || status >= 500) {
    return { kind: 'retry', reason: `HTTP ${status} ${summariseApiError(json, status).description}`, retryAfterMs: retryAfterMs(response.headers['retry-after']) };
  }
  return { kind: 'rejected', httpStatus: status, ...summariseApiError(json, status) };
}
