import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { ConnectorConfig } from '../../src/config.ts';
import { type Connector, type ConnectorTuning, createConnector } from '../../src/connector.ts';
import { freePort } from './ports.ts';
import { AdminClient } from './tenants.ts';

export interface RunningConnector {
  connector: Connector;
  config: ConnectorConfig;
  url: string;
  admin: AdminClient;
  close(): Promise<void>;
}

/**
 * A bare connector (no simulators, no tenant) on a free loopback port, with workers off. The
 * config defaults to a random admin token and master key; `overrides` may set any field,
 * `masterKey: undefined` included; `tuning` shortens the workers' idle pauses when `workers` is on.
 */
export async function startConnector(
  overrides: Partial<ConnectorConfig> & Pick<ConnectorConfig, 'databaseUrl' | 'dataDir'>,
  log: Logger = pino({ level: 'silent' }),
  tuning: ConnectorTuning = {},
): Promise<RunningConnector> {
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
  const connector = await createConnector(config, log, tuning);
  await connector.listen();
  return { connector, config, url: config.publicUrl, admin: new AdminClient(`${config.publicUrl}/admin`, config.adminToken ?? ''), close: () => connector.close() };
}
