import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ConnectorConfig } from '../config.ts';
import { type Connector, type ConnectorTuning, createConnector } from '../connector.ts';
import { reportDataExtensions } from '../reports/data-extensions.ts';
import { type DeliveryOutcomeMix, type InfobipSimulator, startInfobipSimulator } from './infobip/simulator.ts';
import { type SfmcSimulator, startSfmcSimulator } from './sfmc/simulator.ts';

export interface SandboxOptions {
  host?: string;
  /** Ports: 0 or absent picks a free one. */
  port?: number;
  infobipPort?: number;
  sfmcPort?: number;
  /** `postgres://…`; a fresh SQLite file in `dataDir` otherwise. */
  databaseUrl?: string;
  dataDir?: string;
  deliveryDelayMs?: number | [number, number];
  outcomes?: DeliveryOutcomeMix;
  tuning?: ConnectorTuning;
  log: Logger;
}

/** The one line `npm run sandbox` prints: everything needed to drive the sandbox by hand. */
export interface SandboxInfo {
  messageActivityUrl: string;
  reportsActivityUrl: string;
  jwtSecret: string;
  adminToken: string;
  adminUrl: string;
  tenantId: string;
  sfmc: { authBaseUrl: string; restBaseUrl: string; clientId: string; clientSecret: string; accountId: string };
  infobip: { baseUrl: string; apiKey: string };
  dataExtensions: Record<string, string>;
  webhooks: Record<string, string>;
  databaseUrl: string;
}

export interface Sandbox {
  info: SandboxInfo;
  connector: Connector;
  infobip: InfobipSimulator;
  sfmc: SfmcSimulator;
  close(): Promise<void>;
}

const DEMO_MID = '510000001';

/**
 * The connector with faithful SFMC and Infobip simulators on loopback, and a demo tenant created
 * through the real admin API: a full offline installation for the demo, the bench and the tests.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const secret = () => randomBytes(24).toString('base64url');
  const sfmcClient = { clientId: `sandbox-${secret().slice(0, 12)}`, clientSecret: secret(), accountId: DEMO_MID };
  const infobipKey = secret();

  const infobip = await startInfobipSimulator({
    host,
    port: options.infobipPort ?? 0,
    apiKeys: [infobipKey],
    ...(options.deliveryDelayMs !== undefined ? { deliveryDelayMs: options.deliveryDelayMs } : {}),
    ...(options.outcomes ? { outcomes: options.outcomes } : {}),
  });
  const sfmc = await startSfmcSimulator({ host, port: options.sfmcPort ?? 0, clients: [sfmcClient] });
  for (const de of reportDataExtensions) sfmc.createDataExtension(DEMO_MID, { key: de.defaultKey, name: de.name, fields: de.fields });

  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'mc-relay-sandbox-'));
  const port = options.port || (await freePort(host));
  const adminToken = secret();
  const config: ConnectorConfig = {
    port,
    host,
    publicUrl: `http://${host}:${port}`,
    databaseUrl: options.databaseUrl ?? join(dataDir, 'mc-relay.sqlite'),
    dataDir,
    adminToken,
    masterKey: randomBytes(32).toString('base64'),
    // The simulators live on loopback, which a production connector refuses to call.
    allowPrivateUrls: true,
    logLevel: options.log.level,
    workers: true,
  };
  const connector = await createConnector(config, options.log, options.tuning);
  await connector.listen();

  const jwtSecret = secret();
  const adminUrl = `${config.publicUrl}/admin`;
  const response = await fetch(`${adminUrl}/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Sandbox business unit',
      mid: DEMO_MID,
      jwtSigningSecret: jwtSecret,
      sfmc: { clientId: sfmcClient.clientId, clientSecret: sfmcClient.clientSecret, authBaseUrl: sfmc.authBaseUrl },
      infobip: { baseUrl: infobip.url, apiKey: infobipKey },
      defaultCountry: 'DE',
      senders: { sms: 'mc-relay' },
    }),
  });
  if (response.status !== 201) throw new Error(`sandbox tenant creation answered ${response.status}: ${await response.text()}`);
  const tenant = (await response.json()) as {
    id: string;
    activities: Record<string, string>;
    webhooks: Record<string, string>;
    dataExtensions: Record<string, string>;
  };

  const info: SandboxInfo = {
    messageActivityUrl: tenant.activities.message!,
    reportsActivityUrl: tenant.activities.reports!,
    jwtSecret,
    adminToken,
    adminUrl,
    tenantId: tenant.id,
    sfmc: { authBaseUrl: sfmc.authBaseUrl, restBaseUrl: sfmc.restBaseUrl, ...sfmcClient },
    infobip: { baseUrl: infobip.url, apiKey: infobipKey },
    dataExtensions: tenant.dataExtensions,
    webhooks: tenant.webhooks,
    databaseUrl: config.databaseUrl,
  };
  return {
    info,
    connector,
    infobip,
    sfmc,
    async close() {
      await connector.close();
      await infobip.close();
      await sfmc.close();
    },
  };
}

/** A port free right now; the connector must know its URL before it listens. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
