import { parentPort, workerData } from 'node:worker_threads';
import { createBackgroundWorkers, openTenantStore, startBackgroundWorkers, stopBackgroundWorkers } from '../connector.ts';
import { createLogger } from '../logger.ts';
import { Metrics } from '../metrics/metrics.ts';
import type { BackgroundThreadData, FromBackground, ToBackground } from './background-thread.ts';
import { allowPrivateOutbound } from '../security/outbound-url.ts';

/** Entry of the background thread (see background-thread.ts): its own store connection, same loops. */
const { config, tuning } = workerData as BackgroundThreadData;
const port = parentPort!;
const post = (message: FromBackground) => port.postMessage(message);
const log = createLogger(config.logLevel).child({ thread: 'background' });

try {
  allowPrivateOutbound(config.allowPrivateUrls);
  const { store, tenants } = await openTenantStore(config);
  // The HTTP thread reads the queue depth; this registry has the sending series.
  const metrics = new Metrics(undefined);
  const workers = createBackgroundWorkers(config, store, tenants, log, tuning, metrics);
  port.on('message', (message: ToBackground) => {
    if (message.kind === 'wake') workers[message.loop].wake();
    else if (message.kind === 'forget') tenants.forget(message.tenantId);
    else if (message.kind === 'metrics') {
      void metrics.registry.getMetricsAsJSON().then((json) => post({ kind: 'metrics', requestId: message.requestId, metrics: json }));
    }
    else if (message.kind === 'stop') {
      void stopBackgroundWorkers(workers)
        .then(() => store.close())
        .finally(() => {
          post({ kind: 'stopped' });
          port.close();
        });
    }
  });
  startBackgroundWorkers(workers);
  post({ kind: 'started' });
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  port.close();
}

