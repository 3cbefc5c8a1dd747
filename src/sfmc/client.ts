import { request } from 'undici';
import { parseJson } from '../http/parse-json.ts';
import { retryAfterMs } from '../http/retry.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { outboundAgent, outboundUrlProblem, privateOutboundAllowed } from '../security/outbound-url.ts';
import type { DataExtensionField } from './data-extension.ts';
import type { SfmcToken } from './oauth.ts';
import { retrieveFields, SoapError } from './soap.ts';

export type SfmcOutcome<T> =
  | { kind: 'ok'; value: T }
  /** Worth trying again later: 429, 5xx, network failures, a token we could not get. */
  | { kind: 'retry'; reason: string; retryAfterMs: number | undefined }
  /** SFMC refused the call itself; repeating it unchanged will not help. */
  | { kind: 'failed'; reason: string };

export type AsyncRequestOutcome =
  | { state: 'pending' }
  | { state: 'complete' }
  /** Processed with row errors (or failed as a whole). */
  | { state: 'errors'; detail: string }
  /** SFMC no longer knows the request. */
  | { state: 'unknown' };

interface AsyncStatusBody {
  status?: { requestStatus?: string; hasErrors?: boolean };
}

interface AsyncResultsBody {
  items?: { errorCode?: string; message?: string }[];
}

interface CachedToken extends SfmcToken {
  /** Refresh a minute early so a token never expires in flight. */
  refreshAt: number;
}

const agent = outboundAgent({ connections: 8, headersTimeout: 30_000, bodyTimeout: 30_000, connect: { timeout: 10_000 } });

/**
 * SFMC REST calls (and the SOAP field lookup the write-back needs) on behalf of tenants: one client_credentials token per tenant and business
 * unit (account_id = MID), cached until shortly before it expires and fetched again once on a 401.
 */
export class SfmcClient {
  readonly #tokens = new Map<string, Promise<SfmcOutcome<CachedToken>>>();

  /** Async upsert (`PUT /data/v1/async/dataextensions/key:{key}/rows`); answers SFMC's requestId. */
  upsertRowsAsync(tenant: Tenant, dataExtensionKey: string, items: Record<string, unknown>[]): Promise<SfmcOutcome<string>> {
    return this.#call(tenant, 'PUT', `data/v1/async/dataextensions/key:${encodeURIComponent(dataExtensionKey)}/rows`, { items }, (body) => {
      const requestId = (body as { requestId?: unknown } | undefined)?.requestId;
      const messages = (body as { resultMessages?: { resultClass?: string; message?: string; resultCode?: string }[] } | undefined)?.resultMessages ?? [];
      const error = messages.find((m) => m.resultClass === 'Error');
      if (error) return { kind: 'failed', reason: `${error.resultCode ?? 'Error'}: ${error.message ?? ''}` };
      return typeof requestId === 'string' ? { kind: 'ok', value: requestId } : { kind: 'failed', reason: 'SFMC answered without a requestId' };
    });
  }

  /**
   * Fires a journey API event (`POST /interaction/v1/events`, postEvent.md): a Wait Until Event
   * on `EventDefinitionKey` lets the contact continue. Answers SFMC's eventInstanceId.
   */
  fireEvent(tenant: Tenant, event: { ContactKey: string; EventDefinitionKey: string; Data: Record<string, unknown> }): Promise<SfmcOutcome<string>> {
    return this.#call(tenant, 'POST', 'interaction/v1/events', event, (body) => {
      const id = (body as { eventInstanceId?: unknown } | undefined)?.eventInstanceId;
      return typeof id === 'string' ? { kind: 'ok', value: id } : { kind: 'failed', reason: 'SFMC answered the event without an eventInstanceId' };
    });
  }

  /**
   * Rows of a data extension whose `field` is one of `values`
   * (`GET /data/v1/customobjectdata/key/{key}/rowset?$filter=…`). SFMC answers keys and values
   * apart and lower-cases field names; rows come back merged, names lower-cased.
   */
  async rowsWhere(tenant: Tenant, dataExtensionKey: string, field: string, values: string[]): Promise<SfmcOutcome<Record<string, string>[]>> {
    const filter = values.map((v) => `${field} eq '${v.replaceAll("'", "''")}'`).join(' or ');
    const query = new URLSearchParams({ $page: '1', $pageSize: '2500', $filter: filter });
    const path = `data/v1/customobjectdata/key/${encodeURIComponent(dataExtensionKey)}/rowset?${query.toString().replaceAll('+', '%20')}`;
    return this.#call(tenant, 'GET', path, undefined, (body) => {
      const items = (body as { items?: { keys?: Record<string, unknown>; values?: Record<string, unknown> }[] } | undefined)?.items;
      if (!Array.isArray(items)) return { kind: 'failed', reason: 'SFMC answered a rowset without items' };
      return {
        kind: 'ok',
        value: items.map((item) =>
          Object.fromEntries(Object.entries({ ...item.keys, ...item.values }).map(([k, v]) => [k.toLowerCase(), v === null || v === undefined ? '' : String(v)])),
        ),
      };
    });
  }

  /**
   * The fields of a data extension (SOAP Retrieve of DataExtensionField), with the tenant's cached
   * token. Any failure (SFMC down, a fault, no permission) is worth asking again later.
   */
  async dataExtensionFields(tenant: Tenant, dataExtensionKey: string): Promise<SfmcOutcome<DataExtensionField[]>> {
    const token = await this.#token(tenant);
    if (token.kind !== 'ok') return token;
    try {
      return { kind: 'ok', value: await retrieveFields(token.value, dataExtensionKey) };
    } catch (error) {
      if (!(error instanceof SoapError)) throw error;
      return { kind: 'retry', reason: error.message, retryAfterMs: undefined };
    }
  }

  /**
   * Where an async request stands (`GET /data/v1/async/{requestId}/status`), with the error
   * messages of its failed rows (`…/results`) when it has any.
   */
  async asyncRequestOutcome(tenant: Tenant, requestId: string): Promise<SfmcOutcome<AsyncRequestOutcome>> {
    const id = encodeURIComponent(requestId);
    const status = await this.#call(tenant, 'GET', `data/v1/async/${id}/status`, undefined, (body) => ({ kind: 'ok', value: body as AsyncStatusBody | undefined }));
    if (status.kind !== 'ok') return status;
    const state = status.value?.status;
    if (!state) return { kind: 'ok', value: { state: 'unknown' } };
    if (state.requestStatus === 'Pending') return { kind: 'ok', value: { state: 'pending' } };
    if (!state.hasErrors && state.requestStatus === 'Complete') return { kind: 'ok', value: { state: 'complete' } };
    const results = await this.#call(tenant, 'GET', `data/v1/async/${id}/results`, undefined, (body) => ({ kind: 'ok', value: body as AsyncResultsBody | undefined }));
    const detail = results.kind === 'ok' ? (results.value?.items ?? []).map((i) => [i.errorCode, i.message].filter(Boolean).join(': ')).join('; ') : '';
    return { kind: 'ok', value: { state: 'errors', detail: detail || `request ${state.requestStatus ?? 'failed'}` } };
  }

  /**
   * A journey version's status (`GET /interaction/v1/interactions/{id}?versionNumber=`, scope
   * journeys_read): Draft, Published, ScheduledToPublish, Stopped, Unpublished or Deleted.
   */
  journeyStatus(tenant: Tenant, interactionId: string, versionNumber: number): Promise<SfmcOutcome<string>> {
    const path = `interaction/v1/interactions/${encodeURIComponent(interactionId)}?versionNumber=${versionNumber}`;
    return this.#call(tenant, 'GET', path, undefined, (body) => {
      const status = (body as { status?: unknown } | undefined)?.status;
      return typeof status === 'string' ? { kind: 'ok', value: status } : { kind: 'failed', reason: 'SFMC answered a journey without a status' };
    });
  }

  async #call<T>(tenant: Tenant, method: 'PUT' | 'POST' | 'GET', path: string, body: unknown, read: (body: unknown) => SfmcOutcome<T>): Promise<SfmcOutcome<T>> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.#token(tenant);
      if (token.kind !== 'ok') return token;
      let response;
      try {
        response = await request(new URL(path, token.value.restBaseUrl), {
          method,
          dispatcher: agent,
          headers: { authorization: `Bearer ${token.value.accessToken}`, 'content-type': 'application/json; charset=UTF-8' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        return { kind: 'retry', reason: `network: ${(error as Error).message}`, retryAfterMs: undefined };
      }
      const text = await response.body.text().catch(() => '');
      const status = response.statusCode;
      if (status === 401 && attempt === 0) {
        // Expired or revoked token: fetch a new one and try once more.
        this.#tokens.delete(tenant.id);
        continue;
      }
      if (status >= 200 && status < 300) return read(parseJson(text));
      if (status === 429 || status >= 500 || status === 401) {
        return { kind: 'retry', reason: `HTTP ${status} ${text.slice(0, 200)}`, retryAfterMs: retryAfterMs(response.headers['retry-after']) };
      }
      return { kind: 'failed', reason: `HTTP ${status} ${text.slice(0, 500)}` };
    }
    return { kind: 'retry', reason: 'SFMC keeps refusing fresh tokens', retryAfterMs: undefined };
  }

  #token(tenant: Tenant): Promise<SfmcOutcome<CachedToken>> {
    const cached = this.#tokens.get(tenant.id);
    if (cached) {
      return cached.then((t) => {
        if (t.kind === 'ok' && t.value.refreshAt > Date.now()) return t;
        if (this.#tokens.get(tenant.id) === cached) this.#tokens.delete(tenant.id);
        return this.#token(tenant);
      });
    }
    const fresh = fetchToken(tenant);
    this.#tokens.set(tenant.id, fresh);
    // A failed token request is not cached: the next call asks again.
    void fresh.then((t) => {
      if (t.kind !== 'ok' && this.#tokens.get(tenant.id) === fresh) this.#tokens.delete(tenant.id);
    });
    return fresh;
  }
}

async function fetchToken(tenant: Tenant): Promise<SfmcOutcome<CachedToken>> {
  let response;
  try {
    response = await request(new URL('v2/token', withSlash(tenant.settings.sfmc.authBaseUrl)), {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: tenant.settings.sfmc.clientId,
        client_secret: tenant.secrets.sfmcClientSecret,
        account_id: tenant.mid,
      }),
    });
  } catch (error) {
    return { kind: 'retry', reason: `token request failed: ${(error as Error).message}`, retryAfterMs: undefined };
  }
  const body = parseJson(await response.body.text().catch(() => '')) as Record<string, unknown> | undefined;
  if (response.statusCode !== 200 || typeof body?.access_token !== 'string' || typeof body.rest_instance_url !== 'string' || typeof body.soap_instance_url !== 'string') {
    const reason = `token request answered HTTP ${response.statusCode} ${typeof body?.error === 'string' ? body.error : ''}`.trim();
    return { kind: 'retry', reason, retryAfterMs: retryAfterMs(response.headers['retry-after']) };
  }
  // The REST and SOAP origins come from the auth server's answer: held to the rule of the URL the user gave.
  for (const name of ['rest_instance_url', 'soap_instance_url'] as const) {
    const problem = outboundUrlProblem(body[name] as string, privateOutboundAllowed());
    if (problem) return { kind: 'failed', reason: `token answer's ${name} ${problem}` };
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 1080;
  return {
    kind: 'ok',
    value: {
      accessToken: body.access_token,
      restBaseUrl: withSlash(body.rest_instance_url),
      soapBaseUrl: withSlash(body.soap_instance_url),
      refreshAt: Date.now() + Math.max(0, expiresIn - 60) * 1000,
    },
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
