import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../store/database.ts';
import { countWaitingMessages } from '../store/sql/countWaitingMessages.ts';

/** Seconds over which the instance's send rate gauge averages. */
const RATE_WINDOW_S = 10;

/**
 * The connector's Prometheus metrics, one registry per connector (several run in one test
 * process). Queue depth is read from the store at scrape time, so every instance reports the
 * shared queue; the other series are this instance's own.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly messagesSent: Counter<'channel'>;
  readonly providerLatency: Histogram<'channel' | 'outcome'>;
  readonly errors: Counter<'kind'>;
  readonly pacingLag: Gauge<'tenant' | 'activity'>;
  /** Messages sent per second, per RATE_WINDOW_S bucket ring. */
  readonly #sentPerSecond = new Map<number, number>();

  /** `store`: read the queue depth from it at scrape (the background thread's copy passes none). */
  constructor(store: Store | undefined) {
    const registers = [this.registry];
    if (store) {
      new Gauge({
        name: 'mc_relay_queue_depth',
        help: 'Messages waiting to be sent (queued or being sent), per tenant and activity',
        labelNames: ['tenant', 'activity'],
        registers,
        async collect() {
          this.reset();
          for (const row of await countWaitingMessages(store.db)) this.set({ tenant: row.tenantId, activity: row.activityId }, row.count);
        },
      });
    }
    this.messagesSent = new Counter({ name: 'mc_relay_messages_sent_total', help: 'Messages Infobip accepted from this instance', labelNames: ['channel'], registers });
    const sentPerSecond = this.#sentPerSecond;
    new Gauge({
      name: 'mc_relay_send_rate',
      help: `Messages per second this instance sent, averaged over the last ${RATE_WINDOW_S} s`,
      registers,
      collect() {
        const now = Math.floor(Date.now() / 1000);
        let sum = 0;
        for (const [second, count] of sentPerSecond) {
          if (second <= now - RATE_WINDOW_S) sentPerSecond.delete(second);
          else if (second < now) sum += count;
        }
        this.set(sum / RATE_WINDOW_S);
      },
    });
    this.providerLatency = new Histogram({
      name: 'mc_relay_provider_request_seconds',
      help: 'Duration of Infobip send requests',
      labelNames: ['channel', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.errors = new Counter({ name: 'mc_relay_errors_total', help: 'Messages that could not be sent as planned, by kind', labelNames: ['kind'], registers });
    this.pacingLag = new Gauge({
      name: 'mc_relay_pacing_lag_seconds',
      help: 'How late the last paced message of a flow left after its planned slot, per tenant and activity',
      labelNames: ['tenant', 'activity'],
      registers,
    });
  }

  sent(channel: string, count: number): void {
    this.messagesSent.inc({ channel }, count);
    const second = Math.floor(Date.now() / 1000);
    this.#sentPerSecond.set(second, (this.#sentPerSecond.get(second) ?? 0) + count);
  }
}
