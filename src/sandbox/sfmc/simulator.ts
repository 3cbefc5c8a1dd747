// A local stand-in for SFMC's auth host and REST host (token, data extension rows), faithful to the
// published contract (specs/sfmc, reference/research/sfmc.md §3) so the connector can be tested
// and demoed without a Marketing Cloud account. One Fastify server serves both hosts under
// /auth/ and /rest/, plus a /__sim/ control API.
import Fastify, { type FastifyError, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { SimContext } from './context.ts';
import type { SfmcFaults, SfmcSimulator, SfmcSimulatorOptions } from './types.ts';
import { AsyncQueue } from './async-requests.ts';
import { registerAsyncRowsRoutes } from './async-rows-routes.ts';
import { registerAuthorizeRoutes, registerAuthRoutes } from './auth-routes.ts';
import { registerControlRoutes } from './control-routes.ts';
import { registerCustomObjectDataRoutes } from './customobjectdata-routes.ts';
import { DataExtensionStore } from './data-extension-store.ts';
import { registerEventRoutes } from './event-routes.ts';
import { FaultState } from './faults.ts';
import { JourneyStore, registerJourneyRoutes } from './journeys.ts';
import { authenticate } from './rest-auth.ts';
import { registerRowsetRoutes } from './rowset-routes.ts';
import { registerSoapRoutes } from './soap-routes.ts';
import { notAuthorized, oauthError, restError } from './sfmc-errors.ts';
import { StatsRecorder } from './stats.ts';
import { buildValidators } from './swagger-schemas.ts';
import { TokenStore } from './token-store.ts';

export type {
  DataExtensionDefinition,
  DataExtensionField,
  DataExtensionFieldType,
  EventDefinition,
  FiredEvent,
  SfmcClient,
  SfmcFaults,
  SfmcSimulator,
  SfmcSimulatorOptions,
  SfmcStats,
  SfmcUser,
} from './types.ts';

type Host = 'auth' | 'rest' | 'soap';

function hostOf(url: string): Host | undefined {
  return url.startsWith('/auth/') ? 'auth' : url.startsWith('/rest/') ? 'rest' : url.startsWith('/soap/') ? 'soap' : undefined;
}

/** "PUT /data/v1/async/dataextensions/key:{key}/rows": the route as SFMC documents it, host prefix dropped. */
function routeId(req: FastifyRequest): string {
  const strip = (p: string) => p.replace(/^\/(auth|rest|soap)(?=\/)/, '');
  const pattern = req.routeOptions.url;
  if (!pattern) return `${req.method} ${strip(req.url.split('?')[0])}`;
  const params = req.params as Record<string, string | undefined>;
  const path = strip(pattern).replace(/:(\w+)/g, (_, name: string) =>
    name === 'ref' ? (params.ref?.startsWith('key:') ? 'key:{key}' : '{id}') : `{${name}}`,
  );
  return `${req.method} ${path}`;
}

export async function startSfmcSimulator(opts: SfmcSimulatorOptions): Promise<SfmcSimulator> {
  if (!opts.clients?.length) throw new Error('startSfmcSimulator: at least one client is required');
  const tokens = new TokenStore(opts.tokenTtlSeconds ?? 1080);
  const stats = new StatsRecorder();
  const ctx: SimContext = {
    clients: opts.clients.map((c) => ({ ...c, accountId: String(c.accountId) })),
    users: (opts.users ?? []).map((u) => ({ ...u, accountId: String(u.accountId) })),
    codes: new Map(),
    userTokens: new Map(),
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 1080,
    tokens,
    des: new DataExtensionStore(),
    journeys: new JourneyStore(),
    queue: new AsyncQueue(opts.asyncProcessingDelayMs ?? 20, (req) => {
      if (req.errors.length > 0 || req.requestStatus === 'Error') stats.asyncFailed();
    }),
    validators: buildValidators(),
    stats,
    faults: new FaultState(() => tokens.expireAll()),
    urls: { rest: '', soap: '' },
    eventDefinitions: new Map(),
    events: [],
  };
  if (opts.faults) ctx.faults.set(opts.faults);
  for (const def of opts.dataExtensions ?? []) ctx.des.create(ctx.clients[0].accountId, def);

  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

  // Order on the SFMC hosts: count the call, then faults (a throttled or unreachable SFMC answers
  // before it looks at credentials), then the bearer token on the REST host.
  app.addHook('onRequest', async (req, reply) => {
    const host = hostOf(req.url);
    if (!host) return;
    stats.call(routeId(req));
    if (await ctx.faults.intercept(reply, host)) return reply;
    if (host === 'rest' && !authenticate(req, tokens)) return reply.code(401).send(notAuthorized());
  });
  app.addHook('onResponse', async (req, reply) => {
    if (hostOf(req.url) && reply.statusCode >= 400) stats.rejected(reply.statusCode);
  });

  // Framework-level failures (bad JSON, wrong content type, body too large) in the host's own dialect.
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (hostOf(req.url) === 'auth') {
      return reply.code(status).send(oauthError(status >= 500 ? 'server_error' : 'invalid_request', err.message));
    }
    return reply.code(status).send(restError(err.message, status >= 500 ? 0 : 10000));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ message: `Not Found: ${req.method} ${req.url.split('?')[0]}` }));

  await app.register(
    async (scope) => {
      registerAuthRoutes(scope, ctx);
      registerAuthorizeRoutes(scope, ctx);
    },
    { prefix: '/auth' },
  );
  await app.register(
    async (scope) => {
      registerAsyncRowsRoutes(scope, ctx);
      registerRowsetRoutes(scope, ctx);
      registerCustomObjectDataRoutes(scope, ctx);
      registerEventRoutes(scope, ctx);
      registerJourneyRoutes(scope, ctx);
    },
    { prefix: '/rest' },
  );
  // The SOAP host checks its token itself: it travels in the envelope's fueloauth header.
  await app.register(async (scope) => registerSoapRoutes(scope, ctx), { prefix: '/soap' });
  await app.register(async (scope) => registerControlRoutes(scope, ctx), { prefix: '/__sim' });

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const { address, port } = app.server.address() as AddressInfo;
  const urlHost = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address;
  const base = `http://${urlHost}:${port}`;
  ctx.urls.rest = `${base}/rest/`;
  ctx.urls.soap = `${base}/soap/`;

  return {
    authBaseUrl: `${base}/auth/`,
    restBaseUrl: ctx.urls.rest,
    soapBaseUrl: ctx.urls.soap,
    createDataExtension: (accountId, def) => void ctx.des.create(String(accountId), def),
    createEventDefinition: (accountId, def) => {
      const definitions = ctx.eventDefinitions.get(String(accountId)) ?? new Map();
      definitions.set(def.key, { ...def });
      ctx.eventDefinitions.set(String(accountId), definitions);
    },
    events: (accountId) => ctx.events.filter((e) => e.accountId === String(accountId)).map((e) => structuredClone(e)),
    addClient: (client) => void ctx.clients.push({ ...client, accountId: String(client.accountId) }),
    rows: (accountId, key) => {
      const de = ctx.des.byKey(String(accountId), key);
      if (!de) throw new Error(`no data extension '${key}' in MID ${accountId}`);
      return [...de.rows.values()].map((r) => ({ ...r }));
    },
    setJourney: (accountId, journey) => ctx.journeys.set(String(accountId), journey),
    setFaults: (f: Partial<SfmcFaults>) => ctx.faults.set(f),
    stats: () => stats.snapshot(),
    close: async () => {
      ctx.queue.close();
      await app.close();
    },
  };
}
