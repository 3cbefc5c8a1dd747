import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/schema.ts';
import { selectSuppressions } from '../store/sql/selectSuppressions.ts';

/** How stale another instance's opt-outs may be here. */
const REFRESH_MS = 5_000;

/**
 * Every tenant's suppressed numbers, in memory, so the execute path checks a recipient with a
 * Set lookup and no database or network I/O. This instance's own changes apply at once; the
 * whole list is reloaded from the database every few seconds for changes made elsewhere.
 */
export class SuppressionList {
  readonly #db: Kysely<Database>;
  readonly #log: Logger;
  #byTenant = new Map<string, Set<string>>();
  /** Changes made here while a reload reads the database: the reload may not see them yet. */
  #duringRefresh: { tenantId: string; destination: string; suppressed: boolean }[] | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Kysely<Database>, log: Logger) {
    this.#db = db;
    this.#log = log;
  }

  has(tenantId: string, destination: string): boolean {
    return this.#byTenant.get(tenantId)?.has(destination) ?? false;
  }

  /** Called once the suppressions are stored. */
  add(tenantId: string, destinations: string[]): void {
    for (const destination of destinations) this.#apply(this.#byTenant, { tenantId, destination, suppressed: true });
  }

  /** Called once the suppression is deleted. */
  remove(tenantId: string, destination: string): void {
    this.#apply(this.#byTenant, { tenantId, destination, suppressed: false });
  }

  async refresh(): Promise<void> {
    this.#duringRefresh = [];
    try {
      const rows = await selectSuppressions(this.#db);
      const next = new Map<string, Set<string>>();
      for (const r of rows) this.#apply(next, { tenantId: r.tenant_id, destination: r.destination, suppressed: true }, false);
      for (const change of this.#duringRefresh) this.#apply(next, change, false);
      this.#byTenant = next;
    } finally {
      this.#duringRefresh = undefined;
    }
  }

  #apply(into: Map<string, Set<string>>, change: { tenantId: string; destination: string; suppressed: boolean }, remember = true): void {
    if (remember) this.#duringRefresh?.push(change);
    const set = into.get(change.tenantId) ?? new Set();
    if (change.suppressed) set.add(change.destination);
    else set.delete(change.destination);
    into.set(change.tenantId, set);
  }

  /** Loads the list, then keeps it fresh until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    const tick = () => {
      this.#timer = setTimeout(() => {
        this.refresh().then(tick, (error: unknown) => {
          this.#log.error({ err: error }, 'suppression list refresh failed; the previous list stays in use');
          tick();
        });
      }, REFRESH_MS);
      this.#timer.unref();
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
