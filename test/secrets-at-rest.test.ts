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
import { get, postJson, postJwt } from './helpers/http.ts';
import { hs256 } from './helpers/jwt.ts';
import { capturedLog } from './helpers/log-capture.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { AdminClient, bodySecrets, tenantBody, webhookToken } from './helpers/tenants.ts';


/** Every byte SQLite keeps for a database: the file and its -wal/-shm companions. */
function sqliteBytes(file: string): Buffer {
  const dir = dirname(file);
  return Buffer.concat(readdirSync(dir).filter((name) => name.startsWith(basename(file))).map((name) => readFileSync(join(dir, name))));
}

/**
 * The forms a secret could be written in: clear, hex (either case), and base64/base64url at each
 * of the three byte alignments it could have inside a longer encoded value (the stable middle of
 * each, so surrounding bytes do not matter).
 */
function encodedForms(secret: string): Record<string, string> {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: Record<string, string> = { clear: secret, hex: bytes.toString('hex'), HEX: bytes.toString('hex').toUpperCase() };
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = encoded.slice(offset === 0 ? 0 : 4, -4);
    forms[`base64@${offset}`] = core;
    forms[`base64url@${offset}`] = core.replaceAll('+', '-').replaceAll('/', '_');
  }
  return forms;
}

function assertAbsent(haystack: string | Buffer, secrets: Record<string, string>, where: string): void {
  for (const [name, secret] of Object.entries(secrets)) {
    assert.ok(secret.length >= 16, `${name} is long enough to search for`);
    for (const [form, text] of Object.entries(encodedForms(secret))) {
      assert.ok(text.length >= 16, `${name} in ${form} is long enough to search for`);
      assert.equal(haystack.includes(text), false, `${name} appears (${form}) in ${where}`);
    }
  }
}

/** Every row of every table of the test schema, as JSON text: what a pg_dump of its data would hold. */
async function postgresRows(db: Sandbox['connector']['store']['db']): Promise<string> {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
  assert.ok(tables.rows.length >= 5, 'the schema has its tables');
  const rows: string[] = [];
  for (const { name } of tables.rows) rows.push(...(await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(name)} t`.execute(db)).rows.map((r) => r.row));
  return rows.join('\n');
}

test('the scan finds a secret written in clear, hex, base64 or base64url inside other data', () => {
  const secret = 'sfmc-0123456789abcdefghijKLMN';
  for (const prefix of ['', 'a', 'ab', 'abc']) {
    const bytes = Buffer.from(`${prefix}{"clientSecret":"${secret}"}`);
    for (const written of [bytes.toString('utf8'), bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')]) {
      assert.throws(() => assertAbsent(`row:${written}:end`, { secret }, 'a sample'), /appears/, `${prefix} ${written}`);
    }
  }
});

for (const dialect of testDialects) {
  describe(`secrets at rest and in logs (${dialect})`, () => {
    let sandbox: Sandbox;
    let logs: ReturnType<typeof capturedLog>;
    let secrets: Record<string, string>;
    let otherTenantMessageId: string;
    let adminAnswers: string;

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
      // A second Infobip account and subscription security: more secrets, sealed the same way.
      const auth = { authorization: `Bearer ${sandbox.info.adminToken}` };
      const secondApiKey = tenantBody().infobip.apiKey;
      assert.equal((await postJson(`${sandbox.info.adminUrl}/tenants/${created.id}/infobip-accounts`, { name: 'Second', baseUrl: sandbox.info.infobip.baseUrl, apiKey: secondApiKey }, auth)).status, 201);
      const hmacKey = tenantBody().jwtSigningSecret;
      const basicPassword = tenantBody().sfmc.clientSecret;
      const patch = (id: string, body: unknown) => fetch(`${sandbox.info.adminUrl}/tenants/${id}/reports`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await patch(created.id, { webhookSecurity: { type: 'HMAC', algorithm: 'HMAC_SHA_256', secretKey: hmacKey } })).status, 200);
      assert.equal((await patch(sandbox.info.tenantId, { webhookSecurity: { type: 'BASIC', username: 'infobip', password: basicPassword } })).status, 200);
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
        "other tenant's second Infobip API key": secondApiKey,
        'webhook HMAC secret key': hmacKey,
        'webhook Basic password': basicPassword,
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
      // Webhooks through the secured subscriptions: refused unsigned, accepted with Basic.
      assert.equal((await postJson(sandbox.info.webhooks.clicks!, { results: [] })).status, 401);
      const basic = `Basic ${Buffer.from(`infobip:${basicPassword}`).toString('base64')}`;
      assert.equal((await postJson(sandbox.info.webhooks.clicks!, { results: [] }, { authorization: basic })).status, 200);
      // Admin reads: what they answer must not hold a secret either.
      adminAnswers = [
        (await get(`${sandbox.info.adminUrl}/tenants`, auth)).text,
        (await get(`${sandbox.info.adminUrl}/tenants/${created.id}`, auth)).text,
        (await get(`${sandbox.info.adminUrl}/tenants/${sandbox.info.tenantId}`, auth)).text,
      ].join('\n');
    });
    after(() => sandbox?.close());

    test('the database holds no secret in clear', async () => {
      let dump: string | Buffer;
      if (dialect === 'sqlite') {
        dump = sqliteBytes(sandbox.info.databaseUrl);
      } else {
        dump = await postgresRows(sandbox.connector.store.db);
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

    test('admin API answers hold no secret', () => {
      assert.ok(adminAnswers.includes(sandbox.info.sfmc.clientId), 'the answers describe the tenants');
      const { 'webhook token': _own, "other tenant's webhook token": _other, ...notInAnswers } = secrets;
      // The webhook URLs (with their tokens) are what the operator configures in Infobip: they are answered, nothing else.
      assertAbsent(adminAnswers, notInAnswers, 'the admin API answers');
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
