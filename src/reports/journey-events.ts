import type { Logger } from 'pino';
import { retryDelayMs } from '../http/retry.ts';
import type { SfmcClient } from '../sfmc/client.ts';
import type { Store } from '../store/database.ts';
import { claimJourneyEvents } from '../store/sql/claimJourneyEvents.ts';
import { updateJourneyEvent } from '../store/sql/updateJourneyEvent.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { PollingLoop } from '../workers/polling-loop.ts';

/** After this many tries an event SFMC keeps failing is given up (its reason stays in the queue). */
const MAX_ATTEMPTS = 12;

export interface JourneyEventOptions {
  store: Store;
  tenants: TenantDirectory;
  sfmc: SfmcClient;
  log: Logger;
  idleMs?: number;
  leaseMs?: number;
  claimLimit?: number;
}

/**
 * Two-way journeys: fires the journey events replies queued (record-inbound.ts), so a contact
 * waiting in a Wait Until Event continues. Events are durable rows; SFMC being down or throttling
 * only delays them (backoff). One SFMC refuses (no such event definition, contact not in the
 * journey: 400) is marked failed with SFMC's reason and logged.
 */
export class JourneyEventWorker {
  readonly #o: Required<JourneyEventOptions>;
  readonly #loop: PollingLoop;

  constructor(options: JourneyEventOptions) {
    this.#o = { idleMs: 500, leaseMs: 60_000, claimLimit: 200, ...options };
    this.#loop = new PollingLoop('journey events', this.#o.idleMs, () => this.#round(), this.#o.log);
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  wake(): void {
    this.#loop.wake();
  }

  async #round(): Promise<boolean> {
    const { store, tenants, sfmc, log } = this.#o;
    const events = await claimJourneyEvents(store.db, store.dialect, { now: Date.now(), leaseMs: this.#o.leaseMs, limit: this.#o.claimLimit });
    await Promise.all(
      events.map(async (event) => {
        const tenant = await tenants.byId(event.tenant_id);
        const outcome = tenant
          ? await sfmc.fireEvent(tenant, { ContactKey: event.contact_key, EventDefinitionKey: event.event_definition_key, Data: JSON.parse(event.data) as Record<string, unknown> })
          : ({ kind: 'retry', reason: 'tenant not found', retryAfterMs: undefined } as const);
        if (outcome.kind === 'ok') {
          await updateJourneyEvent(store.db, event.id, { state: 'fired', event_instance_id: outcome.value, last_error: null });
        } else if (outcome.kind === 'failed' || event.attempts >= MAX_ATTEMPTS) {
          log.error({ tenantId: event.tenant_id, eventDefinitionKey: event.event_definition_key, reason: outcome.reason }, 'journey event could not be fired');
          await updateJourneyEvent(store.db, event.id, { state: 'failed', last_error: outcome.reason.slice(0, 1000) });
        } else {
          log.warn({ tenantId: event.tenant_id, reason: outcome.reason }, 'journey event will be retried');
          const delay = retryDelayMs(event.attempts, Date.now() - event.created_at, outcome.retryAfterMs);
          await updateJourneyEvent(store.db, event.id, { state: 'pending', next_attempt_at: Date.now() + delay, last_error: outcome.reason.slice(0, 1000) });
        }
      }),
    );
    return events.length >= this.#o.claimLimit;
  }
}
