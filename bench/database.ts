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
  await withClient(postgresUrl, (client) => client.query(`CREATE SCHEMA ${schema}`));
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
