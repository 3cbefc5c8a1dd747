import { type Compilable, CompiledQuery, type Kysely, SqliteAdapter } from 'kysely';
import type { Database } from './schema.ts';
import { RowBatch } from './sqlite-driver.ts';

/** Stands for a row's value while a statement's shape is compiled; never stored. */
const SLOT = '\u0000mc-relay-slot:';

type Template = { sql: string; parameters: ({ column: string } | { value: unknown })[] };
const templates = new WeakMap<object, Map<string, Template>>();

/**
 * Whether many-row writes should go row by row (SQLite) rather than as one multi-row statement.
 * SQLite runs in-process, and a multi-row statement is its slow path there: its text changes with
 * the number of rows, so it is prepared anew each time, and SQLite spends more on it per row. A
 * single-row statement, prepared once and run per row inside one transaction, costs about a third
 * less CPU per row. PostgreSQL is the opposite: a round trip per row would cost more than anything.
 */
export function writesRowByRow(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * Runs the one-row statement `build` makes, once per row, in one transaction (the caller's, if it
 * is in one), and answers every row's returned rows in order. `build` is compiled once per set of
 * columns, with stand-in values whose parameters are then filled from each row, so it must be a
 * module-level function whose statement depends on nothing but the row's values.
 */
export async function runPerRow<Row extends Record<string, unknown>, Out>(
  db: Kysely<Database>,
  rows: Row[],
  build: (db: Kysely<Database>, row: Row) => Compilable<Out>,
): Promise<Out[]> {
  if (rows.length === 0) return [];
  const run = async (trx: Kysely<Database>) => {
    const out: Out[] = [];
    // Consecutive rows of the same columns share a statement: one query runs it for each.
    let batch: { template: Template; parameterLists: unknown[][] } | undefined;
    const flush = async () => {
      if (!batch) return;
      out.push(...(await trx.executeQuery<Out>(CompiledQuery.raw(batch.template.sql, [new RowBatch(batch.parameterLists)]))).rows);
    };
    for (const row of rows) {
      const template = templateFor(trx, build, row);
      if (batch?.template !== template) {
        await flush();
        batch = { template, parameterLists: [] };
      }
      batch.parameterLists.push(template.parameters.map((p) => ('column' in p ? (row[p.column] ?? null) : p.value)));
    }
    await flush();
    return out;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

function templateFor<Row extends Record<string, unknown>, Out>(db: Kysely<Database>, build: (db: Kysely<Database>, row: Row) => Compilable<Out>, row: Row): Template {
  const columns = Object.keys(row).filter((column) => row[column] !== undefined);
  const key = columns.join('\u0000');
  let byColumns = templates.get(build);
  if (!byColumns) templates.set(build, (byColumns = new Map()));
  let template = byColumns.get(key);
  if (!template) {
    const stand = Object.fromEntries(columns.map((column) => [column, `${SLOT}${column}`])) as Row;
    const compiled = build(db, stand).compile();
    template = {
      sql: compiled.sql,
      parameters: compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(SLOT) ? { column: p.slice(SLOT.length) } : { value: p })),
    };
    byColumns.set(key, template);
  }
  return template;
}
