// Rotating the master key (SECURITY.md): run with the new key and the old one as previous, re-seal
// with `mc-relay reseal-secrets`, then drop the old key. Every step keeps the tenants working; a
// key the secrets are not sealed with opens nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/database.ts';
import { type RunningConnector, startConnector } from './helpers/connector.ts';
import { createTestDatabase, type TestDatabase, testDialects } from './helpers/databases.ts';
import { smsExecuteBody } from './helpers/execute-body.ts';
import { postJson, postJwt } from './helpers/http.ts';
import { hs256 } from './helpers/jwt.ts';
import { tenantBody } from './helpers/tenants.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const newKey = () => randomBytes(32).toString('base64');

/** `mc-relay reseal-secrets` as an operator runs it, with the connector's environment. */
function reseal(database: TestDatabase, env: Record<string, string>): Promise<{ code: number | null; out: Record<string, any> | undefined; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/mc-relay.js', 'reseal-secrets'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: database.url, MC_RELAY_DATA_DIR: database.dataDir, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: out.trim() ? JSON.parse(out) : undefined, err }));
  });
}

async function sealedValues(database: TestDatabase): Promise<string[]> {
  const store = await openStore(database.url);
  try {
    const tenants = await store.db.selectFrom('tenants').select('sealed_secrets as v').execute();
    const accounts = await store.db.selectFrom('infobip_accounts').select('sealed_api_key as v').execute();
    return [...tenants, ...accounts].map((r) => r.v);
  } finally {
    await store.close();
  }
}

for (const dialect of testDialects) {
  describe(`master key rotation (${dialect})`, () => {
    let database: TestDatabase;
    const oldKey = newKey();
    const freshKey = newKey();
    const body = tenantBody();
    let tenantId: string;
    let executeUrl: string;
    let running: RunningConnector | undefined;

    const start = async (masterKey: string, previousMasterKeys?: string) => {
      await running?.close();
      running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, masterKey, ...(previousMasterKeys ? { previousMasterKeys } : {}) });
      return running;
    };
    /** The tenant works: its secrets open, so a signed execute is accepted. */
    const executeStatus = async (contact: string) => {
      const token = hs256(smsExecuteBody(contact, '+4915112345678') as Record<string, unknown>, body.jwtSigningSecret);
      return (await postJwt(`${running!.url}${new URL(executeUrl).pathname}execute`, token)).json?.messageStatus;
    };

    before(async () => {
      database = await createTestDatabase(dialect);
      const first = await start(oldKey);
      const created = await first.admin.mustCreateTenant(body);
      tenantId = created.id;
      executeUrl = created.activities.message;
      const added = await postJson(`${first.url}/admin/tenants/${tenantId}/infobip-accounts`, { name: 'second', baseUrl: 'https://second.api.infobip.com', apiKey: 'second-api-key-0123456789' }, { authorization: `Bearer ${first.config.adminToken}` });
      assert.equal(added.status, 201, added.text);
      assert.equal(await executeStatus('before-rotation'), 'Success: Message pending');
    });
    after(async () => {
      await running?.close();
      await database?.drop();
    });

    test('a new key alone cannot open what the old key sealed', async () => {
      await start(freshKey);
      assert.notEqual(await executeStatus('new-key-alone'), 'Success: Message pending');
    });

    test('with the old key listed as previous, everything opens; reseal moves every secret to the new key', async () => {
      await start(freshKey, oldKey);
      assert.equal(await executeStatus('during-rotation'), 'Success: Message pending');
      await running!.close();
      running = undefined;

      const first = await reseal(database, { MC_RELAY_MASTER_KEY: freshKey, MC_RELAY_PREVIOUS_MASTER_KEYS: oldKey });
      assert.equal(first.code, 0, first.err);
      assert.deepEqual(first.out!.resealed, { tenants: 1, infobip_accounts: 2 });
      const sealed = await sealedValues(database);
      assert.ok(sealed.every((v) => v.startsWith(`v2.${first.out!.masterKeyId}.`)), 'every value carries the new key id');

      const again = await reseal(database, { MC_RELAY_MASTER_KEY: freshKey, MC_RELAY_PREVIOUS_MASTER_KEYS: oldKey });
      assert.deepEqual(again.out!.resealed, { tenants: 0, infobip_accounts: 0 }, 'a second run has nothing left to do');
    });

    test('after the reseal the old key can go: the new key alone opens everything, the old one nothing', async () => {
      await start(freshKey);
      assert.equal(await executeStatus('after-rotation'), 'Success: Message pending');
      const detail = await running!.admin.getTenant(tenantId);
      assert.equal(detail.status, 200);
      await start(oldKey);
      assert.notEqual(await executeStatus('old-key-after-rotation'), 'Success: Message pending');
    });
  });
}
