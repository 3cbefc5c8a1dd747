import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ConnectorConfig } from './config.ts';
import { Dispatcher } from './dispatch/dispatcher.ts';
import { OutboxWriter } from './dispatch/outbox-writer.ts';
import { Metrics } from './metrics/metrics.ts';
import { JourneyEventWorker } from './reports/journey-events.ts';
import { SuppressionList } from './reports/suppression-list.ts';
import { WritebackWorker } from './reports/writeback.ts';
import { buildServer } from './server/app.ts';
import { SfmcClient } from './sfmc/client.ts';
import { allowPrivateOutbound } from './security/outbound-url.ts';
import { openStore, type Store, type StoreOptions } from './store/database.ts';
import { frameAncestors } from './security/frame-ancestors.ts';
import { webhookUrls } from './tenants/describe-tenant.ts';
import { BackgroundThread } from './workers/background-thread.ts';
import { loadOrCreateKeyFile, parseMasterKey, parsePreviousMasterKeys, SecretBox } from './tenants/secret-box.ts';
import { TenantDirectory } from './tenants/tenant-directory.ts';

export interface Connector {
  app: FastifyInstance;
  store: Store;
  tenants: TenantDirectory;
  dispatcher: Dispatcher;
  writeback: WritebackWorker;
  journeyEvents: JourneyEventWorker;
  suppressions: SuppressionList;
  /** Listens on the configured host and port; answers the bound address. */
  listen(): Promise<string>;
  /** Graceful: stop accepting, stop claiming, finish in-flight work, close the store. */
  close(): Promise<void>;
}

export interface ConnectorTuning {
  dispatcherIdleMs?: number;
  writebackIdleMs?: number;
}

/** Wires the store, tenants, execute path, dispatcher, write-back and HTTP routes together. */
export async function createConnector(config: ConnectorConfig, log: Logger, tuning: ConnectorTuning = {}): Promise<Connector> {
  allowPrivateOutbound(config.allowPrivateUrls);
  // With a background thread, it checkpoints SQLite's WAL: the HTTP thread never stalls on one.
  const { store, box, tenants } = await openTenantStore(config, { checkpointsElsewhere: config.workers && config.workerThread === true });
  // Queue depth is read from the store here; the background thread's series are merged in at scrape.
  const metrics = new Metrics(store);
  const { dispatcher, writeback, journeyEvents } = createBackgroundWorkers(config, store, tenants, log, tuning, metrics);
  // The loops run here (inline: tests, the sandbox) or on a thread of their own (`npm start`).
  const thread = config.workers && config.workerThread ? new BackgroundThread(config, tuning, log) : undefined;
  if (thread) tenants.onForget((id) => thread.forget(id));
  const suppressions = new SuppressionList(store.db, log.child({ component: 'suppressions' }));
  const outbox = new OutboxWriter(store.db, thread ? () => thread.wake('dispatcher') : () => dispatcher.wake());
  const app = buildServer(
    {
      store,
      tenants,
      box,
      outbox,
      publicUrl: config.publicUrl,
      adminToken: config.adminToken,
      metrics,
      metricsToken: config.metricsToken,
      backgroundMetrics: thread ? () => thread.metrics() : undefined,
      sfmc: new SfmcClient(),
      allowPrivateUrls: config.allowPrivateUrls,
      frameAncestors: frameAncestors(config.frameAncestors, config.allowPrivateUrls),
      reportsStored: () => undefined,
      journeyEventsQueued: thread ? () => thread.wake('journeyEvents') : () => journeyEvents.wake(),
      suppressions,
    },
    log,
    config.trustProxy,
  );

  return {
    app,
    store,
    tenants,
    dispatcher,
    writeback,
    journeyEvents,
    suppressions,
    async listen() {
      if (thread) await thread.started();
      // Executes check opt-outs in memory: the list is loaded before the first one arrives.
      await suppressions.start();
      const address = await app.listen({ host: config.host, port: config.port });
      if (config.workers && !thread) startBackgroundWorkers({ dispatcher, writeback, journeyEvents });
      return address;
    },
    async close() {
      await app.close();
      await thread?.stop();
      await stopBackgroundWorkers({ dispatcher, writeback, journeyEvents });
      suppressions.stop();
      await store.close();
    },
  };
}

/** The store (migrated) and the tenants it holds, with the key that opens their secrets. */
export async function openTenantStore(config: ConnectorConfig, options: StoreOptions = {}): Promise<{ store: Store; box: SecretBox; tenants: TenantDirectory }> {
  const store = await openStore(config.databaseUrl, options);
  let box: SecretBox;
  try {
    box = new SecretBox([masterKey(config, store), ...parsePreviousMasterKeys(config.previousMasterKeys)]);
  } catch (error) {
    // Refusing to start must not leave the database pool open behind the caller.
    await store.close();
    throw error;
  }
  return { store, box, tenants: new TenantDirectory(store.db, box) };
}

/** The loops that send queued messages, write reports back to SFMC and fire journey events. */
export interface BackgroundWorkers {
  dispatcher: Dispatcher;
  writeback: WritebackWorker;
  journeyEvents: JourneyEventWorker;
}

/** The background loops, not started. */
export function createBackgroundWorkers(
  config: ConnectorConfig,
  store: Store,
  tenants: TenantDirectory,
  log: Logger,
  tuning: ConnectorTuning,
  metrics: Metrics,
): BackgroundWorkers {
  const sfmc = new SfmcClient();
  const dispatcher = new Dispatcher({
    store,
    tenants,
    sfmc,
    metrics,
    log: log.child({ component: 'dispatcher' }),
    webhookUrls: (tenant) => webhookUrls(config.publicUrl, tenant),
    ...(tuning.dispatcherIdleMs !== undefined ? { idleMs: tuning.dispatcherIdleMs } : {}),
  });
  const writeback = new WritebackWorker({
    store,
    tenants,
    sfmc,
    log: log.child({ component: 'write-back' }),
    allowPrivateUrls: config.allowPrivateUrls,
    ...(tuning.writebackIdleMs !== undefined ? { idleMs: tuning.writebackIdleMs } : {}),
  });
  const journeyEvents = new JourneyEventWorker({
    store,
    tenants,
    sfmc,
    log: log.child({ component: 'journey-events' }),
    ...(tuning.writebackIdleMs !== undefined ? { idleMs: tuning.writebackIdleMs } : {}),
  });
  return { dispatcher, writeback, journeyEvents };
}

export function startBackgroundWorkers(workers: BackgroundWorkers): void {
  workers.dispatcher.start();
  workers.writeback.start();
  workers.journeyEvents.start();
}

/** Graceful: each loop stops claiming and finishes what it has in flight. */
export async function stopBackgroundWorkers(workers: BackgroundWorkers): Promise<void> {
  await Promise.all([workers.dispatcher.stop(), workers.writeback.stop(), workers.journeyEvents.stop()]);
}

function masterKey(config: ConnectorConfig, store: Store): Buffer {
  if (config.masterKey) return parseMasterKey(config.masterKey);
  if (store.dialect === 'postgres') {
    throw new Error('MC_RELAY_MASTER_KEY is required with PostgreSQL: every instance must seal secrets with the same key');
  }
  return loadOrCreateKeyFile(join(config.dataDir, 'master.key'));
}
