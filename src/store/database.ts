import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations.ts';
import { preparingPool } from './postgres-prepared.ts';
import type { Database } from './schema.ts';
import { AsyncRetrySqliteDialect } from './sqlite-driver.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

// BIGINT columns hold epoch milliseconds, well inside Number's exact range: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/**
 * Opens the store: `postgres://…` URLs use PostgreSQL, anything else is a SQLite file path.
 * Migrations are applied before the store is returned.
 */
export interface StoreOptions {
  /**
   * SQLite: another thread of this process writes to the same file and checkpoints the WAL
   * (the background thread). A checkpoint copies the WAL into the database file and fsyncs both;
   * run by whichever connection's commit crosses the threshold, it stalled the HTTP thread for
   * tens of milliseconds at a time once the file was large. The HTTP thread then leaves it to them.
   */
  checkpointsElsewhere?: boolean;
}

export async function openStore(location: string, options: StoreOptions = {}): Promise<Store> {
  const store = location.startsWith('postgres://') || location.startsWith('postgresql://')
    ? openPostgres(location)
    : openSqlite(location, options);
  await migrate(store);
  return store;
}

function openSqlite(file: string, options: StoreOptions): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  // WAL + NORMAL: commits survive a process crash without an fsync each (see docs/architecture).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Lock waits happen in AsyncRetrySqliteDialect, without blocking the event loop.
  sqlite.pragma('busy_timeout = 0');
  if (options.checkpointsElsewhere) sqlite.pragma('wal_autocheckpoint = 0');
  const db = new Kysely<Database>({ dialect: new AsyncRetrySqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/** Statements kept prepared; the hot paths use a handful of shapes. */
const STATEMENT_CACHE_SIZE = 256;
/**
 * Multi-row statements (a group commit of 500 rows has 11,500 parameters) are large once prepared
 * and their shapes vary with the group size: keeping them would grow memory with load, and
 * preparing one is cheap next to the rows it writes.
 */
const MAX_CACHED_SQL_LENGTH = 4096;

/**
 * Kysely prepares every query anew, and preparing costs more than running a small insert.
 * Queries of the same text reuse one prepared statement (least recently used ones are dropped).
 */
function withStatementCache(sqlite: SQLite.Database): { close(): void; prepare(sql: string): SQLite.Statement } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      if (sql.length > MAX_CACHED_SQL_LENGTH) return sqlite.prepare(sql);
      let statement = cache.get(sql);
      if (statement) cache.delete(sql);
      else statement = sqlite.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

/** A schema other than `public` is chosen in the URL: `?options=-c%20search_path%3Dmy_schema`. */
function openPostgres(url: string): Store {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // A client whose connection dies (the server restarted, a network cut) emits 'error': the pool
  // listens only while the client is idle, and an unheard 'error' ends the process. Queries on
  // the dead connection fail on their own and are handled where they are made; the pool drops
  // the client and connects anew.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

async function migrate({ db, dialect }: Store): Promise<void> {
  // Unless told a schema, Kysely finds its migration tables in ANY schema of the database, so a
  // second schema (another deployment, a test) would skip creating them in ours and fail.
  const schema = dialect === 'postgres' ? (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : null;
  const migrator = new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${(error as Error).message ?? error}`);
  }
}
