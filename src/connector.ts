import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ConnectorConfig } from './config.ts';
import { Dispatcher } from './dispatch/dispatcher.ts';
import { OutboxWriter } from './dispatch/outbox-writer.ts';
import { Metrics } from './metrics/metrics.ts';
import { WritebackWorker } from './reports/writeback.ts';
import { buildServer } from './server/app.ts';
import { SfmcClient } from './sfmc/client.ts';
import { openStore, type Store } from './store/database.ts';
import { webhookUrls } from './tenants/describe-tenant.ts';
import { loadOrCreateKeyFile, parseMasterKey, SecretBox } from './tenants/secret-box.ts';
import { TenantDirectory } from './tenants/tenant-directory.ts';

export interface Connector {
  app: FastifyInstance;
  store: Store;
  tenants: TenantDirectory;
  dispatcher: Dispatcher;
  writeback: WritebackWorker;
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
  const store = await openStore(config.databaseUrl);
  let box: SecretBox;
  try {
    box = new SecretBox(masterKey(config, store));
  } catch (error) {
    // Refusing to start must not leave the database pool open behind the caller.
    await store.close();
    throw error;
  }
  const tenants = new TenantDirectory(store.db, box);
  const sfmc = new SfmcClient();
  const metrics = new Metrics(store);
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
    ...(tuning.writebackIdleMs !== undefined ? { idleMs: tuning.writebackIdleMs } : {}),
  });
  const outbox = new OutboxWriter(store.db, () => dispatcher.wake());
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
      sfmc,
      allowPrivateUrls: config.allowPrivateUrls,
      reportsStored: () => undefined,
    },
    log,
  );

  return {
    app,
    store,
    tenants,
    dispatcher,
    writeback,
    async listen() {
      const address = await app.listen({ host: config.host, port: config.port });
      if (config.workers) {
        dispatcher.start();
        writeback.start();
      }
      return address;
    },
    async close() {
      await app.close();
      await dispatcher.stop();
      await writeback.stop();
      await store.close();
    },
  };
}

function masterKey(config: ConnectorConfig, store: Store): Buffer {
  if (config.masterKey) return parseMasterKey(config.masterKey);
  if (store.dialect === 'postgres') {
    throw new Error('MC_RELAY_MASTER_KEY is required with PostgreSQL: every instance must seal secrets with the same key');
  }
  return loadOrCreateKeyFile(join(config.dataDir, 'master.key'));
}
