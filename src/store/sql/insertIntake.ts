import { CompiledQuery, type Insertable, type Kysely } from 'kysely';
import { runPerRow, writesRowByRow } from '../per-row.ts';
import { keepPrepared } from '../postgres-prepared.ts';
import type { Database, MessagesTable } from '../schema.ts';

type NewMessage = Insertable<MessagesTable>;

/**
 * Appends accepted messages to the intake in one transaction. Nothing is checked against what is
 * stored: a message id is derived from the execute that asked for it, so a retry's row carries
 * the id of the first, and the move into messages keeps only the first (promoteIntake.ts).
 */
export async function insertIntake(db: Kysely<Database>, rows: NewMessage[]): Promise<void> {
  if (rows.length === 0) return;
  if (writesRowByRow(db)) await runPerRow(db, rows, insertOne);
  else await insertAsJsonRecords(db, rows);
}

function insertOne(db: Kysely<Database>, rows: NewMessage | NewMessage[]) {
  return db.insertInto('message_intake').values(rows);
}

const statements = new Map<string, string>();

/**
 * PostgreSQL: the group travels as one JSON array of rows, turned back into rows by
 * `json_populate_recordset`. A multi-row VALUES list has a parameter per value (27 a row), so its
 * text changed with the group's size and the server parsed and planned each one anew. One array
 * per column (`unnest`, until 2026-11-28) had a constant text, but pg built an array literal per
 * column, escaping every value in JavaScript; JSON.stringify does that natively. Measured on
 * 20-row groups, three runs each: 41–53 µs of client CPU per row against 47–66 µs, the server's
 * unchanged (60–64 µs against 58–68 µs).
 */
async function insertAsJsonRecords(db: Kysely<Database>, rows: NewMessage[]): Promise<void> {
  const columns = Object.keys(rows[0]!).filter((column) => rows[0]![column as keyof NewMessage] !== undefined);
  // A key missing from the JSON becomes NULL, not the column's default: rows that leave out
  // different columns (only tests write such) go as a VALUES list, which fills in DEFAULT.
  const mixed = rows.some((row) => Object.keys(row).length !== columns.length || columns.some((column) => row[column as keyof NewMessage] === undefined));
  if (mixed) {
    await insertOne(db, rows).execute();
    return;
  }
  const key = columns.join(', ');
  let text = statements.get(key);
  if (!text) {
    text = keepPrepared(`insert into message_intake (${key}) select ${key} from json_populate_recordset(null::messages, $1::json)`);
    statements.set(key, text);
  }
  await db.executeQuery(CompiledQuery.raw(text, [rowsAsJson(rows)]));
}

/**
 * JSON.stringify writes a lone UTF-16 surrogate (half an emoji cut off in a contact's data) as a
 * `\ud83d` escape, which PostgreSQL's JSON refuses, failing every execute of the group. Sent as
 * text, pg encoded it as U+FFFD: the same replacement keeps the stored text as it was. A replacer
 * slows every group by a third, so it runs only when such an escape may be there.
 */
function rowsAsJson(rows: NewMessage[]): string {
  const json = JSON.stringify(rows);
  return json.includes('\\ud') ? JSON.stringify(rows, wellFormed) : json;
}

function wellFormed(_key: string, value: unknown): unknown {
  return typeof value === 'string' && !value.isWellFormed() ? value.toWellFormed() : value;
}
