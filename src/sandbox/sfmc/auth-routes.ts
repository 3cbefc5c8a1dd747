// The auth host: POST v2/token with grant_type client_credentials (access-token-s2s.md, sfmc.md
// §3.1) or authorization_code, GET v2/authorize with a minimal login page, and GET v2/userinfo
// (access-token-app.md, sfmc.md §2.2).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { escapeXml } from '../../sfmc/xml.ts';
import type { SimContext } from './context.ts';
import { INVALID_CLIENT, oauthError } from './sfmc-errors.ts';
import type { SfmcClient } from './types.ts';

/** "The authorization code … expires after 5 minutes" (sfmc.md §2.2). */
const CODE_TTL_MS = 5 * 60_000;

/** Scopes a package typically grants the connector (sfmc.md §3.1); returned when none is requested. */
const DEFAULT_SCOPE = 'data_extensions_read data_extensions_write journeys_read list_and_subscribers_read';

export function registerAuthRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/v2/token', async (req, reply) => {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return reply.code(400).send(oauthError('invalid_request', 'The request body must be a JSON object.'));
    }
    const fields = body as Record<string, unknown>;
    if (fields.grant_type === 'authorization_code') return authorizationCodeToken(ctx, fields, reply);
    if (typeof fields.grant_type === 'string' && fields.grant_type !== 'client_credentials') {
      return reply
        .code(400)
        .send(oauthError('unsupported_grant_type', 'Use "client_credentials" as the grant type for server-to-server integrations.'));
    }
    // The swagger types account_id as a number; the docs' own example sends "12345". Accept both.
    const normalized = { ...fields };
    if (typeof normalized.account_id === 'string' && /^\d+$/.test(normalized.account_id)) {
      normalized.account_id = Number(normalized.account_id);
    }
    if (!ctx.validators.tokenRequest(normalized)) {
      return reply.code(400).send(oauthError('invalid_request', ctx.validators.tokenRequest.lastError()));
    }

    const grants = ctx.clients.filter((c) => c.clientId === fields.client_id && c.clientSecret === fields.client_secret);
    if (grants.length === 0) return reply.code(401).send(INVALID_CLIENT);
    if (grants[0].redirectUris) {
      return reply.code(400).send(oauthError('unauthorized_client', 'A web app integration must use the authorization_code grant type.'));
    }

    // Without account_id the token is for the BU that created the integration (access-token-s2s.md).
    const mid = normalized.account_id === undefined ? grants[0].accountId : String(normalized.account_id);
    if (!grants.some((g) => g.accountId === mid)) {
      // sfmc.md §3.1: 401 when the integration is not enabled for that BU. Wording [INFERRED].
      return reply
        .code(401)
        .send(
          oauthError(
            'unauthorized_client',
            `The client is not authorized for account ${mid}. Enable the API integration for this business unit in Installed Packages.`,
          ),
        );
    }

    const scope = typeof fields.scope === 'string' ? fields.scope : DEFAULT_SCOPE;
    const { token } = ctx.tokens.issue(grants[0].clientId, mid, scope);
    ctx.stats.tokenIssued();
    return reply.send({
      access_token: token,
      token_type: 'Bearer',
      expires_in: ctx.tokenTtlSeconds,
      scope,
      soap_instance_url: ctx.urls.soap,
      rest_instance_url: ctx.urls.rest,
    });
  });
}

function webApp(ctx: SimContext, clientId: unknown): SfmcClient | undefined {
  return ctx.clients.find((c) => c.clientId === clientId && c.redirectUris !== undefined);
}

function authorizationCodeToken(ctx: SimContext, fields: Record<string, unknown>, reply: import('fastify').FastifyReply) {
  if (!ctx.validators.authorizationCodeTokenRequest(fields)) {
    return reply.code(400).send(oauthError('invalid_request', ctx.validators.authorizationCodeTokenRequest.lastError()));
  }
  const client = webApp(ctx, fields.client_id);
  if (!client || client.clientSecret !== fields.client_secret) return reply.code(401).send(INVALID_CLIENT);
  const grant = ctx.codes.get(String(fields.code));
  // A code is single-use, bound to its client and redirect URI, and short-lived.
  ctx.codes.delete(String(fields.code));
  if (!grant || grant.expiresAt <= Date.now() || grant.clientId !== client.clientId || grant.redirectUri !== fields.redirect_uri) {
    return reply.code(400).send(oauthError('invalid_grant', 'The authorization code is invalid, expired or was issued for another client or redirect URI.'));
  }
  const scope = typeof fields.scope === 'string' ? fields.scope : 'offline';
  const { token } = ctx.tokens.issue(client.clientId, grant.user.accountId, scope);
  ctx.userTokens.set(token, grant.user);
  ctx.stats.tokenIssued();
  return reply.send({
    access_token: token,
    refresh_token: randomBytes(32).toString('base64url'),
    expires_in: ctx.tokenTtlSeconds,
    token_type: 'Bearer',
    rest_instance_url: ctx.urls.rest,
    soap_instance_url: ctx.urls.soap,
    scope,
  });
}

interface AuthorizeQuery {
  response_type?: string;
  client_id?: string;
  redirect_uri?: string;
  state?: string;
}

/** Checks an authorize request; answers the web app client or why the request is refused. */
function checkAuthorize(ctx: SimContext, q: AuthorizeQuery): { client: SfmcClient } | { error: string } {
  if (q.response_type !== 'code') return { error: 'response_type must be "code"' };
  const client = webApp(ctx, q.client_id);
  if (!client) return { error: 'unknown client_id: use the Client Id of a Web App integration' };
  if (!q.redirect_uri || !client.redirectUris!.includes(q.redirect_uri)) return { error: 'redirect_uri is not one of the integration\'s redirect URIs' };
  return { client };
}

/** The login page: SFMC's own is richer, but the flow (form → redirect with code and state) is the same. */
function loginPage(q: AuthorizeQuery, problem?: string): string {
  const hidden = (['response_type', 'client_id', 'redirect_uri', 'state'] as const)
    .map((name) => `<input type="hidden" name="${name}" value="${escapeXml(q[name] ?? '')}">`)
    .join('');
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Marketing Cloud login</title></head><body>' +
    '<main><h1>Marketing Cloud</h1>' +
    (problem ? `<p role="alert" id="login-error">${escapeXml(problem)}</p>` : '') +
    `<form method="post" action="authorize">${hidden}` +
    '<label for="username">Username</label> <input id="username" name="username" autocomplete="username" required> ' +
    '<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required> ' +
    '<button type="submit">Log In</button></form></main></body></html>'
  );
}

export function registerAuthorizeRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  app.get<{ Querystring: AuthorizeQuery }>('/v2/authorize', async (req, reply) => {
    const checked = checkAuthorize(ctx, req.query);
    if ('error' in checked) return reply.code(400).type('text/html; charset=utf-8').send(`<!doctype html><p>${escapeXml(checked.error)}</p>`);
    return reply.type('text/html; charset=utf-8').send(loginPage(req.query));
  });

  app.post<{ Body: AuthorizeQuery & { username?: string; password?: string } }>('/v2/authorize', async (req, reply) => {
    const form = req.body ?? {};
    const checked = checkAuthorize(ctx, form);
    if ('error' in checked) return reply.code(400).type('text/html; charset=utf-8').send(`<!doctype html><p>${escapeXml(checked.error)}</p>`);
    const user = ctx.users.find((u) => u.username === form.username && u.password === form.password);
    if (!user) return reply.code(401).type('text/html; charset=utf-8').send(loginPage(form, 'Incorrect username or password.'));
    const code = randomBytes(32).toString('base64url');
    ctx.codes.set(code, { clientId: checked.client.clientId, redirectUri: form.redirect_uri!, user, expiresAt: Date.now() + CODE_TTL_MS });
    const target = new URL(form.redirect_uri!);
    target.searchParams.set('code', code);
    if (form.state) target.searchParams.set('state', form.state);
    return reply.redirect(target.toString(), 302);
  });

  // Who a token belongs to: the user who signed in (authorization code), or, for a token of an
  // API integration, the integration itself in its business unit. The activity UI's backend asks
  // it about the token Journey Builder gave the UI (`fuel2token`); the Configuration app about its
  // Web App sign-in.
  app.get('/v2/userinfo', async (req, reply) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return reply.code(400).send(oauthError('invalid_request', "Make sure that the authorization header isn't empty or null."));
    const info = ctx.tokens.check(token);
    if (!info) return reply.code(401).send(oauthError('invalid_token', 'The access token is missing, invalid or expired.'));
    const user = ctx.userTokens.get(token);
    const mid = Number(user?.accountId ?? info.accountId);
    return {
      exp: Math.floor(info.expiresAt / 1000),
      iss: ctx.urls.rest.replace(/\/rest\/$/, '/auth/'),
      user: user
        ? { sub: `${user.username}-${user.accountId}`, name: user.name, preferred_username: user.username, email: user.email, locale: 'en-US', zoneinfo: 'Etc/UTC' }
        : { sub: `user-${info.clientId}`, name: 'Sandbox user', preferred_username: 'sandbox.user', email: 'sandbox.user@example.com', locale: 'en-US', zoneinfo: 'Europe/Berlin' },
      organization: { member_id: mid, enterprise_id: ENTERPRISE_ID, enterprise_name: 'Sandbox enterprise', account_type: 'enterprise', stack_key: 'S1', region: 'NA1', locale: 'en-US' },
      rest: { rest_instance_url: ctx.urls.rest, soap_instance_url: ctx.urls.soap },
      application: { id: info.clientId, name: 'mc-relay sandbox', redirectUrl: [], appScopes: info.scope.split(' ') },
      permissions: [],
    };
  });
}

/** The simulated enterprise: every business unit of the simulator belongs to one. */
const ENTERPRISE_ID = 500000000;
