import { request } from 'undici';
import { retryAfterMs } from '../http/retry.ts';
import { outboundAgent } from '../security/outbound-url.ts';
import type { DataExtensionRow } from './report-types.ts';

const agent = outboundAgent({ connections: 4, headersTimeout: 15_000, bodyTimeout: 15_000, connect: { timeout: 10_000 } });

export type NotificationOutcome = { ok: true } | { ok: false; reason: string; retryAfterMs: number | undefined };

/**
 * External delivery tracking: POSTs reports to the tenant's notification URL as
 * `{"results": [row, …]}`, each row with the columns of the report's data extension. Any 2xx is
 * success; redirects are not followed (a redirect could lead anywhere, past our URL check).
 */
export async function postNotification(url: string, rows: DataExtensionRow[]): Promise<NotificationOutcome> {
  try {
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ results: rows }),
    });
    await response.body.dump();
    if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true };
    return { ok: false, reason: `notification URL answered HTTP ${response.statusCode}`, retryAfterMs: retryAfterMs(response.headers['retry-after']) };
  } catch (error) {
    return { ok: false, reason: `notification URL unreachable: ${(error as Error).message}`, retryAfterMs: undefined };
  }
}
