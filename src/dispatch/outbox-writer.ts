import type { Insertable, Kysely } from 'kysely';
import type { Database, MessagesTable } from '../store/schema.ts';
import { insertIntake } from '../store/sql/insertIntake.ts';

type NewMessage = Insertable<MessagesTable>;

interface Waiting {
  row: NewMessage;
  resolve: (messageId: string) => void;
  reject: (error: unknown) => void;
}

/** Large enough to keep SQL parameters under both dialects' limits (≈ 23 per row). */
const MAX_GROUP = 1000;
/** Concurrent group commits; PostgreSQL overlaps them on its pool, SQLite serialises anyway. */
const MAX_FLUSHES = 4;

/**
 * Group commit for execute: every message waiting when the event loop turns is written in one
 * statement, and each execute is answered only after its row is durable. Flushing on the next
 * turn (setImmediate) rather than on a timer keeps latency low and batches large under load
 * (perf-anchors.md). Journey Builder's retries resolve to the message a first execute stored.
 */
export class OutboxWriter {
  readonly #db: Kysely<Database>;
  readonly #onStored: () => void;
  #waiting: Waiting[] = [];
  #scheduled = false;
  #flushing = 0;

  constructor(db: Kysely<Database>, onStored: () => void) {
    this.#db = db;
    this.#onStored = onStored;
  }

  /** Resolves with the message's id once it (or the row of an earlier try of the same execute) is stored. */
  store(row: NewMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ row, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing >= MAX_FLUSHES || this.#waiting.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    const group = this.#waiting.splice(0, MAX_GROUP);
    this.#flushing++;
    this.#schedule();
    try {
      // Two executes of one contact in the same group (a fast retry) become one row.
      const rows = new Map<string, NewMessage>();
      for (const w of group) if (!rows.has(w.row.id)) rows.set(w.row.id, w.row);
      await insertIntake(this.#db, [...rows.values()]);
      for (const w of group) w.resolve(w.row.id);
      this.#onStored();
    } catch (error) {
      for (const w of group) w.reject(error);
    } finally {
      this.#flushing--;
      this.#schedule();
    }
  }
}
