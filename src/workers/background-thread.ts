import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ConnectorConfig } from '../config.ts';
import type { ConnectorTuning } from '../connector.ts';

/** What the HTTP thread tells the background thread. */
export type ToBackground = { kind: 'wake' } | { kind: 'forget'; tenantId: string } | { kind: 'stop' };
/** What the background thread answers. */
export type FromBackground = { kind: 'started' } | { kind: 'stopped' } | { kind: 'failed'; message: string };

/**
 * A worker thread does not inherit the tsx loader the main thread was started with (Node 20), so
 * the thread registers it before importing its TypeScript entry.
 */
const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./worker-thread.ts', import.meta.url).href)}); })`;

export interface BackgroundThreadData {
  config: ConnectorConfig;
  tuning: ConnectorTuning;
}

/**
 * The dispatcher and the write-back worker on a thread of their own. Their SQL and JSON work is
 * synchronous (better-sqlite3, report parsing): on the HTTP thread it would stall every execute
 * waiting for its group commit. Here it runs beside them, on the second core.
 */
export class BackgroundThread {
  readonly #worker: Worker;
  readonly #log: Logger;
  readonly #started: Promise<void>;
  #stopped: Promise<void> | undefined;
  #wakePosted = false;

  constructor(config: ConnectorConfig, tuning: ConnectorTuning, log: Logger) {
    this.#log = log;
    const workerData: BackgroundThreadData = { config, tuning };
    this.#worker = new Worker(bootstrap, { eval: true, workerData });
    this.#started = new Promise((resolve, reject) => {
      const onMessage = (message: FromBackground) => {
        if (message.kind === 'started') resolve();
        if (message.kind === 'failed') reject(new Error(`background thread failed to start: ${message.message}`));
      };
      this.#worker.on('message', onMessage);
      this.#worker.once('error', reject);
      this.#worker.once('exit', (code) => reject(new Error(`background thread exited (${code}) while starting`)));
    });
    this.#worker.on('error', (error) => this.#log.error({ err: error }, 'background thread crashed'));
  }

  /** Resolves once the thread has opened the store and started its loops. */
  started(): Promise<void> {
    return this.#started;
  }

  /** New messages are stored. Coalesced: one message per turn of the event loop at most. */
  wake(): void {
    if (this.#wakePosted) return;
    this.#wakePosted = true;
    setImmediate(() => {
      this.#wakePosted = false;
      this.#post({ kind: 'wake' });
    });
  }

  forget(tenantId: string): void {
    this.#post({ kind: 'forget', tenantId });
  }

  /** Graceful: the thread stops claiming, finishes in-flight requests and closes its store. */
  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      this.#post({ kind: 'stop' });
    });
    return this.#stopped;
  }

  #post(message: ToBackground): void {
    this.#worker.postMessage(message);
  }
}
