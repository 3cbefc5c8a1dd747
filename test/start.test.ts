import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { migrationProvider } from '../src/store/migrations.ts';
import { createTestDatabase, type TestDatabase, testDialects } from './helpers/databases.ts';
import { get, postJwt } from './helpers/http.ts';
import { hs256 } from './helpers/jwt.ts';
import { type MainProcess, spawnMain, waitForExit, waitHealthy } from './helpers/main-process.ts';
import { freePort } from './helpers/ports.ts';
import { AdminClient, tenantBody } from './helpers/tenants.ts';

/** `node --import tsx src/main.ts` as an operator starts it: environment only, no code. */

const temporary: string[] = [];
const tempDir = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `mc-relay-start-${label}-`));
  temporary.push(dir);
  return dir;
};
after(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Started {
  main: MainProcess;
  url: string;
  admin: AdminClient;
  health: Record<string, unknown>;
}

async function start(cwd: string, env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const adminToken = randomBytes(16).toString('hex');
  const main = spawnMain(cwd, { HOST: '127.0.0.1', PORT: String(port), MC_RELAY_ADMIN_TOKEN: adminToken, ...env });
  const url = `http://127.0.0.1:${port}`;
  try {
    return { main, url, admin: new AdminClient(`${url}/admin`, adminToken), health: await waitHealthy(main, url) };
  } catch (error) {
    await main.stop('SIGKILL').catch(() => undefined);
    throw error;
  }
}

/** Creates a tenant through the admin API; its activity is then served by `url`. */
async function createTenant(started: Started) {
  const body = tenantBody();
  const tenant = await started.admin.mustCreateTenant(body);
  assert.match(tenant.activities.message, /\/t\/[^/]+\/activities\/message\/$/);
  return { body, tenant };
}

/** The tenant's activity as served by one instance: config.json, and a lifecycle call signed with its JWT secret. */
async function assertServes(started: Started, tenant: Record<string, any>, jwtSecret: string): Promise<void> {
  const activity = `${started.url}${new URL(tenant.activities.message).pathname}`;
  assert.equal((await get(`${activity}config.json`)).status, 200);
  assert.equal((await postJwt(`${activity}validate`, hs256({ activityObjectID: 'a' }, jwtSecret))).status, 200);
  assert.equal((await postJwt(`${activity}validate`, hs256({ activityObjectID: 'a' }, `${jwtSecret}x`))).status, 401);
  assert.equal((await started.admin.getTenant(tenant.id)).status, 200);
}

describe('starting src/main.ts', () => {
  test('with MC_RELAY_DATA_DIR: SQLite and master.key in that folder; SIGTERM exits 0', async () => {
    const cwd = tempDir('cwd');
    const dataDir = join(tempDir('data'), 'nested');
    const started = await start(cwd, { MC_RELAY_DATA_DIR: dataDir });
    try {
      assert.deepEqual(started.health, { status: 'ok', database: 'sqlite' });
      const { body, tenant } = await createTenant(started);
      await assertServes(started, tenant, body.jwtSigningSecret);
      assert.ok(existsSync(join(dataDir, 'mc-relay.sqlite')));
      assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(cwd), [], 'nothing is written to the working directory');
    } finally {
      assert.equal(await started.main.stop('SIGTERM'), 0, started.main.output());
    }
    assert.match(started.main.output(), /shutting down/);
  });

  test('without MC_RELAY_DATA_DIR: ./data/mc-relay.sqlite in the working directory', async () => {
    const cwd = tempDir('cwd');
    const started = await start(cwd, {});
    try {
      assert.deepEqual(started.health, { status: 'ok', database: 'sqlite' });
      const { body, tenant } = await createTenant(started);
      await assertServes(started, tenant, body.jwtSigningSecret);
      assert.ok(existsSync(join(cwd, 'data', 'mc-relay.sqlite')));
      assert.ok(existsSync(join(cwd, 'data', 'master.key')));
    } finally {
      assert.equal(await started.main.stop('SIGTERM'), 0, started.main.output());
    }
  });

  describe('on PostgreSQL', { skip: !testDialects.includes('postgres') && 'PostgreSQL is off (MC_RELAY_TEST_POSTGRES=off)' }, () => {
    const databases: TestDatabase[] = [];
    const freshDatabase = async () => {
      const database = await createTestDatabase('postgres');
      databases.push(database);
      return database;
    };
    after(() => Promise.all(databases.map((d) => d.drop())));
    const masterKey = randomBytes(32).toString('base64');

    test('DATABASE_URL and MC_RELAY_MASTER_KEY: starts, serves a tenant, SIGTERM exits 0', async () => {
      const database = await freshDatabase();
      const cwd = tempDir('cwd');
      const started = await start(cwd, { DATABASE_URL: database.url, MC_RELAY_MASTER_KEY: masterKey });
      try {
        assert.deepEqual(started.health, { status: 'ok', database: 'postgres' });
        const { body, tenant } = await createTenant(started);
        await assertServes(started, tenant, body.jwtSigningSecret);
        assert.deepEqual(readdirSync(cwd), [], 'no SQLite file and no key file');
      } finally {
        assert.equal(await started.main.stop('SIGTERM'), 0, started.main.output());
      }
    });

    test('two instances sharing one database both start, migrate once, and serve the same tenant', async () => {
      const database = await freshDatabase();
      const env = { DATABASE_URL: database.url, MC_RELAY_MASTER_KEY: masterKey };
      const [a, b] = await Promise.all([start(tempDir('cwd'), env), start(tempDir('cwd'), env)]);
      try {
        const { body, tenant } = await createTenant(a!);
        await assertServes(a!, tenant, body.jwtSigningSecret);
        await assertServes(b!, tenant, body.jwtSigningSecret);
        // And the other way round: B's tenant is A's too.
        const fromB = await createTenant(b!);
        await assertServes(a!, fromB.tenant, fromB.body.jwtSigningSecret);

        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ name: string }>('select name from kysely_migration order by name');
          assert.deepEqual(rows.map((r) => r.name), Object.keys(await migrationProvider.getMigrations()).sort());
        } finally {
          await client.end();
        }
      } finally {
        const codes = await Promise.all([a!.main.stop('SIGTERM'), b!.main.stop('SIGTERM')]);
        assert.deepEqual(codes, [0, 0], `${a!.main.output()}\n${b!.main.output()}`);
      }
    });

    test('without MC_RELAY_MASTER_KEY it refuses to start, saying why', async () => {
      const database = await freshDatabase();
      const main = spawnMain(tempDir('cwd'), { HOST: '127.0.0.1', PORT: String(await freePort()), DATABASE_URL: database.url });
      const code = await waitForExit(main);
      assert.notEqual(code, 0, main.output());
      assert.match(main.output(), /MC_RELAY_MASTER_KEY is required with PostgreSQL/);
    });
  });
});
