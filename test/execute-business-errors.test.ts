import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { type ExecuteBody, smsExecuteBody, withArguments, withFields } from './helpers/execute-body.ts';
import { postJwt } from './helpers/http.ts';
import { hs256 } from './helpers/jwt.ts';
import { countMessages, messageById } from './helpers/messages.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

/**
 * Business errors are answers, not failures: 200 with an empty messageId and the guide's exact
 * messageStatus, so the contact moves on and a decision split can route on it. Nothing is stored.
 * The sandbox tenant reads national numbers as German (defaultCountry DE).
 */
for (const dialect of testDialects) {
  describe(`execute business errors and recipient selection (${dialect})`, () => {
    let sandbox: Sandbox;
    let contact = 0;
    const body = (): ExecuteBody => smsExecuteBody(`business-contact-${contact++}`, '+4915112345678');

    before(async () => {
      sandbox = await startTestSandbox(dialect);
    });
    after(() => sandbox.close());

    const execute = async (payload: Record<string, unknown>) => {
      const answer = await postJwt(`${sandbox.info.messageActivityUrl}execute`, hs256(payload, sandbox.info.jwtSecret));
      assert.equal(answer.status, 200, answer.text);
      return answer.json as { messageId: string; messageStatus: string };
    };

    async function assertRejected(payload: Record<string, unknown>, messageStatus: string | RegExp): Promise<void> {
      const before = await countMessages(sandbox.connector.store.db);
      const answer = await execute(payload);
      assert.equal(answer.messageId, '');
      if (typeof messageStatus === 'string') assert.equal(answer.messageStatus, messageStatus);
      else assert.match(answer.messageStatus, messageStatus);
      assert.deepEqual(Object.keys(answer).sort(), ['messageId', 'messageStatus']);
      assert.equal(await countMessages(sandbox.connector.store.db), before, 'a business error must store nothing');
    }

    /** Executes and answers the destination the stored message will be sent to. */
    async function storedDestination(payload: Record<string, unknown>): Promise<string> {
      const answer = await execute(payload);
      assert.equal(answer.messageStatus, 'Success: Message pending');
      const row = await messageById(sandbox.connector.store.db, answer.messageId);
      assert.ok(row, 'the accepted message is stored');
      return row.destination;
    }

    test('missing phone number', async () => {
      const missing = 'Error: Missing phone number in request';
      await assertRejected(withArguments(body(), { phones: [] }), missing);
      await assertRejected(withArguments(body(), { phones: [{ 'phone.MobilePhone': '' }] }), missing);
      await assertRejected(withArguments(body(), { phones: [{ 'phone.Home': '   ' }, { 'phone.Mobile': '' }] }), missing);
    });

    test('empty or too long text', async () => {
      const invalid = 'Error: Invalid text length';
      await assertRejected(withArguments(body(), { set: { text: '' } }), invalid);
      await assertRejected(withArguments(body(), { set: { text: '  ' } }), invalid);
      await assertRejected(withArguments(body(), { remove: ['text'] }), invalid);
      // The ceiling is ten segments: 10 × 153 GSM-7 septets, or 10 × 67 UCS-2 code units.
      await assertRejected(withArguments(body(), { set: { text: 'x'.repeat(1531) } }), invalid);
      assert.equal((await execute(withArguments(body(), { set: { text: 'x'.repeat(1530) } }))).messageStatus, 'Success: Message pending');
      await assertRejected(withArguments(body(), { set: { text: 'ж'.repeat(671) } }), invalid);
      assert.equal((await execute(withArguments(body(), { set: { text: 'ж'.repeat(670) } }))).messageStatus, 'Success: Message pending');
    });

    test('bad sender', async () => {
      const invalid = 'Error: Invalid from field';
      await assertRejected(withArguments(body(), { set: { sender: 'TwelveLetter' } }), invalid);
      await assertRejected(withArguments(body(), { set: { sender: 'bad<sender>' } }), invalid);
      await assertRejected(withArguments(body(), { set: { sender: '+12345678901234567' } }), invalid);
      // Eleven alphanumerics, and a numeric sender, are fine.
      assert.equal((await execute(withArguments(body(), { set: { sender: 'ElevenChars' } }))).messageStatus, 'Success: Message pending');
      assert.equal((await execute(withArguments(body(), { set: { sender: '+4915112345678' } }))).messageStatus, 'Success: Message pending');
    });

    test('unparseable phone number', async () => {
      const invalid = 'Error: Invalid phone number in request';
      for (const phone of ['not a phone', '12', '+49 151 1234567890123', '++4915112345678']) {
        await assertRejected(withArguments(body(), { phones: [{ 'phone.MobilePhone': phone }] }), invalid);
      }
      // The first populated field decides: a bad one is not skipped in favour of a later good one.
      await assertRejected(withArguments(body(), { phones: [{ 'phone.Home': 'garbage' }, { 'phone.Mobile': '+4915112345678' }] }), invalid);
    });

    test('the first populated phone field wins, in the order listed', async () => {
      const home = '+4930123456';
      const mobile = '+4915112345678';
      const work = '+41793026727';
      assert.equal(await storedDestination(withArguments(body(), { phones: [{ 'phone.Home': '' }, { 'phone.Mobile': mobile }, { 'phone.Work': work }] })), '4915112345678');
      assert.equal(await storedDestination(withArguments(body(), { phones: [{ 'phone.Home': home }, { 'phone.Mobile': mobile }] })), '4930123456');
      assert.equal(await storedDestination(withArguments(body(), { phones: [{ 'phone.Work': work }, { 'phone.Mobile': mobile }] })), '41793026727');
      // Arguments that are not phone fields in between do not matter.
      assert.equal(
        await storedDestination(withArguments(body(), { phones: [{ 'phone.Home': '' }, { note: '+4930123456' }, { phone: mobile }] })),
        '4915112345678',
      );
    });

    test('national numbers are read with the tenant default country (DE)', async () => {
      for (const [phone, expected] of [
        ['0151 12345678', '4915112345678'],
        ['(0151) 1234-5678', '4915112345678'],
        ['030 1234567', '49301234567'],
        ['004915112345678', '4915112345678'],
        ['0041 79 302 67 27', '41793026727'],
      ] as const) {
        assert.equal(await storedDestination(withArguments(body(), { phones: [{ 'phone.MobilePhone': phone }] })), expected, phone);
      }
    });

    test('digits without + are also read as international, preferring the valid mobile reading', async () => {
      for (const [phone, expected] of [
        // Valid German landlines read nationally, but Swiss/German/French/Italian mobiles read internationally.
        ['41793026727', '41793026727'],
        ['4915112345678', '4915112345678'],
        ['33612345678', '33612345678'],
        ['393123456789', '393123456789'],
        // Only valid read as international.
        ['12025550143', '12025550143'],
        // Only valid read nationally: a German mobile without its trunk 0.
        ['15112345678', '4915112345678'],
      ] as const) {
        assert.equal(await storedDestination(withArguments(body(), { phones: [{ 'phone.MobilePhone': phone }] })), expected, phone);
      }
    });

    test('a phone stored as a number', async () => {
      assert.equal(await storedDestination(withArguments(body(), { phones: [{ 'phone.MobilePhone': 4915112345678 }] })), '4915112345678');
    });

    test('a payload missing keyValue or activityId names the field', async () => {
      await assertRejected(withFields(body(), { keyValue: undefined }), /^Error: Invalid request: .*keyValue/);
      await assertRejected(withFields(body(), { activityId: undefined }), /^Error: Invalid request: .*activityId/);
      await assertRejected(withFields(body(), { keyValue: '' }), /^Error: Invalid request: .*keyValue/);
      await assertRejected(withFields(body(), { inArguments: undefined }), /^Error: Invalid request: .*inArguments/);
    });
  });
}
