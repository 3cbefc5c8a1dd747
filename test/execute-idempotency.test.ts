import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { type ExecuteBody, smsExecuteBody, withFields } from './helpers/execute-body.ts';
import { postJwt } from './helpers/http.ts';
import { hs256 } from './helpers/jwt.ts';
import { countMessages, messageById } from './helpers/messages.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

/**
 * Journey Builder retries execute on timeouts and 5xx. The same (activityId, activityInstanceId —
 * or definitionInstanceId when there is none — , keyValue) is one message, however often and
 * however concurrently it arrives.
 */
for (const dialect of testDialects) {
  describe(`execute idempotency (${dialect})`, () => {
    let sandbox: Sandbox;
    let contact = 0;
    const body = (): ExecuteBody => smsExecuteBody(`idem-contact-${contact++}`, '+4915112345678');

    before(async () => {
      sandbox = await startTestSandbox(dialect);
    });
    after(() => sandbox.close());

    const execute = async (payload: Record<string, unknown>) => {
      // Each call signs anew, as Journey Builder's retries do: equal payloads, different tokens.
      const answer = await postJwt(`${sandbox.info.messageActivityUrl}execute`, hs256(payload, sandbox.info.jwtSecret, { exp: Math.floor(Date.now() / 1000) + 600 + Math.floor(Math.random() * 600) }));
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.json?.messageStatus, 'Success: Message pending');
      return String(answer.json?.messageId);
    };
    const stored = () => countMessages(sandbox.connector.store.db);

    test('the same execute sent twice in a row is one message', async () => {
      const payload = body();
      const before = await stored();
      const first = await execute(payload);
      const second = await execute(payload);
      assert.match(first, /^[0-9a-f-]{36}$/);
      assert.equal(second, first);
      assert.equal(await stored(), before + 1);
    });

    test('the same execute sent 10 times concurrently is one message', async () => {
      // Five contacts, ten copies each, interleaved: copies land in different group commits.
      const payloads = Array.from({ length: 5 }, body);
      const before = await stored();
      const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => execute(payloads[i % payloads.length]!)));
      for (const [index] of payloads.entries()) {
        const answers = ids.filter((_, i) => i % payloads.length === index);
        assert.equal(new Set(answers).size, 1, `answers for contact ${index}: ${answers.join(', ')}`);
        assert.ok(await messageById(sandbox.connector.store.db, answers[0]!));
      }
      assert.equal(new Set(ids).size, payloads.length);
      assert.equal(await stored(), before + payloads.length);
    });

    test('a retry after the message was sent still answers the first messageId', async () => {
      const payload = body();
      const first = await execute(payload);
      await eventually(async () => (await messageById(sandbox.connector.store.db, first))?.state === 'sent', 'the message to be sent');
      const before = await stored();
      assert.equal(await execute(payload), first);
      assert.equal(await stored(), before);
      assert.equal(sandbox.infobip.sentMessages().has(first), true);
      assert.equal(sandbox.infobip.stats().duplicateMessageIds, 0);
    });

    test('another keyValue is a new message', async () => {
      const payload = body();
      const first = await execute(payload);
      const other = await execute({ ...payload, keyValue: `${payload.keyValue}-other` });
      assert.notEqual(other, first);
      assert.equal(await execute(payload), first);
    });

    test('another activityInstanceId is a new message', async () => {
      const payload = body();
      const first = await execute(payload);
      const other = await execute({ ...payload, activityInstanceId: 'a0a0a0a0-0000-4000-8000-000000000001' });
      assert.notEqual(other, first);
      // With an activityInstanceId, definitionInstanceId does not take part.
      assert.equal(await execute({ ...payload, definitionInstanceId: 'b0b0b0b0-0000-4000-8000-000000000002' }), first);
    });

    test('another activityId is a new message', async () => {
      const payload = body();
      const first = await execute(payload);
      assert.notEqual(await execute({ ...payload, activityId: 'c0c0c0c0-0000-4000-8000-000000000003' }), first);
    });

    test('without activityInstanceId, definitionInstanceId identifies the run', async () => {
      const payload = withFields(body(), { activityInstanceId: undefined });
      const before = await stored();
      const first = await execute(payload);
      assert.equal(await execute(payload), first);
      const otherRun = await execute({ ...payload, definitionInstanceId: 'd0d0d0d0-0000-4000-8000-000000000004' });
      assert.notEqual(otherRun, first);
      assert.equal(await stored(), before + 2);
      // An empty activityInstanceId counts as absent.
      assert.equal(await execute({ ...payload, activityInstanceId: '' }), first);
    });
  });
}
