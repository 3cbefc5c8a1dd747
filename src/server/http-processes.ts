import cluster from 'node:cluster';
import type { Logger } from 'pino';
import type { ConnectorConfig } from '../config.ts';
import { openTenantStore } from '../connector.ts';

/** A process that died is started again after this pause (a crash loop must not spin). */
const RESTART_AFTER_MS = 1000;

/**
 * MC_RELAY_HTTP_PROCESSES=N: N processes answer HTTP on one port (node:cluster hands each new
 * connection to the next), so an instance that only answers HTTP uses every core rather than one:
 * execute's work (JWT, validation, the group-committed insert) is synchronous JavaScript, one core's
 * worth per process. Each process is an instance like any other on the shared database.
 *
 * This process only supervises: it prepares the store once (migrations, the embedded master key)
 * so the processes do not race to, starts them, starts again one that dies, and passes SIGINT and
 * SIGTERM on; it exits when they all have, 0 when they all shut down cleanly.
 */
export async function superviseHttpProcesses(config: ConnectorConfig & { httpProcesses: number }, log: Logger): Promise<void> {
  const { store } = await openTenantStore(config);
  await store.close();
  let stopping = false;
  let failed = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      // One still starting has no handler yet: SIGTERM's default ends it, which is a clean stop too.
      failed ||= code !== 0 && signal !== 'SIGTERM';
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    log.error({ pid: worker.process.pid, code, signal }, 'an HTTP process exited; starting another');
    setTimeout(() => stopping || cluster.fork(), RESTART_AFTER_MS);
  });
  let listening = 0;
  cluster.on('listening', (worker) => {
    if (++listening === config.httpProcesses) log.info({ processes: config.httpProcesses, publicUrl: config.publicUrl }, 'mc-relay HTTP processes listening');
    log.debug({ pid: worker.process.pid }, 'HTTP process listening');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopping = true;
      log.info({ signal }, 'shutting down');
      const workers = Object.values(cluster.workers ?? {});
      if (workers.length === 0) process.exit(0);
      for (const worker of workers) worker?.process.kill('SIGTERM');
    });
  }
  for (let i = 0; i < config.httpProcesses; i++) cluster.fork();
}
