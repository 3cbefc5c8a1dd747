import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { type ExecuteBody, smsExecuteBody } from './helpers/execute-body.ts';
import { type Answer, postJson, postJwt } from './helpers/http.ts';
import { handBuiltJwt, hs256 } from './helpers/jwt.ts';
import { countMessages } from './helpers/messages.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { AdminClient, tenantBody } from './helpers/tenants.ts';

/**
 * Execute accepts only bodies signed HS256 with the tenant's own JWT signing secret; anything
 * else is a 401 with a JSON error, and nothing is stored.
 */
for (const dialect of testDialects) {
  describe(`execute authentication (${dialect})`, () => {
    let sandbox: Sandbox;
    let executeUrl: string;
    let secret: string;
    let otherTenantSecret: string;
    let otherTenantExecuteUrl: string;
    let contact = 0;
    const body = (): ExecuteBody => smsExecuteBody(`auth-contact-${contact++}`, '+4915112345678');

    before(async () => {
      sandbox = await startTestSandbox(dialect);
      executeUrl = `${sandbox.info.messageActivityUrl}execute`;
      secret = sandbox.info.jwtSecret;
      const other = tenantBody({ infobip: { baseUrl: sandbox.info.infobip.baseUrl, apiKey: 'other-tenant-key' } });
      const created = await new AdminClient(sandbox.info.adminUrl, sandbox.info.adminToken).mustCreateTenant(other);
      otherTenantSecret = other.jwtSigningSecret;
      otherTenantExecuteUrl = `${created.activities.message}execute`;
    });
    after(() => sandbox.close());

    const stored = () => countMessages(sandbox.connector.store.db);

    async function assertRefused(answer: Promise<Answer>): Promise<void> {
      const before = await stored();
      const { status, contentType, json } = await answer;
      assert.equal(status, 401);
      assert.match(contentType, /^application\/json/);
      assert.equal(json?.error, 'unauthorized');
      assert.equal(typeof json?.message, 'string');
      assert.equal(await stored(), before, 'a refused execute must store nothing');
    }

    test('a body that is not a JWT', async () => {
      await assertRefused(postJwt(executeUrl, 'this is not a token'));
      await assertRefused(postJwt(executeUrl, ''));
      await assertRefused(postJwt(executeUrl, 'a.b.c'));
    });

    test('alg: none', async () => {
      await assertRefused(postJwt(executeUrl, handBuiltJwt({ alg: 'none', typ: 'JWT' }, body(), undefined)));
      await assertRefused(postJwt(executeUrl, handBuiltJwt({ alg: 'none', typ: 'JWT' }, body(), secret)));
    });

    test('a token signed with a wrong secret', async () => {
      await assertRefused(postJwt(executeUrl, hs256(body(), `${secret}x`)));
    });

    test('an expired token', async () => {
      await assertRefused(postJwt(executeUrl, hs256(body(), secret, { exp: Math.floor(Date.now() / 1000) - 60 })));
    });

    test("a token signed with another tenant's secret", async () => {
      await assertRefused(postJwt(executeUrl, hs256(body(), otherTenantSecret)));
      // The same token is good for the tenant it belongs to.
      const own = await postJwt(otherTenantExecuteUrl, hs256(body(), otherTenantSecret));
      assert.equal(own.status, 200);
      assert.equal(own.json?.messageStatus, 'Success: Message pending');
    });

    test('an unsigned application/json body', async () => {
      await assertRefused(postJson(executeUrl, body()));
    });

    test('an unknown tenant key in the URL', async () => {
      const unknown = executeUrl.replace(/\/t\/[^/]+\//, '/t/no-such-tenant/');
      assert.notEqual(unknown, executeUrl);
      await assertRefused(postJwt(unknown, hs256(body(), secret)));
    });

    test('algorithm confusion', async () => {
      // The right secret under another HMAC algorithm, and an RS256 header over an HMAC signature.
      await assertRefused(postJwt(executeUrl, handBuiltJwt({ alg: 'HS512', typ: 'JWT' }, body(), secret, 'sha512')));
      await assertRefused(postJwt(executeUrl, handBuiltJwt({ alg: 'HS384', typ: 'JWT' }, body(), secret, 'sha384')));
      await assertRefused(postJwt(executeUrl, handBuiltJwt({ alg: 'RS256', typ: 'JWT' }, body(), secret)));
      // A header claiming HS256 over an HS512 signature.
      await assertRefused(postJwt(executeUrl, handBuiltJwt({ alg: 'HS256', typ: 'JWT' }, body(), secret, 'sha512')));
    });

    test('the Reports activity refuses a badly signed body too', async () => {
      const reportsUrl = `${sandbox.info.reportsActivityUrl}execute`;
      await assertRefused(postJwt(reportsUrl, hs256({ ...body(), inArguments: [{ messageId: 'x' }] }, `${secret}x`)));
    });

    test('a valid token without exp is accepted', async () => {
      const before = await stored();
      const answer = await postJwt(executeUrl, hs256(body(), secret, { exp: null }));
      assert.equal(answer.status, 200);
      assert.equal(answer.json?.messageStatus, 'Success: Message pending');
      assert.match(String(answer.json?.messageId), /^[0-9a-f-]{36}$/);
      assert.equal(await stored(), before + 1);
    });
  });
}
