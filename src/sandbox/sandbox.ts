import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ConnectorConfig } from '../config.ts';
import { type Connector, type ConnectorTuning, createConnector } from '../connector.ts';
import { inboundMessages, reportDataExtensions } from '../reports/data-extensions.ts';
import { type DeliveryOutcomeMix, type InfobipSimulator, startInfobipSimulator } from './infobip/simulator.ts';
import { startJourneyBuilderStandIn } from './journey-builder-standin/server.ts';
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
  /** Share of delivered RCS/Viber/WhatsApp messages that are seen. */
  seenRate?: number;
  tuning?: ConnectorTuning;
  /** ConnectorConfig.trustProxy: tests stand in for many clients behind a proxy with X-Forwarded-For. */
  trustProxy?: ConnectorConfig['trustProxy'];
  log: Logger;
}

/** The one line `npm run sandbox` prints: everything needed to drive the sandbox by hand. */
export interface SandboxInfo {
  /** The Configuration app: sign in with `sfmc` (MID = accountId, its SOAP and Auth Origin). */
  configAppUrl: string;
  messageActivityUrl: string;
  reportsActivityUrl: string;
  splitActivityUrl: string;
  jwtSecret: string;
  adminToken: string;
  adminUrl: string;
  tenantId: string;
  sfmc: SimulatorEndpoints['sfmc'];
  infobip: { baseUrl: string; apiKey: string };
  dataExtensions: Record<string, string>;
  webhooks: Record<string, string>;
  databaseUrl: string;
  /** The Journey Builder stand-in: opens the activity UIs as Journey Builder does (`?activity=message`). */
  journeyBuilderUrl: string;
}

export interface Sandbox {
  info: SandboxInfo;
  connector: Connector;
  infobip: InfobipSimulator;
  sfmc: SfmcSimulator;
  close(): Promise<void>;
}

const DEMO_MID = '510000001';

const newSecret = () => randomBytes(24).toString('base64url');

export interface SimulatorOptions {
  host?: string;
  infobipPort?: number;
  sfmcPort?: number;
  deliveryDelayMs?: number | [number, number];
  outcomes?: DeliveryOutcomeMix;
  seenRate?: number;
  /** Delivery attempts per webhook batch (the simulator's default is 5, some 6 s of retrying). */
  webhookAttempts?: number;
}

/** Both simulators, with credentials for one SFMC business unit and one Infobip account. */
export interface Simulators {
  infobip: InfobipSimulator;
  sfmc: SfmcSimulator;
  sfmcClient: { clientId: string; clientSecret: string; accountId: string };
  infobipApiKey: string;
  close(): Promise<void>;
}

/** Starts SFMC and Infobip simulators; the business unit already has the report data extensions. */
export async function startSimulators(options: SimulatorOptions = {}): Promise<Simulators> {
  const host = options.host ?? '127.0.0.1';
  const sfmcClient = { clientId: `sandbox-${newSecret().slice(0, 12)}`, clientSecret: newSecret(), accountId: DEMO_MID };
  const infobipApiKey = newSecret();
  const infobip = await startInfobipSimulator({
    host,
    port: options.infobipPort ?? 0,
    apiKeys: [infobipApiKey],
    ...(options.deliveryDelayMs !== undefined ? { deliveryDelayMs: options.deliveryDelayMs } : {}),
    ...(options.outcomes ? { outcomes: options.outcomes } : {}),
    ...(options.seenRate !== undefined ? { seenRate: options.seenRate } : {}),
    ...(options.webhookAttempts !== undefined ? { webhookRetry: { maxAttempts: options.webhookAttempts } } : {}),
  });
  const sfmc = await startSfmcSimulator({ host, port: options.sfmcPort ?? 0, clients: [sfmcClient] });
  for (const de of reportDataExtensions) sfmc.createDataExtension(DEMO_MID, { key: de.defaultKey, name: de.name, fields: de.fields });
  sfmc.createEventDefinition(DEMO_MID, { key: SANDBOX_REPLY_EVENT, dataExtensionKey: inboundMessages.defaultKey });
  return {
    infobip,
    sfmc,
    sfmcClient,
    infobipApiKey,
    async close() {
      await infobip.close();
      await sfmc.close();
    },
  };
}

/**
 * What an operator does in Infobip for the tenant: clicks go to its click URL (a CLICK
 * subscription) and replies to its inbound URL in the Messages API format the guide asks for.
 * The two-way demo's Wait Until Event reads the Inbound Messages data extension.
 */
export function subscribeToEngagement(simulators: Pick<Simulators, 'infobip'>, webhooks: Record<string, string>): void {
  simulators.infobip.subscribe({ events: ['CLICK'], profile: { webhook: { notifyUrl: webhooks.clicks! } } });
  simulators.infobip.subscribe({ events: ['INBOUND_MESSAGE'], format: 'MO_MESSAGES_API_JSON', profile: { webhook: { notifyUrl: webhooks.inbound! } } });
}

/** The event definition key of the sandbox's two-way journey (its Wait Until Event). */
export const SANDBOX_REPLY_EVENT = 'McRelay-Reply';

export interface SimulatorEndpoints {
  sfmc: { authBaseUrl: string; restBaseUrl: string; soapBaseUrl: string; clientId: string; clientSecret: string; accountId: string };
  infobip: { baseUrl: string; apiKey: string };
}

export function simulatorEndpoints(simulators: Simulators): SimulatorEndpoints {
  return {
    sfmc: { authBaseUrl: simulators.sfmc.authBaseUrl, restBaseUrl: simulators.sfmc.restBaseUrl, soapBaseUrl: simulators.sfmc.soapBaseUrl, ...simulators.sfmcClient },
    infobip: { baseUrl: simulators.infobip.url, apiKey: simulators.infobipApiKey },
  };
}

/**
 * Creates the demo tenant through the connector's real admin API, pointed at the simulators,
 * and answers the sandbox description (without the database location).
 */
/** The demo tenant as the admin API describes it: the sandbox's description without what the sandbox adds. */
export type DemoTenant = Omit<SandboxInfo, 'databaseUrl' | 'journeyBuilderUrl'>;

export async function createDemoTenant(adminUrl: string, adminToken: string, endpoints: SimulatorEndpoints): Promise<DemoTenant> {
  const jwtSecret = newSecret();
  const response = await fetch(`${adminUrl}/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Sandbox business unit',
      mid: endpoints.sfmc.accountId,
      jwtSigningSecret: jwtSecret,
      sfmc: { clientId: endpoints.sfmc.clientId, clientSecret: endpoints.sfmc.clientSecret, authBaseUrl: endpoints.sfmc.authBaseUrl },
      infobip: endpoints.infobip,
      defaultCountry: 'DE',
      // One sender per channel family, as the Configuration app's sender tokens would set them.
      senders: { sms: 'mc-relay', viber: 'McRelayShop', rcs: 'McRelayShop', whatsapp: '441134960000', kakao: 'mc-relay-kakao', zalo: '4318274655102938471' },
    }),
  });
  if (response.status !== 201) throw new Error(`sandbox tenant creation answered ${response.status}: ${await response.text()}`);
  const tenant = (await response.json()) as { id: string; urlKey: string; activities: Record<string, string>; webhooks: Record<string, string>; dataExtensions: Record<string, string> };
  return {
    configAppUrl: `${adminUrl.replace(/\/admin$/, '')}/t/${tenant.urlKey}/app/`,
    messageActivityUrl: tenant.activities.message!,
    reportsActivityUrl: tenant.activities.reports!,
    splitActivityUrl: tenant.activities.split!,
    jwtSecret,
    adminToken,
    adminUrl,
    tenantId: tenant.id,
    ...endpoints,
    dataExtensions: tenant.dataExtensions,
    webhooks: tenant.webhooks,
  };
}

/**
 * The connector with faithful SFMC and Infobip simulators on loopback, and a demo tenant created
 * through the real admin API: a full offline installation for the demo, the bench and the tests.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const simulators = await startSimulators({
    host,
    infobipPort: options.infobipPort ?? 0,
    sfmcPort: options.sfmcPort ?? 0,
    ...(options.deliveryDelayMs !== undefined ? { deliveryDelayMs: options.deliveryDelayMs } : {}),
    ...(options.outcomes ? { outcomes: options.outcomes } : {}),
    ...(options.seenRate !== undefined ? { seenRate: options.seenRate } : {}),
  });
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'mc-relay-sandbox-'));
  const port = options.port || (await freePort(host));
  const adminToken = newSecret();
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
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    logLevel: options.log.level,
    workers: true,
  };
  const connector = await createConnector(config, options.log, options.tuning);
  await connector.listen();
  const described = await createDemoTenant(`${config.publicUrl}/admin`, adminToken, simulatorEndpoints(simulators));
  const journeyBuilder = await startJourneyBuilderStandIn({
    host,
    activityUrls: { message: described.messageActivityUrl, reports: described.reportsActivityUrl, split: described.splitActivityUrl },
    jwtSecret: described.jwtSecret,
    sfmc: described.sfmc,
  });
  subscribeToEngagement(simulators, described.webhooks);
  return {
    info: { ...described, databaseUrl: config.databaseUrl, journeyBuilderUrl: journeyBuilder.url },
    connector,
    infobip: simulators.infobip,
    sfmc: simulators.sfmc,
    async close() {
      await journeyBuilder.close();
      await connector.close();
      await simulators.close();
    },
  };
}

/** A port free right now; the connector must know its URL before it listens. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
