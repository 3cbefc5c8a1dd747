import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

/**
 * Storage-dependent tests run against both dialects. PostgreSQL is the machine's server
 * (MC_RELAY_TEST_POSTGRES, default the CI's trust-auth `test` database); set it to `off` to run
 * SQLite only on a machine without one.
 */
const postgresUrl = process.env.MC_RELAY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
export const testDialects: TestDialect[] = postgresUrl === 'off' ? ['sqlite'] : ['sqlite', 'postgres'];

export interface TestDatabase {
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh, empty database: a new SQLite file, or a new schema in the PostgreSQL test database. */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mc-relay-test-'));
  if (dialect === 'sqlite') {
    return { url: join(dataDir, 'test.sqlite'), dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    dataDir,
    async drop() {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
