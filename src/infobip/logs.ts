import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Agent, request } from 'undici';
import type { InfobipAccount } from '../tenants/tenant.ts';
import { parseJson } from '../http/parse-json.ts';
import { retryAfterMs } from '../http/retry.ts';
import { summariseApiError } from './api-error.ts';
import type { ProviderStatus } from './send.ts';

/** The logs endpoints' `messageId` parameter: "Maximum length 2048 characters" (comma-separated ids). */
const MESSAGE_ID_PARAMETER_MAX = 2048;
/** The logs endpoints' `limit` maximum: a request asks for at most this many ids, so one page answers them all. */
const LOGS_LIMIT_MAX = 1000;

/** What we read of one log entry; the channels' log shapes share these fields. */
const LogEntry = Type.Object({
  messageId: Type.String(),
  status: Type.Object({
    groupId: Type.Number(),
    groupName: Type.String(),
    id: Type.Number(),
    name: Type.String(),
    description: Type.Optional(Type.String()),
  }),
});
const LogsResponse = Type.Object({ results: Type.Array(LogEntry) });
const checkLogsResponse = TypeCompiler.Compile(LogsResponse);

export type LogsLookup =
  /** Infobip's status of each id it has a log of; ids absent from the map were never received. */
  | { kind: 'answered'; found: Map<string, ProviderStatus> }
  /** Worth asking again later: 429, 5xx, timeouts, connection failures, an unreadable 200. */
  | { kind: 'retry'; reason: string; retryAfterMs: number | undefined }
  /** Infobip refused the question itself (4xx, e.g. a key without the logs scope): asking again cannot help. */
  | { kind: 'refused'; reason: string };

/** Lookups are small and must not hold a sending slot long: shorter timeouts than sending. */
const agent = new Agent({ connections: 4, headersTimeout: 10_000, bodyTimeout: 10_000, connect: { timeout: 5_000 } });

/**
 * Asks a channel's message-logs endpoint (e.g. `GET /sms/3/logs?messageId=a,b,c`) which of `ids`
 * Infobip already has, in as few requests as the `messageId` and `limit` limits allow. One failed
 * request fails the whole lookup: its answer is all or nothing.
 */
export async function findInLogs(account: InfobipAccount, logsPath: string, ids: string[]): Promise<LogsLookup> {
  const found = new Map<string, ProviderStatus>();
  for (const batch of batchIds(ids)) {
    const url = new URL(logsPath, account.baseUrl);
    url.searchParams.set('messageId', batch.join(','));
    url.searchParams.set('limit', String(LOGS_LIMIT_MAX));
    let response;
    try {
      response = await request(url, { method: 'GET', dispatcher: agent, headers: { authorization: `App ${account.apiKey}`, accept: 'application/json' } });
    } catch (error) {
      return { kind: 'retry', reason: `logs: network: ${(error as Error).message}`, retryAfterMs: undefined };
    }
    const json = parseJson(await response.body.text().catch(() => ''));
    const status = response.statusCode;
    if (status === 200) {
      if (!checkLogsResponse.Check(json)) return { kind: 'retry', reason: `logs: ${logsPath} answered 200 with an unreadable body`, retryAfterMs: undefined };
      for (const entry of (json as Static<typeof LogsResponse>).results) found.set(entry.messageId, entry.status);
      continue;
    }
    const reason = `logs: HTTP ${status} ${summariseApiError(json, status).description}`;
    if (status === 429 || status === 408 || status >= 500) return { kind: 'retry', reason, retryAfterMs: retryAfterMs(response.headers['retry-after']) };
    return { kind: 'refused', reason };
  }
  return { kind: 'answered', found };
}

/** Cuts ids into batches whose comma-joined list fits the `messageId` parameter and the `limit`. */
function batchIds(ids: string[]): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let length = 0;
  for (const id of ids) {
    if (id.length > MESSAGE_ID_PARAMETER_MAX) throw new Error(`message id ${id.slice(0, 40)}… is longer than the logs API's ${MESSAGE_ID_PARAMETER_MAX}-character messageId limit`);
    const added = batch.length === 0 ? id.length : length + 1 + id.length;
    if (added > MESSAGE_ID_PARAMETER_MAX || batch.length >= LOGS_LIMIT_MAX) {
      batches.push(batch);
      batch = [id];
      length = id.length;
    } else {
      batch.push(id);
      length = added;
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
