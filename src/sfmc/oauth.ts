// Token requests the Configuration app makes while a user is present: checking the credentials a
// user typed (client_credentials), and the Web App authorization-code flow with v2/userinfo
// (sfmc.md §2.2, §3.1). The answer says which typed value is wrong when SFMC's error tells us.
import { Agent, request } from 'undici';
import { parseJson } from '../http/parse-json.ts';
import type { Tenant } from '../tenants/tenant.ts';

const agent = new Agent({ connections: 4, headersTimeout: 15_000, bodyTimeout: 15_000, connect: { timeout: 10_000 } });

export interface SfmcToken {
  accessToken: string;
  restBaseUrl: string;
  soapBaseUrl: string;
}

/** A problem with one of the values the user typed: the form shows `message` next to `field`. */
export interface FieldProblem {
  field: string;
  message: string;
}

export type TokenResult = { ok: true; token: SfmcToken } | { ok: false; problem: FieldProblem };

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

async function postToken(authBaseUrl: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> } | { error: string }> {
  try {
    const response = await request(new URL('v2/token', withSlash(authBaseUrl)), {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const parsed = parseJson(await response.body.text().catch(() => ''));
    return { status: response.statusCode, body: typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {} };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function readToken(body: Record<string, unknown>): SfmcToken | undefined {
  const { access_token, rest_instance_url, soap_instance_url } = body;
  if (typeof access_token !== 'string' || typeof rest_instance_url !== 'string' || typeof soap_instance_url !== 'string') return undefined;
  return { accessToken: access_token, restBaseUrl: withSlash(rest_instance_url), soapBaseUrl: withSlash(soap_instance_url) };
}

/**
 * Verifies API integration credentials live (client_credentials with account_id = MID). SFMC's
 * OAuth errors name the culprit: `invalid_client` is the Client Id or Secret (SFMC does not say
 * which), `unauthorized_client` is the integration not enabled for that MID, an unreachable host
 * or a non-OAuth answer is the Auth Origin.
 */
export async function verifyClientCredentials(input: { authBaseUrl: string; clientId: string; clientSecret: string; mid: string }): Promise<TokenResult> {
  const answer = await postToken(input.authBaseUrl, {
    grant_type: 'client_credentials',
    client_id: input.clientId,
    client_secret: input.clientSecret,
    account_id: input.mid,
  });
  if ('error' in answer) return { ok: false, problem: { field: 'authOrigin', message: `Auth Origin cannot be reached (${answer.error}); copy the Authentication Base URI from the installed package` } };
  const token = answer.status === 200 ? readToken(answer.body) : undefined;
  if (token) return { ok: true, token };
  return { ok: false, problem: tokenProblem(answer.status, answer.body) };
}

/** A token of the tenant's API integration, with its SOAP and REST hosts. */
export function tenantToken(tenant: Tenant): Promise<TokenResult> {
  return verifyClientCredentials({
    authBaseUrl: tenant.settings.sfmc.authBaseUrl,
    clientId: tenant.settings.sfmc.clientId,
    clientSecret: tenant.secrets.sfmcClientSecret,
    mid: tenant.mid,
  });
}

function tokenProblem(status: number, body: Record<string, unknown>): FieldProblem {
  const error = typeof body.error === 'string' ? body.error : undefined;
  const said = typeof body.error_description === 'string' ? ` SFMC says: ${body.error_description}` : '';
  if (error === 'invalid_client') return { field: 'clientSecret', message: `Client Id or Client Secret is wrong.${said}` };
  if (error === 'unauthorized_client' || error === 'invalid_grant') {
    return { field: 'mid', message: `The API integration is not enabled for this MID; check the MID or the package's Access tab.${said}` };
  }
  if (error) return { field: 'clientId', message: `SFMC refused the credentials (${error}).${said}` };
  return { field: 'authOrigin', message: `Auth Origin answered HTTP ${status} without an OAuth answer; copy the Authentication Base URI from the installed package` };
}

/** The authorize URL a browser is sent to (Web App integration). */
export function authorizeUrl(authBaseUrl: string, input: { clientId: string; redirectUri: string; state: string }): string {
  const url = new URL('v2/authorize', withSlash(authBaseUrl));
  url.search = new URLSearchParams({ response_type: 'code', client_id: input.clientId, redirect_uri: input.redirectUri, state: input.state }).toString();
  return url.toString();
}

export interface UserInfo {
  userId: string;
  userName: string;
  mid: string;
}

/** Exchanges an authorization code for a token, then asks v2/userinfo who the user is and in which business unit. */
export async function userFromAuthorizationCode(input: {
  authBaseUrl: string;
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
}): Promise<{ ok: true; user: UserInfo } | { ok: false; reason: string }> {
  const answer = await postToken(input.authBaseUrl, {
    grant_type: 'authorization_code',
    code: input.code,
    client_id: input.clientId,
    client_secret: input.clientSecret,
    redirect_uri: input.redirectUri,
  });
  if ('error' in answer) return { ok: false, reason: `Auth Origin cannot be reached (${answer.error})` };
  const accessToken = answer.status === 200 ? answer.body.access_token : undefined;
  if (typeof accessToken !== 'string') return { ok: false, reason: `SFMC refused the sign-in (${String(answer.body.error ?? `HTTP ${answer.status}`)})` };
  try {
    const response = await request(new URL('v2/userinfo', withSlash(input.authBaseUrl)), {
      method: 'GET',
      dispatcher: agent,
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const info = parseJson(await response.body.text().catch(() => '')) as
      | { user?: { sub?: unknown; name?: unknown }; organization?: { member_id?: unknown } }
      | undefined;
    const mid = info?.organization?.member_id;
    if (response.statusCode !== 200 || (typeof mid !== 'number' && typeof mid !== 'string')) return { ok: false, reason: `v2/userinfo answered HTTP ${response.statusCode}` };
    return { ok: true, user: { userId: String(info?.user?.sub ?? ''), userName: String(info?.user?.name ?? ''), mid: String(mid) } };
  } catch (error) {
    return { ok: false, reason: `v2/userinfo failed: ${(error as Error).message}` };
  }
}
