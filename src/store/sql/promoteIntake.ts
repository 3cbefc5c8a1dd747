import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database, MessagesTable } from '../schema.ts';

/** Rows moved per statement: bounds a transaction when a backlog built up with no dispatcher. */
const BATCH = 5000;

/** Every column of messages, as a SQL list; the compiler holds the names to MessagesTable. */
const columns = sql.join(Object.keys({
  id: true, tenant_id: true, activity_id: true, journey_id: true, definition_instance_id: true, contact_key: true,
  channel: true, account_id: true, destination: true, payload: true, bulk_id: true, callback_data: true,
  predicted_count: true, state: true, attempts: true, next_attempt_at: true, lease_owner: true, lease_until: true,
  created_at: true, sent_at: true, provider_status: true, last_error: true, flow_key: true, pace_interval_us: true,
  cancel_on_stop: true, expires_at: true, outcome_unknown: true,
} satisfies Record<keyof MessagesTable, true>).map((c) => sql.ref(c)));

/**
 * Moves the messages execute appended to the intake into messages, oldest first, dropping those
 * whose id is already there: Journey Builder's retries of an execute, which carry the first one's
 * id. Until then a message is accepted and durable but not yet in the queue, so whatever reads
 * the queue as a whole (the dispatcher's round, cancelling a stopped journey) moves the intake
 * first, in its own transaction when it is in one. Answers how many rows left the intake.
 *
 * On PostgreSQL another instance may be moving rows at the same moment. The dispatcher leaves
 * those to it (`others: 'skip'`); a cancellation must see them, so it waits for that move to
 * commit (`'wait'`), and its next statement finds them in messages.
 */
export async function promoteIntake(db: Kysely<Database>, others: 'skip' | 'wait' = 'skip'): Promise<number> {
  let moved = 0;
  for (let batch = BATCH; batch === BATCH; moved += batch) batch = await promoteBatch(db, others);
  return moved;
}

async function promoteBatch(db: Kysely<Database>, others: 'skip' | 'wait'): Promise<number> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // Instances promote at once: each takes rows the others have not locked. A retry's row moved
    // by one while another moves the first waits for that commit, then is dropped by ON CONFLICT.
    const lock = others === 'skip' ? sql`for update skip locked` : sql`for update`;
    const { rows } = await sql<{ moved: string }>`
      with moved as (
        delete from message_intake where seq in (select seq from message_intake order by seq limit ${BATCH} ${lock})
        returning ${columns}
      ), promoted as (
        insert into messages (${columns}) select ${columns} from moved on conflict (id) do nothing
      )
      select count(*) as moved from moved`.execute(db);
    return Number(rows[0]?.moved ?? 0);
  }
  // SQLite: an empty intake is the common case, and a write transaction would take the lock
  // execute's group commits wait for.
  const first = await db.selectFrom('message_intake').select('seq').orderBy('seq').limit(1).executeTakeFirst();
  if (!first) return 0;
  const move = async (trx: Kysely<Database>) => {
    const { rows } = await sql<{ last: number | null }>`select max(seq) as last from (select seq from message_intake order by seq limit ${BATCH})`.execute(trx);
    const last = rows[0]?.last;
    if (last === null || last === undefined) return 0;
    await sql`insert into messages (${columns}) select ${columns} from message_intake where seq <= ${last} order by seq on conflict (id) do nothing`.execute(trx);
    const deleted = await trx.deleteFrom('message_intake').where('seq', '<=', last).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  };
  return db.isTransaction ? move(db) : db.transaction().execute(move);
}
