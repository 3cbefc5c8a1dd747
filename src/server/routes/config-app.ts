import { reportSettings } from '../../tenants/report-settings.ts';
import { readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listInboundNumbers, performNumberAction } from '../../infobip/inbound-numbers.ts';
import { probeScopes, type ScopeState, verifyAccount } from '../../infobip/management.ts';
import { newWebhookSecurity, replaceSubscriptions, SUBSCRIPTION_SCOPES } from '../../infobip/subscriptions.ts';
import { packageDataExtensions } from '../../reports/data-extensions.ts';
import { outboundUrlProblem } from '../../security/outbound-url.ts';
import { RateLimiter, tooManyAttempts } from '../../security/rate-limit.ts';
import { authorizeUrl, tenantToken, userFromAuthorizationCode, verifyClientCredentials, withSlash, type FieldProblem } from '../../sfmc/oauth.ts';
import { provisionDataExtensions } from '../../sfmc/provision-data-extensions.ts';
import { retrieveDataExtensions, SoapError } from '../../sfmc/soap.ts';
import { addInfobipAccount } from '../../tenants/add-infobip-account.ts';
import { webhookUrls } from '../../tenants/describe-tenant.ts';
import type { AccountChannelSettings, InfobipAccount, Tenant, WebhookSecurity } from '../../tenants/tenant.ts';
import { checkOAuthState, issueOAuthState, issueSession, readSession } from '../config-app/session.ts';
import { configView, defaultSenders, NO_CHANNELS, saveTenant } from '../config-app/tenant-config.ts';
import type { ServerContext } from '../context.ts';

// ---------------------------------------------------------------- bodies (parsed at the edge)

const Url = Type.String({ minLength: 1, maxLength: 2000 });
const Secret = Type.String({ minLength: 1, maxLength: 500 });

const AuthorizeBody = Type.Object(
  {
    mid: Type.String({ pattern: '^[0-9]{1,18}$' }),
    clientId: Type.String({ minLength: 1, maxLength: 200 }),
    clientSecret: Secret,
    soapOrigin: Url,
    authOrigin: Url,
    webAppClientId: Type.Optional(Type.String({ maxLength: 200 })),
    webAppClientSecret: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
type AuthorizeBody = Static<typeof AuthorizeBody>;

const AccountBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), baseUrl: Url, apiKey: Secret },
  { additionalProperties: false },
);
type AccountBody = Static<typeof AccountBody>;

const Token = Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S(.*\\S)?$' });
const Tokens = Type.Array(Token, { maxItems: 20, uniqueItems: true });
const ChannelsBody = Type.Object(
  {
    customDomains: Tokens,
    senders: Type.Object(
      { sms: Type.Optional(Tokens), viber: Type.Optional(Tokens), kakao: Type.Optional(Tokens), rcs: Type.Optional(Tokens), zalo: Type.Optional(Tokens) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
type ChannelsBody = Static<typeof ChannelsBody>;

const Sink = Type.Union([
  Type.Object({ mode: Type.Literal('native') }, { additionalProperties: false }),
  Type.Object({ mode: Type.Literal('external'), url: Url }, { additionalProperties: false }),
]);
const TrackingBody = Type.Object(
  {
    sms: Sink,
    omni: Sink,
    dataExtensions: Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
type TrackingBody = Static<typeof TrackingBody>;

const SubscriptionsBody = Type.Object({ security: Type.Union([Type.Literal('BASIC'), Type.Literal('HMAC')]) }, { additionalProperties: false });
type SubscriptionsBody = Static<typeof SubscriptionsBody>;

// ---------------------------------------------------------------- browser files

const WEB_ROOT = new URL('../../web/app/', import.meta.url);
const FILES: Record<string, { type: string; body: string }> = Object.fromEntries(
  [
    ['index.html', 'text/html; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
    ['app.css', 'text/css; charset=utf-8'],
  ].map(([name, type]) => [name, { type: type!, body: readFileSync(new URL(name!, WEB_ROOT), 'utf8') }]),
);

/**
 * No inline script or style, nothing from another origin; framed only from `frameAncestors`
 * (ServerContext: Marketing Cloud), and no X-Frame-Options. The login form of a Web App sign-in
 * posts to SFMC's auth host, which is a navigation, not a fetch.
 */
const csp = (frameAncestors: string) => [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  `frame-ancestors ${frameAncestors}`,
].join('; ');

function secure(reply: FastifyReply, policy: string): FastifyReply {
  return reply
    .header('content-security-policy', policy)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

// ---------------------------------------------------------------- routes

interface Params {
  tenantKey: string;
}
interface AccountParams extends Params {
  accountId: string;
}

const problem = (reply: FastifyReply, status: number, field: string | undefined, message: string) =>
  reply.code(status).send({ error: status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'invalid_request', ...(field ? { field } : {}), message });

// What the hooks found for a request: its tenant (every route) and Infobip account (account routes).
const tenants = new WeakMap<FastifyRequest, Tenant>();
const accounts = new WeakMap<FastifyRequest, InfobipAccount>();
const tenantOf = (req: FastifyRequest) => tenants.get(req)!;
const accountOf = (req: FastifyRequest) => accounts.get(req)!;

/**
 * The Configuration app (the package's Marketing Cloud App component, login URL
 * /t/{tenantKey}/app/): its page, its sign-ins, and its API under /t/{tenantKey}/app/api/, which
 * needs a session of that tenant.
 */
export async function configAppRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const base = '/t/:tenantKey/app';
  const policy = csp(ctx.frameAncestors);
  app.addHook('onSend', async (_req, reply) => void secure(reply, policy));
  // Tenant, session and account are checked in onRequest, before a body is read: a caller without
  // a session learns nothing from schema errors.
  app.addHook('onRequest', async (req, reply) => {
    const tenant = await ctx.tenants.byUrlKey((req.params as Params).tenantKey);
    if (!tenant) return problem(reply, 404, undefined, 'No such tenant');
    tenants.set(req, tenant);
  });

  await app.register(async (scope) => pageAndSignInRoutes(scope, ctx, base));
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      if (!readSession(ctx.box, req.headers.authorization, tenantOf(req).id)) return problem(reply, 401, undefined, 'Your session has ended. Sign in again.');
    });
    configurationRoutes(scope, ctx, base);
    await scope.register(async (accountScope) => {
      accountScope.addHook('onRequest', async (req, reply) => {
        const account = tenantOf(req).accounts.find((a) => a.id === (req.params as AccountParams).accountId);
        if (!account) return problem(reply, 404, 'accountId', 'No such Infobip account on this tenant');
        accounts.set(req, account);
      });
      accountRoutes(accountScope, ctx, `${base}/api/accounts/:accountId`);
    });
  });
}

/** The page and its files, and the two ways to sign in. */
function pageAndSignInRoutes(app: FastifyInstance, ctx: ServerContext, base: string): void {
  const signIns = new RateLimiter(10, 60_000);
  const redirectUri = (tenant: Tenant) => `${ctx.publicUrl}/t/${tenant.urlKey}/app/oauth/callback`;
  /** Counts a sign-in attempt; answers 429 (and true) when the client is over its limit. */
  const limited = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const wait = signIns.take(`${req.ip} ${tenantOf(req).id}`);
    if (wait === 0) return false;
    void tooManyAttempts(reply, wait, 'Too many sign-in attempts. Wait a minute and try again.');
    return true;
  };

  app.get<{ Params: Params }>(base, async (req, reply) => reply.redirect(`/t/${tenantOf(req).urlKey}/app/`));
  app.get(`${base}/`, async (_req, reply) => reply.type(FILES['index.html']!.type).send(FILES['index.html']!.body));
  app.get<{ Params: Params & { file: string } }>(`${base}/:file`, async (req, reply) => {
    const file = FILES[req.params.file];
    return file ? reply.type(file.type).send(file.body) : problem(reply, 404, undefined, 'Not found');
  });

  /** What the sign-in screen needs: which sign-ins this tenant offers. Nothing secret. */
  // Unauthenticated (the sign-in page asks it): whether "Sign in with Marketing Cloud" is offered, nothing else.
  app.get(`${base}/api/sign-in-options`, async (req) => ({ webApp: tenantOf(req).settings.sfmc.webApp !== undefined }));

  // Step 1, Authorize, is also the credentials sign-in.
  app.post<{ Body: AuthorizeBody }>(`${base}/api/session`, { schema: { body: AuthorizeBody } }, async (req, reply) => {
    if (limited(req, reply)) return reply;
    const tenant = tenantOf(req);
    const body = req.body;
    const checked = await checkSfmcCredentials(ctx, tenant, body);
    if (!checked.ok) return problem(reply, 400, checked.problem.field, checked.problem.message);

    const webApp = body.webAppClientId?.trim();
    const settings = {
      ...tenant.settings,
      sfmc: {
        clientId: body.clientId,
        authBaseUrl: withSlash(body.authOrigin),
        soapBaseUrl: checked.soapBaseUrl,
        ...(webApp ? { webApp: { clientId: webApp } } : {}),
      },
    };
    const secrets = { ...tenant.secrets, sfmcClientSecret: body.clientSecret };
    if (!webApp) delete secrets.webAppClientSecret;
    else if (body.webAppClientSecret) secrets.webAppClientSecret = body.webAppClientSecret;
    else if (!secrets.webAppClientSecret || tenant.settings.sfmc.webApp?.clientId !== webApp) {
      return problem(reply, 400, 'webAppClientSecret', 'Web App Client Secret is required with a Web App Client Id');
    }
    const saved = await saveTenant(ctx, tenant, settings, secrets);
    return { session: issueSession(ctx.box, saved.id, body.clientId), config: configView(ctx, saved) };
  });

  // Sign-in with the Web App integration (authorization-code flow).
  app.get(`${base}/oauth/start`, async (req, reply) => {
    if (limited(req, reply)) return reply;
    const tenant = tenantOf(req);
    const webApp = tenant.settings.sfmc.webApp;
    if (!webApp) return problem(reply, 400, undefined, 'This tenant has no Web App integration; sign in with the API integration credentials.');
    return reply.redirect(authorizeUrl(tenant.settings.sfmc.authBaseUrl, { clientId: webApp.clientId, redirectUri: redirectUri(tenant), state: issueOAuthState(ctx.box, tenant.id) }));
  });

  app.get<{ Querystring: { code?: string; state?: string; error?: string } }>(`${base}/oauth/callback`, async (req, reply) => {
    if (limited(req, reply)) return reply;
    const tenant = tenantOf(req);
    const back = (fragment: Record<string, string>) => reply.redirect(`/t/${tenant.urlKey}/app/#${new URLSearchParams(fragment)}`);
    const webApp = tenant.settings.sfmc.webApp;
    const { code, state, error } = req.query;
    if (error) return back({ signInError: `Marketing Cloud refused the sign-in: ${error}` });
    if (!webApp || !tenant.secrets.webAppClientSecret || !code || !state || !checkOAuthState(ctx.box, state, tenant.id)) {
      return back({ signInError: 'The sign-in could not be verified. Start it again.' });
    }
    const signed = await userFromAuthorizationCode({
      authBaseUrl: tenant.settings.sfmc.authBaseUrl,
      clientId: webApp.clientId,
      clientSecret: tenant.secrets.webAppClientSecret,
      code,
      redirectUri: redirectUri(tenant),
    });
    if (!signed.ok) return back({ signInError: signed.reason });
    // The user must work in this tenant's business unit: a user of another BU gets no session here.
    if (signed.user.mid !== tenant.mid) return back({ signInError: `You are signed in to business unit ${signed.user.mid}, not to this app's business unit.` });
    // The session travels in the fragment: it never reaches a server log or a Referer header.
    return back({ session: issueSession(ctx.box, tenant.id, signed.user.userName || signed.user.userId).token });
  });
}

/** The signed-in API, tenant-wide: configuration, accounts, tracking, data extensions, Finish. */
function configurationRoutes(app: FastifyInstance, ctx: ServerContext, base: string): void {
  app.get(`${base}/api/config`, async (req) => configView(ctx, tenantOf(req)));

  // Step 2: Infobip accounts.
  app.post<{ Body: AccountBody }>(`${base}/api/accounts`, { schema: { body: AccountBody } }, async (req, reply) => {
    const tenant = tenantOf(req);
    const urlProblem = outboundUrlProblem(req.body.baseUrl, ctx.allowPrivateUrls);
    if (urlProblem) return problem(reply, 400, 'baseUrl', `API Base URL ${urlProblem}`);
    if (tenant.accounts.some((a) => a.name === req.body.name)) return problem(reply, 400, 'name', 'An account with this name is already connected; choose another name');
    const verified = await verifyAccount(req.body);
    if (!verified.ok) return problem(reply, 400, verified.field, verified.message);
    const scopes = await probeScopes(req.body);
    const added = await addInfobipAccount(ctx.store.db, ctx.box, tenant.id, { ...req.body, isDefault: tenant.accounts.length === 0 }, ctx.allowPrivateUrls);
    if (!added.ok) return problem(reply, 400, added.field, `${added.field} ${added.problem}`);
    ctx.tenants.forget(tenant.id);
    let saved = (await ctx.tenants.byId(tenant.id))!;
    const subscriptions = await subscribeNewAccount(ctx, saved, saved.accounts.find((a) => a.id === added.accountId)!, scopes);
    if (subscriptions.ok) saved = subscriptions.tenant;
    return reply.code(201).send({ accountId: added.accountId, scopes, subscriptions: subscriptions.ok ? 'created' : subscriptions.message, config: configView(ctx, saved) });
  });

  // Step 3, tenant-wide part: delivery tracking (one setting per report family, as the reports work keeps it).
  app.put<{ Body: TrackingBody }>(`${base}/api/tracking`, { schema: { body: TrackingBody } }, async (req, reply) => {
    const tenant = tenantOf(req);
    for (const family of ['sms', 'omni'] as const) {
      const sink = req.body[family];
      const urlProblem = sink.mode === 'external' ? outboundUrlProblem(sink.url, ctx.allowPrivateUrls) : undefined;
      if (urlProblem) return problem(reply, 400, `${family}.url`, `${family === 'sms' ? 'SMS' : 'OMNI'} Notification URL ${urlProblem}`);
    }
    const known = new Set(packageDataExtensions.map((d) => d.id));
    const unknown = Object.keys(req.body.dataExtensions).find((id) => !known.has(id));
    if (unknown) return problem(reply, 400, `dataExtensions.${unknown}`, `${unknown} is not a data extension of the package`);
    // Other report settings (the reports work's) are kept as they are.
    const reports = { ...reportSettings(tenant.settings), sms: req.body.sms, omni: req.body.omni };
    const saved = await saveTenant(ctx, tenant, { ...tenant.settings, reports, dataExtensions: { ...tenant.settings.dataExtensions, ...req.body.dataExtensions } });
    return configView(ctx, saved);
  });

  app.get(`${base}/api/data-extensions`, async (req, reply) => {
    const token = await tenantToken(tenantOf(req));
    if (!token.ok) return problem(reply, 400, token.problem.field, token.problem.message);
    try {
      return { dataExtensions: await retrieveDataExtensions(token.token) };
    } catch (error) {
      if (error instanceof SoapError) return problem(reply, 502, undefined, error.message);
      throw error;
    }
  });

  app.post(`${base}/api/data-extensions/provision`, async (req, reply) => {
    const tenant = tenantOf(req);
    const token = await tenantToken(tenant);
    if (!token.ok) return problem(reply, 400, token.problem.field, token.problem.message);
    return { outcomes: await provisionDataExtensions(token.token, tenant.settings.dataExtensions) };
  });

  // Step 4: Finish.
  app.post(`${base}/api/finish`, async (req, reply) => {
    const tenant = tenantOf(req);
    if (tenant.accounts.length === 0) return problem(reply, 400, 'accounts', 'Connect at least one Infobip account first');
    const saved = await saveTenant(ctx, tenant, { ...tenant.settings, configuredAt: Date.now() });
    return { message: 'The application has been successfully configured.', config: configView(ctx, saved) };
  });
}

/** Step 3 per Infobip account: scopes, channel settings, subscriptions, inbound numbers. */
function accountRoutes(app: FastifyInstance, ctx: ServerContext, base: string): void {
  app.get(`${base}/scopes`, async (req) => ({ scopes: await probeScopes(accountOf(req)) }));

  app.put<{ Body: ChannelsBody }>(`${base}/channels`, { schema: { body: ChannelsBody } }, async (req, reply) => {
    const tenant = tenantOf(req);
    const account = accountOf(req);
    const bad = req.body.customDomains.find((d) => !/^(?=.{1,253}$)([a-z0-9](-*[a-z0-9])*\.)+[a-z]{2,63}$/i.test(d));
    if (bad) return problem(reply, 400, 'customDomains', `"${bad}" is not a domain name; use a subdomain such as test.sample.com`);
    const previous = tenant.settings.channels?.[account.id] ?? NO_CHANNELS;
    const channels: Record<string, AccountChannelSettings> = { ...tenant.settings.channels, [account.id]: { ...previous, ...req.body } };
    const saved = await saveTenant(ctx, tenant, { ...tenant.settings, channels, senders: defaultSenders(tenant, channels) });
    return configView(ctx, saved);
  });

  app.post<{ Body: SubscriptionsBody }>(`${base}/subscriptions`, { schema: { body: SubscriptionsBody } }, async (req, reply) => {
    const subscribed = await subscribeAccount(ctx, tenantOf(req), accountOf(req), req.body.security);
    if (!subscribed.ok) return problem(reply, 400, 'subscriptions', subscribed.message);
    return { ...configView(ctx, subscribed.tenant), ...(subscribed.leftover ? { leftover: subscribed.leftover } : {}) };
  });

  app.get(`${base}/numbers`, async (req) => {
    const listed = await listInboundNumbers(accountOf(req), webhookUrls(ctx.publicUrl, tenantOf(req)).inbound);
    return listed.ok ? { numbers: listed.numbers } : { numbers: [], problem: listed.message };
  });

  app.post<{ Params: AccountParams & { numberKey: string; action: string } }>(`${base}/numbers/:numberKey/:action`, async (req, reply) => {
    const account = accountOf(req);
    const inbound = webhookUrls(ctx.publicUrl, tenantOf(req)).inbound;
    const listed = await listInboundNumbers(account, inbound);
    const number = listed.ok ? listed.numbers.find((n) => n.numberKey === req.params.numberKey) : undefined;
    if (!number) return problem(reply, 404, 'numberKey', 'This number is not on the account');
    // The action must be the one the number's state allows, and not disabled.
    if (number.disabledReason) return problem(reply, 400, 'numberKey', number.disabledReason);
    if (number.action !== req.params.action) return problem(reply, 400, 'action', `This number's configuration allows "${number.action}" now; reload the list`);
    const done = await performNumberAction(account, number.numberKey, number.action, inbound);
    if (!done.ok) return problem(reply, 400, 'numberKey', done.message);
    const after = await listInboundNumbers(account, inbound);
    return after.ok ? { numbers: after.numbers } : { numbers: [], problem: after.message };
  });
}

/** `leftover`: earlier subscriptions of ours that could not be removed, and why. */
type Subscribed = { ok: true; tenant: Tenant; leftover?: string } | { ok: false; message: string };

/**
 * The Subscriptions action for one account: the Infobip application, and subscriptions whose
 * notification profiles send reports to this tenant's webhooks with the tenant's notification security.
 */
async function subscribeAccount(ctx: ServerContext, tenant: Tenant, account: InfobipAccount, type: WebhookSecurity['type']): Promise<Subscribed> {
  // The webhook intake checks one security per tenant: every account's subscriptions share it.
  const current = tenant.secrets.webhookSecurity;
  const others = tenant.accounts.filter((a) => a.id !== account.id && tenant.settings.channels?.[a.id]?.subscriptions);
  if (current && current.type !== type && others.length > 0) {
    return { ok: false, message: `The subscriptions of ${others.map((a) => a.name).join(', ')} use ${current.type === 'BASIC' ? 'Basic' : 'HMAC'}; every account shares one notification security, so choose it here too` };
  }
  const security = current?.type === type ? current : newWebhookSecurity(type);
  const hooks = webhookUrls(ctx.publicUrl, tenant);
  const previous = tenant.settings.channels?.[account.id] ?? NO_CHANNELS;
  const replaced = await replaceSubscriptions(account, {
    applicationId: `mc-relay-${tenant.urlKey}`.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
    applicationName: `Salesforce Marketing Cloud (${tenant.name})`,
    urls: { DELIVERY: hooks.deliveryReports, SEEN: hooks.seenReports, CLICK: hooks.clicks },
    security,
    previous: previous.subscriptions?.subscriptions,
  });
  if (!replaced.ok) return { ok: false, message: replaced.message };
  // The new set is saved even when an old one could not be removed: its security is the one Infobip now uses.
  const channels = { ...tenant.settings.channels, [account.id]: { ...previous, subscriptions: { ...replaced.created, createdAt: Date.now() } } };
  const saved = await saveTenant(ctx, tenant, { ...tenant.settings, channels }, { ...tenant.secrets, webhookSecurity: security });
  return { ok: true, tenant: saved, ...(replaced.leftover ? { leftover: replaced.leftover } : {}) };
}

/**
 * The guide: "If you've added a new account with the subscriptions scope selected in the API key,
 * subscriptions are automatically created for that account configuration". They use the tenant's
 * notification security (Basic, the app's default, when there is none yet); when the key lacks a
 * scope the user creates them later with the Create button.
 */
async function subscribeNewAccount(ctx: ServerContext, tenant: Tenant, account: InfobipAccount, scopes: Record<string, ScopeState>): Promise<Subscribed> {
  const lacking = SUBSCRIPTION_SCOPES.filter((scope) => scopes[scope] !== 'granted');
  if (lacking.length > 0) return { ok: false, message: `the API key lacks ${lacking.join(', ')}` };
  return subscribeAccount(ctx, tenant, account, tenant.secrets.webhookSecurity?.type ?? 'BASIC');
}

/**
 * The Authorize step, which is also the credentials sign-in. The MID must be the tenant's (one
 * tenant, one business unit). Credentials are verified live, and against the tenant's known Auth
 * Origin unless the caller proves the stored ones: otherwise anyone could point the check at a
 * token server of their own that says yes. SFMC's SOAP Origin is what its token answer says.
 */
async function checkSfmcCredentials(ctx: ServerContext, tenant: Tenant, body: AuthorizeBody): Promise<{ ok: true; soapBaseUrl: string } | { ok: false; problem: FieldProblem }> {
  if (body.mid !== tenant.mid) return { ok: false, problem: { field: 'mid', message: 'This MID is not the business unit this app is installed for' } };
  for (const field of ['authOrigin', 'soapOrigin'] as const) {
    const urlProblem = outboundUrlProblem(body[field], ctx.allowPrivateUrls);
    if (urlProblem) return { ok: false, problem: { field, message: `${field === 'authOrigin' ? 'Auth Origin' : 'SOAP Origin'} ${urlProblem}` } };
  }
  const knowsStored = body.clientId === tenant.settings.sfmc.clientId && body.clientSecret === tenant.secrets.sfmcClientSecret;
  if (!knowsStored && withSlash(body.authOrigin) !== withSlash(tenant.settings.sfmc.authBaseUrl)) {
    return { ok: false, problem: { field: 'authOrigin', message: 'A new Auth Origin needs the current Client Id and Client Secret; change the other values in a second step' } };
  }
  const verified = await verifyClientCredentials({ authBaseUrl: body.authOrigin, clientId: body.clientId, clientSecret: body.clientSecret, mid: body.mid });
  if (!verified.ok) return verified;
  const soap = verified.token.soapBaseUrl;
  if (withSlash(body.soapOrigin) !== soap) {
    return { ok: false, problem: { field: 'soapOrigin', message: `SFMC says this integration's SOAP Base URI is ${soap}` } };
  }
  return { ok: true, soapBaseUrl: soap };
}
