import { parentPort, workerData } from 'node:worker_threads';
import { createBackgroundWorkers, openTenantStore } from '../connector.ts';
import { createLogger } from '../logger.ts';
import type { BackgroundThreadData, FromBackground, ToBackground } from './background-thread.ts';

/** Entry of the background thread (see background-thread.ts): its own store connection, same loops. */
const { config, tuning } = workerData as BackgroundThreadData;
const port = parentPort!;
const post = (message: FromBackground) => port.postMessage(message);
const log = createLogger(config.logLevel).child({ thread: 'background' });

try {
  const { store, tenants } = await openTenantStore(config);
  const workers = createBackgroundWorkers(config, store, tenants, log, tuning);
  port.on('message', (message: ToBackground) => {
    if (message.kind === 'wake') workers.dispatcher.wake();
    else if (message.kind === 'forget') tenants.forget(message.tenantId);
    else if (message.kind === 'stop') {
      void Promise.all([workers.dispatcher.stop(), workers.writeback.stop()])
        .then(() => store.close())
        .finally(() => {
          post({ kind: 'stopped' });
          port.close();
        });
    }
  });
  workers.dispatcher.start();
  workers.writeback.start();
  post({ kind: 'started' });
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  port.close();
}
