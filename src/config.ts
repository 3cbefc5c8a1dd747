import { join, resolve } from 'node:path';

/** Everything the connector reads from its environment, parsed once at start. */
export interface ConnectorConfig {
  port: number;
  host: string;
  /** Base URL SFMC and Infobip reach us at; activity and webhook URLs are built from it. */
  publicUrl: string;
  /** `postgres://…` or a SQLite file path. */
  databaseUrl: string;
  dataDir: string;
  adminToken: string | undefined;
  /** Bearer token /metrics asks for; unset, /metrics is open (keep it off public networks). */
  metricsToken?: string | undefined;
  masterKey: string | undefined;
  /** Comma-separated keys sealed with before a rotation: they open, never seal (SECURITY.md). */
  previousMasterKeys?: string;
  /**
   * Fastify's `trustProxy`: which peers' X-Forwarded-For names the client (`true` for any, or
   * addresses/CIDRs/`loopback`…). Unset, the client is the connection's peer: behind a reverse
   * proxy every client then shares the proxy's address, and its failure limits (SECURITY.md).
   */
  trustProxy?: boolean | string;
  /** Space-separated CSP sources that may frame the UIs, instead of Marketing Cloud's domains (security/frame-ancestors.ts). */
  frameAncestors?: string;
  /** Operator's opt-in to outbound URLs on loopback/private networks (the sandbox needs it). */
  allowPrivateUrls: boolean;
  logLevel: string;
  /** Run the dispatcher and write-back workers in this process. */
  workers: boolean;
  /** …on a thread of their own rather than the HTTP thread (MC_RELAY_WORKERS unset or `thread`). */
  workerThread?: boolean;
  /** Processes answering HTTP on the port (MC_RELAY_HTTP_PROCESSES, server/http-processes.ts); 1 unless set. */
  httpProcesses?: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectorConfig {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const host = env.HOST ?? '0.0.0.0';
  const workersMode = env.MC_RELAY_WORKERS ?? 'thread';
  if (!['thread', 'inline', 'false'].includes(workersMode)) {
    throw new Error(`MC_RELAY_WORKERS must be thread (the default), inline or false, got "${workersMode}"`);
  }
  const httpProcesses = Number(env.MC_RELAY_HTTP_PROCESSES ?? 1);
  if (!Number.isInteger(httpProcesses) || httpProcesses < 1 || httpProcesses > 64) {
    throw new Error(`MC_RELAY_HTTP_PROCESSES must be a whole number from 1 to 64, got "${env.MC_RELAY_HTTP_PROCESSES}"`);
  }
  // Every process would run its own copy of the loops: they belong in an instance of their own.
  if (httpProcesses > 1 && workersMode !== 'false') {
    throw new Error('MC_RELAY_HTTP_PROCESSES above 1 needs MC_RELAY_WORKERS=false: run the sending and write-back loops in another instance on the same database');
  }
  const dataDir = resolve(env.MC_RELAY_DATA_DIR ?? 'data');
  const trustProxy = trustProxyFromEnv(env.MC_RELAY_TRUST_PROXY);
  return {
    port,
    host,
    publicUrl: (env.MC_RELAY_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL ?? join(dataDir, 'mc-relay.sqlite'),
    dataDir,
    adminToken: env.MC_RELAY_ADMIN_TOKEN || undefined,
    metricsToken: env.MC_RELAY_METRICS_TOKEN || undefined,
    masterKey: env.MC_RELAY_MASTER_KEY || undefined,
    previousMasterKeys: env.MC_RELAY_PREVIOUS_MASTER_KEYS || undefined,
    ...(trustProxy === undefined ? {} : { trustProxy }),
    ...(env.MC_RELAY_FRAME_ANCESTORS ? { frameAncestors: env.MC_RELAY_FRAME_ANCESTORS } : {}),
    allowPrivateUrls: env.MC_RELAY_ALLOW_PRIVATE_URLS === 'true',
    logLevel: env.LOG_LEVEL ?? 'info',
    workers: workersMode !== 'false',
    workerThread: workersMode === 'thread',
    httpProcesses,
  };
}

/**
 * `true`, or a comma-separated list of addresses, CIDRs and `loopback`/`linklocal`/`uniquelocal`.
 * Not a hop count: Fastify trusts no peer for one, so it would silently change nothing.
 */
function trustProxyFromEnv(value: string | undefined): boolean | string | undefined {
  if (!value || value === 'false') return undefined;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) throw new Error(`MC_RELAY_TRUST_PROXY takes true or the proxies' addresses (e.g. 10.0.0.0/8,loopback), not a hop count, got "${value}"`);
  return value;
}
