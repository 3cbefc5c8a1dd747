import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { startConnector } from './helpers/connector.ts';
import { createTestDatabase, testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { smsExecuteBody } from './helpers/execute-body.ts';
import { postJson, postJwt } from './helpers/http.ts';
import { hs256 } from './helpers/jwt.ts';
import { capturedLog } from './helpers/log-capture.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { AdminClient, bodySecrets, tenantBody, webhookToken } from './helpers/tenants.ts';

const tables = ['tenants', 'infobip_accounts', 'messages', 'reports', 'writeback_queue'] as const;

/** Every byte SQLite keeps for a database: the file and its -wal/-shm companions. */
function sqliteBytes(file: string): Buffer {
  const dir = dirname(file);
  return Buffer.concat(readdirSync(dir).filter((name) => name.startsWith(basename(file))).map((name) => readFileSync(join(dir, name))));
}

function assertAbsent(haystack: string | Buffer, secrets: Record<string, string>, where: string): void {
  for (const [name, secret] of Object.entries(secrets)) {
    assert.ok(secret.length >= 16, `${name} is long enough to search for`);
    assert.equal(haystack.includes(secret), false, `${name} appears in clear in ${where}`);
  }
}

for (const dialect of testDialects) {
  describe(`secrets at rest and in logs (${dialect})`, () => {
    let sandbox: Sandbox;
    let logs: ReturnType<typeof capturedLog>;
    let secrets: Record<string, string>;
    let otherTenantMessageId: string;

    before(async () => {
      logs = capturedLog();
      sandbox = await startTestSandbox(dialect, { log: logs.log, outcomes: { delivered: 1, undeliverable: 1, expired: 0, rejected: 0 } });
      const admin = new AdminClient(sandbox.info.adminUrl, sandbox.info.adminToken);
      // A second tenant whose credentials the simulators do not know: Infobip and SFMC refuse it.
      const other = tenantBody({
        sfmc: { clientId: 'unknown-client', clientSecret: tenantBody().sfmc.clientSecret, authBaseUrl: sandbox.info.sfmc.authBaseUrl },
        infobip: { baseUrl: sandbox.info.infobip.baseUrl, apiKey: tenantBody().infobip.apiKey },
      });
      const created = await admin.mustCreateTenant(other);
      const [otherJwt, otherClientSecret, otherApiKey] = bodySecrets(other);
      secrets = {
        'JWT secret': sandbox.info.jwtSecret,
        'SFMC client secret': sandbox.info.sfmc.clientSecret,
        'Infobip API key': sandbox.info.infobip.apiKey,
        'webhook token': webhookToken(sandbox.info.webhooks.deliveryReports!),
        'admin token': sandbox.info.adminToken,
        "other tenant's JWT secret": otherJwt!,
        "other tenant's SFMC client secret": otherClientSecret!,
        "other tenant's Infobip API key": otherApiKey!,
        "other tenant's webhook token": webhookToken(created.webhooks.deliveryReports),
      };

      // Executes, including one Infobip answers with a 5xx first, so the dispatcher retries it.
      sandbox.infobip.setFaults({ rate5xx: 1 });
      const execute = (url: string, secret: string, contact: number) =>
        postJwt(`${url}execute`, hs256(smsExecuteBody(`secret-contact-${contact}`, `+49151${10_000_000 + contact}`), secret));
      const first = await execute(sandbox.info.messageActivityUrl, sandbox.info.jwtSecret, 0);
      assert.equal(first.status, 200);
      await eventually(() => logs.text().includes('Infobip send will be retried'), 'a retried send');
      sandbox.infobip.setFaults({ rate5xx: 0 });
      for (let i = 1; i < 4; i++) assert.equal((await execute(sandbox.info.messageActivityUrl, sandbox.info.jwtSecret, i)).status, 200);
      otherTenantMessageId = String((await execute(created.activities.message, otherJwt!, 99)).json?.messageId);
      // Badly signed executes, a lifecycle call, and webhooks Infobip never sent.
      assert.equal((await postJwt(`${sandbox.info.messageActivityUrl}execute`, hs256({}, `${sandbox.info.jwtSecret}x`))).status, 401);
      assert.equal((await postJwt(`${sandbox.info.messageActivityUrl}publish`, hs256({}, sandbox.info.jwtSecret))).status, 200);
      assert.equal((await postJson(sandbox.info.webhooks.deliveryReports!, { results: [{ messageId: 'never-sent', status: { groupId: 3, groupName: 'DELIVERED', id: 5, name: 'DELIVERED_TO_HANDSET' } }, { nonsense: true }] })).status, 200);
      assert.equal((await postJson(sandbox.info.webhooks.deliveryReports!.replace(/\/hooks\/[^/]+/, '/hooks/wrong-token'), { results: [] })).status, 401);

      // Reports flow back to SFMC for the demo tenant; the other tenant's are refused.
      await eventually(() => sandbox.sfmc.rows(sandbox.info.sfmc.accountId, sandbox.info.dataExtensions.smsDeliveryReports!).length === 4, 'four report rows in SFMC');
      await eventually(() => logs.text().includes('Infobip refused messages'), "Infobip refusing the other tenant's key");
    });
    after(() => sandbox?.close());

    test('the database holds no secret in clear', async () => {
      let dump: string | Buffer;
      if (dialect === 'sqlite') {
        dump = sqliteBytes(sandbox.info.databaseUrl);
      } else {
        const rows = [];
        for (const table of tables) rows.push(...(await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table)} t`.execute(sandbox.connector.store.db)).rows);
        dump = rows.map((r) => r.row).join('\n');
      }
      // The dump does hold the tenants and messages: what is not secret is there in clear.
      assert.ok(dump.includes(sandbox.info.sfmc.clientId), 'the SFMC client id is stored');
      assert.ok(dump.includes(otherTenantMessageId), 'the messages are stored');
      assertAbsent(dump, secrets, `the ${dialect} database`);
    });

    test('the logs hold no secret', () => {
      const text = logs.text();
      // The flows above did log: the retry, the refusal, the unknown and invalid reports.
      for (const line of ['Infobip send will be retried', 'Infobip refused messages', 'reports for unknown messages', 'report entries skipped']) {
        assert.ok(text.includes(line), `the log has "${line}"`);
      }
      assertAbsent(text, secrets, 'the logs');
    });
  });
}

describe('the master key', () => {
  test('SQLite without MC_RELAY_MASTER_KEY: master.key is created 0600 and reused on restart', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const keyFile = join(database.dataDir, 'master.key');
      const config = { databaseUrl: join(database.dataDir, 'mc-relay.sqlite'), dataDir: database.dataDir, masterKey: undefined };
      const first = await startConnector(config);
      const body = tenantBody();
      let tenant: Record<string, any>;
      try {
        assert.equal(statSync(keyFile).mode & 0o777, 0o600);
        tenant = await first.admin.mustCreateTenant(body);
      } finally {
        await first.close();
      }
      const key = readFileSync(keyFile, 'utf8');
      assertAbsent(sqliteBytes(config.databaseUrl), Object.fromEntries(bodySecrets(body).map((s, i) => [`secret ${i}`, s])), 'the SQLite file');

      // Loosened by hand: tightened again on start.
      chmodSync(keyFile, 0o644);
      const second = await startConnector({ ...config, adminToken: first.config.adminToken });
      try {
        assert.equal(readFileSync(keyFile, 'utf8'), key, 'the key file is reused, not replaced');
        assert.equal(statSync(keyFile).mode & 0o777, 0o600);
        const again = await second.admin.getTenant(tenant.id);
        assert.equal(again.status, 200);
        assert.equal(again.json?.webhooks.deliveryReports.replace(second.url, ''), tenant.webhooks.deliveryReports.replace(first.url, ''));
        // The sealed JWT secret opens: a token signed with it is accepted.
        const executeUrl = `${again.json?.activities.message}execute`;
        const executed = await postJwt(executeUrl, hs256(smsExecuteBody('restart-contact', '+4915112345678'), body.jwtSigningSecret));
        assert.equal(executed.status, 200);
        assert.equal(executed.json?.messageStatus, 'Success: Message pending');
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });

  test('PostgreSQL without MC_RELAY_MASTER_KEY refuses to start', { skip: !testDialects.includes('postgres') }, async () => {
    const database = await createTestDatabase('postgres');
    try {
      // Named, so its connections can be found: refusing to start must not leave a pool open.
      const applicationName = `mc-relay-no-key-${randomBytes(6).toString('hex')}`;
      const url = new URL(database.url);
      url.searchParams.set('application_name', applicationName);
      await assert.rejects(startConnector({ databaseUrl: url.toString(), dataDir: database.dataDir, masterKey: undefined }), /MC_RELAY_MASTER_KEY is required with PostgreSQL/);
      assert.deepEqual(readdirSync(database.dataDir), [], 'no key file is written for PostgreSQL');
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const open = await client.query('select pid from pg_stat_activity where application_name = $1', [applicationName]);
        assert.equal(open.rowCount, 0, 'connections left open by the refused start');
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  });
});
