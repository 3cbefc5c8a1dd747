import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { onCleanup } from './processes.ts';

export type BenchDialect = 'sqlite' | 'postgres';

export interface BenchDatabase {
  dialect: BenchDialect;
  /** DATABASE_URL for the connector. */
  url: string;
  /** MC_RELAY_DATA_DIR: a fresh temp dir, removed by drop(). */
  dataDir: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty store per connector process, so no run sees another's rows: a new SQLite file in
 * a temp dir, or a new schema `bench_<random>` in the given PostgreSQL database, reached through
 * `?options=-c search_path=…`. Dropped at the end, also when the bench is interrupted.
 */
export async function createBenchDatabase(dialect: BenchDialect, postgresUrl: string | undefined): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mc-relay-bench-'));
  const removeDir = async () => rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') {
    const unregister = onCleanup(removeDir);
    return {
      dialect,
      url: join(dataDir, 'mc-relay.sqlite'),
      dataDir,
      async drop() {
        unregister();
        await removeDir();
      },
    };
  }
  if (!postgresUrl) throw new Error('the postgres dialect needs DATABASE_URL=postgres://…');
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  await withClient(postgresUrl, async (client) => {
    await client.query(`CREATE SCHEMA ${schema}`);
    // Work-around for a start-up failure in src/store/database.ts: Kysely's Migrator, given no
    // migrationTableSchema, takes a kysely_migration(_lock) table in ANY schema of the database
    // as its own, skips creating it in the search_path schema and then fails with 'relation
    // "kysely_migration_lock" does not exist'. Any other schema with those tables triggers it (the
    // test suite's t_* schemas, another bench run). Creating them here with Kysely's own DDL makes
    // the connector's start independent of what else lives in the database.
    await client.query(`CREATE TABLE ${schema}.kysely_migration (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL)`);
    await client.query(`CREATE TABLE ${schema}.kysely_migration_lock (id varchar(255) NOT NULL PRIMARY KEY, is_locked integer NOT NULL DEFAULT 0)`);
  });
  const dropSchema = async () => {
    await withClient(postgresUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    await removeDir();
  };
  const unregister = onCleanup(dropSchema);
  const separator = postgresUrl.includes('?') ? '&' : '?';
  return {
    dialect,
    url: `${postgresUrl}${separator}options=-c%20search_path%3D${schema}`,
    dataDir,
    async drop() {
      unregister();
      await dropSchema();
    },
  };
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** The 127.0.0.1-only rule of the bench: a DATABASE_URL elsewhere is refused rather than loaded. */
export function assertLoopbackPostgres(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`the bench only talks to 127.0.0.1; DATABASE_URL points at ${host}`);
  }
}
