import cluster from 'node:cluster';
import { type ConnectorConfig, configFromEnv } from './config.ts';
import { createConnector } from './connector.ts';
import { createLogger } from './logger.ts';
import { superviseHttpProcesses } from './server/http-processes.ts';

const config = configFromEnv();
const log = createLogger(config.logLevel);
const httpProcesses = config.httpProcesses ?? 1;
if (httpProcesses > 1 && cluster.isPrimary) await superviseHttpProcesses({ ...config, httpProcesses }, log);
else await serve(config);

async function serve(config: ConnectorConfig): Promise<void> {
  const connector = await createConnector(config, log);
  const address = await connector.listen();
  log.info({ address, publicUrl: config.publicUrl, database: connector.store.dialect }, 'mc-relay listening');

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      connector.close().then(
        () => process.exit(0),
        (error) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
