// Rotating a tenant's secrets through the admin API (SECURITY.md): the replaced JWT signing secret
// and webhook token keep working for the grace period, then stop; nothing secret is answered.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { smsExecuteBody } from './helpers/execute-body.ts';
import { postJson, postJwt } from './helpers/http.ts';
import { hs256 } from './helpers/jwt.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { newSecret } from './helpers/tenants.ts';

const emptyReport = { results: [] };

for (const dialect of testDialects) {
  describe(`tenant secret rotation (${dialect})`, () => {
    let sandbox: Sandbox;
    let auth: Record<string, string>;
    let rotateUrl: string;
    let contacts = 0;

    const execute = async (secret: string) => {
      const token = hs256(smsExecuteBody(`rotation-${contacts++}`, '+4915112345678') as Record<string, unknown>, secret);
      return postJwt(`${sandbox.info.messageActivityUrl}execute`, token);
    };
    const rotate = (body: unknown) => postJson(rotateUrl, body, auth);

    before(async () => {
      sandbox = await startTestSandbox(dialect);
      auth = { authorization: `Bearer ${sandbox.info.adminToken}` };
      rotateUrl = `${sandbox.info.adminUrl}/tenants/${sandbox.info.tenantId}/secrets/rotate`;
    });
    after(async () => {
      await sandbox?.close();
    });

    test('the replaced JWT secret and webhook token work during the grace period, beside the new ones', async () => {
      const oldSecret = sandbox.info.jwtSecret;
      const oldHooks = sandbox.info.webhooks;
      const newJwt = newSecret('jwt-rotated');
      const answer = await rotate({ jwtSigningSecret: newJwt, webhookToken: true });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.text.includes(newJwt), false, 'the new secret is not answered');
      const newHooks = answer.json!.webhooks as Record<string, string>;
      for (const kind of Object.keys(oldHooks)) assert.notEqual(newHooks[kind], oldHooks[kind], `${kind} has a new URL`);

      assert.equal((await execute(newJwt)).json?.messageStatus, 'Success: Message pending');
      assert.equal((await execute(oldSecret)).json?.messageStatus, 'Success: Message pending', 'the old secret during the grace period');
      assert.equal((await postJson(newHooks.deliveryReports!, emptyReport)).status, 200);
      assert.equal((await postJson(oldHooks.deliveryReports!, emptyReport)).status, 200, 'the old webhook URL during the grace period');
      sandbox.info.jwtSecret = newJwt;
      sandbox.info.webhooks = newHooks;
    });

    test('with no grace period the replaced ones stop at once; secrets never rotated stay', async () => {
      const oldSecret = sandbox.info.jwtSecret;
      const oldHooks = sandbox.info.webhooks;
      const newJwt = newSecret('jwt-rotated-again');
      const answer = await rotate({ jwtSigningSecret: newJwt, webhookToken: true, graceHours: 0 });
      assert.equal(answer.status, 200, answer.text);
      const newHooks = answer.json!.webhooks as Record<string, string>;

      assert.equal((await execute(oldSecret)).status, 401);
      assert.equal((await postJson(oldHooks.deliveryReports!, emptyReport)).status, 401);
      assert.equal((await execute(newJwt)).json?.messageStatus, 'Success: Message pending');
      assert.equal((await postJson(newHooks.deliveryReports!, emptyReport)).status, 200);
      sandbox.info.jwtSecret = newJwt;
    });

    test('bodies are checked, unknown tenants and accounts are 404, and an API key is replaced without being answered', async () => {
      assert.equal((await rotate({})).status, 400, 'an empty rotation');
      assert.equal((await rotate({ graceHours: 1000, webhookToken: true })).status, 400, 'grace above a week');
      assert.equal((await rotate({ jwtSigningSecret: 'short' })).status, 400);
      assert.equal((await postJson(`${sandbox.info.adminUrl}/tenants/nope/secrets/rotate`, { webhookToken: true }, auth)).status, 404);
      assert.equal((await postJson(rotateUrl, { webhookToken: true }, { authorization: 'Bearer wrong' })).status, 401);

      const tenant = await (await fetch(`${sandbox.info.adminUrl}/tenants/${sandbox.info.tenantId}`, { headers: auth })).json() as { infobipAccounts?: { id: string }[]; accounts?: { id: string }[] };
      const accountId = (tenant.infobipAccounts ?? tenant.accounts ?? [])[0]?.id;
      assert.ok(accountId, 'the tenant description lists its accounts');
      const keyUrl = `${sandbox.info.adminUrl}/tenants/${sandbox.info.tenantId}/infobip-accounts/${accountId}/api-key`;
      const put = (url: string, body: unknown) => fetch(url, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await put(keyUrl, { apiKey: sandbox.info.infobip.apiKey })).status, 204);
      assert.equal((await put(keyUrl.replace(accountId, 'no-such-account'), { apiKey: 'x' })).status, 404);
      assert.equal((await execute(sandbox.info.jwtSecret)).json?.messageStatus, 'Success: Message pending');
    });
  });
}
