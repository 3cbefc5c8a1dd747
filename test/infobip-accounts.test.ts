import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { messageById } from './helpers/messages.ts';

// A tenant may send through several Infobip accounts: the operator connects another one through
// the admin API, and an activity picks it with its `accountId` inArgument.

for (const dialect of testDialects) {
  describe(`several Infobip accounts per tenant (${dialect})`, () => {
    let sandbox: Sandbox;
    const admin = (path: string, body?: unknown) =>
      fetch(`${sandbox.info.adminUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${sandbox.info.adminToken}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    before(async () => {
      sandbox = await startTestSandbox(dialect);
    });
    after(() => sandbox.close());

    test('a second account is connected, listed without its key, and sends when an activity names it', async () => {
      // The simulator knows one key: the second account is the same Infobip account connected twice.
      const apiKey = sandbox.info.infobip.apiKey;
      const answer = await admin(`/tenants/${sandbox.info.tenantId}/infobip-accounts`, { name: 'Korea', baseUrl: sandbox.info.infobip.baseUrl, apiKey });
      assert.equal(answer.status, 201);
      const text = await answer.text();
      assert.ok(!text.includes(apiKey));
      const accounts = (JSON.parse(text) as { infobipAccounts: { id: string; name: string; isDefault: boolean }[] }).infobipAccounts;
      assert.deepEqual(accounts.map((a) => [a.name, a.isDefault]), [['default', true], ['Korea', false]]);

      const signer = new ExecuteSigner(sandbox.info.jwtSecret);
      const body = fillExample(loadExample('sms'), { contactKey: 'account-2', phone: '+4915160000001' }) as { inArguments: Record<string, unknown>[] };
      body.inArguments.push({ accountId: accounts[1]!.id });
      const sent = await postExecute(sandbox.info.messageActivityUrl, await signer.sign(body));
      assert.equal(sent.body.messageStatus, 'Success: Message pending');
      const row = await messageById(sandbox.connector.store.db, String(sent.body.messageId));
      assert.equal(row?.account_id, accounts[1]!.id);
      await eventually(() => sandbox.infobip.sentMessages().get(String(sent.body.messageId)), 'the message at Infobip');

      const unknown = fillExample(loadExample('sms'), { contactKey: 'account-x', phone: '+4915160000002' }) as { inArguments: Record<string, unknown>[] };
      unknown.inArguments.push({ accountId: 'not-an-account' });
      assert.equal((await postExecute(sandbox.info.messageActivityUrl, await signer.sign(unknown))).body.messageStatus, 'Error: Unknown Infobip account');
    });

    test('bad bodies answer 400 naming the field; an unknown tenant 404', async () => {
      const bad = await admin(`/tenants/${sandbox.info.tenantId}/infobip-accounts`, { name: 'x', baseUrl: 'ftp://nope', apiKey: 'k' });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { field: string }).field, 'baseUrl');
      const missing = await admin(`/tenants/${sandbox.info.tenantId}/infobip-accounts`, { name: 'x', baseUrl: 'https://api.infobip.com' });
      assert.equal(((await missing.json()) as { field: string }).field, 'apiKey');
      assert.equal((await admin('/tenants/00000000-0000-4000-8000-000000000000/infobip-accounts', { name: 'x', baseUrl: 'https://api.infobip.com', apiKey: 'k' })).status, 404);
    });
  });
}
