import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { ConnectorConfig } from '../config.ts';
import type { ConnectorTuning } from '../connector.ts';

/** What the HTTP thread tells the background thread. */
export type BackgroundLoop = 'dispatcher' | 'journeyEvents';
export type ToBackground =
  | { kind: 'wake'; loop: BackgroundLoop }
  | { kind: 'forget'; tenantId: string }
  | { kind: 'metrics'; requestId: number }
  | { kind: 'stop' };
/** What the background thread answers. */
export type FromBackground =
  | { kind: 'started' }
  | { kind: 'stopped' }
  | { kind: 'failed'; message: string }
  | { kind: 'metrics'; requestId: number; metrics: MetricObjectWithValues<MetricValue<string>>[] };

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
  readonly #wakePosted = new Set<BackgroundLoop>();
  readonly #metricsWaiting = new Map<number, (metrics: MetricObjectWithValues<MetricValue<string>>[]) => void>();
  #nextRequestId = 0;

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
    this.#worker.on('message', (message: FromBackground) => {
      if (message.kind !== 'metrics') return;
      this.#metricsWaiting.get(message.requestId)?.(message.metrics);
      this.#metricsWaiting.delete(message.requestId);
    });
  }

  /** Resolves once the thread has opened the store and started its loops. */
  started(): Promise<void> {
    return this.#started;
  }

  /** New work for a loop (messages stored, events queued). Coalesced: one message per loop and turn. */
  wake(loop: BackgroundLoop): void {
    if (this.#wakePosted.has(loop)) return;
    this.#wakePosted.add(loop);
    setImmediate(() => {
      this.#wakePosted.delete(loop);
      this.#post({ kind: 'wake', loop });
    });
  }

  /** The thread's Prometheus series (its own registry: prom-client registries are per thread). */
  metrics(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    const requestId = this.#nextRequestId++;
    return new Promise((resolve) => {
      this.#metricsWaiting.set(requestId, resolve);
      this.#post({ kind: 'metrics', requestId });
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
