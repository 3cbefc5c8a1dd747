import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { ConnectorConfig } from '../../src/config.ts';
import { createConnector } from '../../src/connector.ts';
import { freePort } from './ports.ts';
import type { RunningConnector } from './connector.ts';
import { AdminClient } from './tenants.ts';

export interface RegisteredRoute {
  method: string;
  url: string;
  bodyLimit: number | undefined;
}

/**
 * A bare connector (as startConnector) that also lists every route Fastify registered, caught
 * with an onRoute hook before the plugins load: routes added to the app later are covered by
 * the tests that walk this list without anyone editing them.
 */
export async function startConnectorWithRoutes(
  overrides: Partial<ConnectorConfig> & Pick<ConnectorConfig, 'databaseUrl' | 'dataDir'>,
  log: Logger = pino({ level: 'silent' }),
): Promise<RunningConnector & { routes: RegisteredRoute[] }> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const config: ConnectorConfig = {
    port,
    host,
    publicUrl: `http://${host}:${port}`,
    adminToken: randomBytes(16).toString('hex'),
    masterKey: randomBytes(32).toString('base64'),
    allowPrivateUrls: false,
    logLevel: log.level,
    workers: false,
    ...overrides,
  };
  const connector = await createConnector(config, log);
  const routes: RegisteredRoute[] = [];
  connector.app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, bodyLimit: route.bodyLimit });
  });
  await connector.listen();
  return { connector, config, url: config.publicUrl, admin: new AdminClient(`${config.publicUrl}/admin`, config.adminToken ?? ''), close: () => connector.close(), routes };
}

/** A route's path with each `:param` replaced by `values[param]` (or `x`) and wildcards by `x`. */
export function fillRoute(url: string, values: Record<string, string>): string {
  return url.replace(/:([A-Za-z]\w*)/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'x')).replace(/\*/g, 'x');
}

/**
 * Every route of a running app, read from Fastify's own route tree (`printRoutes`): for apps a
 * test does not build itself (the sandbox's connector), where an onRoute hook comes too late.
 */
export function routesOf(app: { printRoutes(options: { commonPrefix: boolean }): string }): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = `${prefixes[depth - 1] ?? ''}${match[2]}`;
    prefixes[depth] = path;
    // The root catch-all prints as `*`.
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url: path.startsWith('/') ? path : `/${path}`, bodyLimit: undefined });
  }
  return routes;
}
