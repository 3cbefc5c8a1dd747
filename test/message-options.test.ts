import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { promoteIntake } from '../src/store/sql/promoteIntake.ts';
import { messageById } from './helpers/messages.ts';

// What every channel shares, shown on SMS: merge fields and hashtags, URL shortening & tracking,
// custom callback data, activity options, and the custom data extension filled at send time.

const template = loadExample('sms');
let contact = 0;

/** The example body with its inArguments replaced or extended by `changes` (null removes one). */
function body(changes: Record<string, unknown | null>) {
  const n = contact++;
  const filled = fillExample(template, { contactKey: `options-${n}`, phone: `+49151${30_000_000 + n}` }) as { inArguments: Record<string, unknown>[] };
  const args = new Map(filled.inArguments.map((a) => Object.entries(a)[0]!));
  for (const [k, v] of Object.entries(changes)) (v === null ? args.delete(k) : args.set(k, v));
  return { ...filled, inArguments: [...args].map(([k, v]) => ({ [k]: v })) };
}

for (const dialect of testDialects) {
  describe(`message options shared by every channel (${dialect})`, () => {
    let sandbox: Sandbox;
    let signer: ExecuteSigner;
    const send = async (changes: Record<string, unknown | null>) => (await postExecute(sandbox.info.messageActivityUrl, await signer.sign(body(changes)))).body;
    /** What Infobip received for a message: the request's message and the request's options. */
    const sentRequest = async (messageId: string) => {
      const sent = await eventually(() => sandbox.infobip.sentMessages().get(messageId), `message ${messageId} at Infobip`);
      return { message: sent.request as Record<string, any>, options: sent.requestOptions as Record<string, any> };
    };

    before(async () => {
      sandbox = await startTestSandbox(dialect);
      signer = new ExecuteSigner(sandbox.info.jwtSecret);
    });
    after(() => sandbox.close());

    test('merge fields are filled and \\# sends a hashtag', async () => {
      const answer = await send({ text: 'Hi #{FirstName}, \\#summer sale # now', 'field.FirstName': 'Ana' });
      assert.equal(answer.messageStatus, 'Success: Message pending');
      const sent = await sentRequest(String(answer.messageId));
      assert.equal(sent.message.content.text, 'Hi Ana, #summer sale # now');
    });

    test('a merge field without a bound value is a clear error', async () => {
      const answer = await send({ text: 'Hi #{FirstName}' });
      assert.deepEqual(answer, { messageId: '', messageStatus: 'Error: Missing merge field: FirstName' });
    });

    test('URL shortening & tracking become the request options', async () => {
      const answer = await send({ urlShortening: 'true', shortenUrl: 'true', trackClicks: 'false', removeProtocol: 'true', customDomain: 'go.example.com' });
      const sent = await sentRequest(String(answer.messageId));
      assert.deepEqual(sent.options.tracking, { shortenUrl: true, trackClicks: false, removeProtocol: true, customDomain: 'go.example.com' });
    });

    test("URL tracking answers the guide's strings for missing flags and bad values", async () => {
      assert.equal((await send({ urlShortening: 'true', trackClicks: 'true' })).messageStatus, 'Error: Missing shortenUrl flag');
      assert.equal((await send({ urlShortening: 'true', shortenUrl: 'true' })).messageStatus, 'Error: Missing trackClicks flag');
      assert.equal((await send({ urlShortening: 'true', shortenUrl: 'true', trackClicks: 'true', customDomain: `${'a'.repeat(250)}.example.com` })).messageStatus, 'Error: Invalid custom domain length');
      assert.equal((await send({ urlShortening: 'true', shortenUrl: 'true', trackClicks: 'true', trackingUrl: `https://x.example/${'a'.repeat(2100)}` })).messageStatus, 'Error: Invalid tracking url length');
    });

    test('custom callback data fields travel in callbackData; reserved names and > 4,000 characters are refused', async () => {
      const answer = await send({ 'callbackData.Campaign': 'Summer #{FirstName}', 'field.FirstName': 'Ana' });
      const sent = await sentRequest(String(answer.messageId));
      const data = JSON.parse(sent.message.webhooks.callbackData);
      assert.equal(data.Campaign, 'Summer Ana');
      assert.match(data.ContactKey, /^options-\d+$/);
      assert.equal((await send({ 'callbackData.ContactKey': 'x' })).messageStatus, 'Error: Invalid callback data field name: ContactKey');
      assert.equal((await send({ 'callbackData.Notes': 'x'.repeat(4000) })).messageStatus, 'Error: Invalid callback data length');
    });

    test('the bulkId defaults to the activity name, else "mc-relay SMS"', async () => {
      const named = await sentRequest(String((await send({})).messageId));
      assert.equal(named.options.schedule.bulkId, 'Order shipped SMS');
      const unnamed = await sentRequest(String((await send({ activityName: null })).messageId));
      assert.equal(unnamed.options.schedule.bulkId, 'mc-relay SMS');
    });

    test('sending speed limit and Trigger Event on Response are validated and stored with the message', async () => {
      const answer = await send({ 'speedLimit.enabled': 'true', 'speedLimit.amount': '1200', 'speedLimit.timeUnit': 'minute', triggerEventOnResponse: 'true', eventDefinitionKey: 'APIEvent-sms-reply' });
      const row = await messageById(sandbox.connector.store.db, String(answer.messageId));
      assert.ok(row, 'the message is stored');
      const payload = JSON.parse(row.payload);
      assert.deepEqual(payload.speedLimit, { amount: 1200, timeUnit: 'MINUTE' });
      assert.deepEqual(payload.triggerEvent, { eventDefinitionKey: 'APIEvent-sms-reply' });
      assert.match(String((await send({ 'speedLimit.enabled': 'true', 'speedLimit.amount': '100001', 'speedLimit.timeUnit': 'DAY' })).messageStatus), /speedLimit\.amount/);
      assert.match(String((await send({ triggerEventOnResponse: 'true', eventDefinitionKey: 'has.period' })).messageStatus), /eventDefinitionKey/);
    });

    test("a report without Infobip's messageCount carries our own segment count", async () => {
      await sandbox.connector.dispatcher.stop();
      try {
        const answer = await send({ text: 'x'.repeat(200) });
        const messageId = String(answer.messageId);
        // Into the queue, as the stopped dispatcher's round would have moved it.
        await promoteIntake(sandbox.connector.store.db, 'wait');
        const report = { messageId, status: { groupId: 3, groupName: 'DELIVERED', id: 5, name: 'DELIVERED_TO_HANDSET' } };
        const posted = await fetch(sandbox.info.webhooks.deliveryReports!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ results: [report] }) });
        assert.equal(posted.status, 200);
        const stored = await sandbox.connector.store.db.selectFrom('reports').select('message_count').where('message_id', '=', messageId).executeTakeFirstOrThrow();
        assert.equal(stored.message_count, 2);
      } finally {
        sandbox.connector.dispatcher.start();
      }
    });

    test('a custom data extension fills merge fields at send time; a contact without a row gets a clear report', async () => {
      const mid = sandbox.info.sfmc.accountId;
      sandbox.sfmc.createDataExtension(mid, {
        key: 'Loyalty_Members',
        name: 'Loyalty Members',
        fields: [
          { name: 'ContactKey', type: 'Text', maxLength: 100, isPrimaryKey: true },
          { name: 'FirstName', type: 'Text', maxLength: 50 },
          { name: 'Points', type: 'Number' },
        ],
      });
      const token = (await (await fetch(`${sandbox.info.sfmc.authBaseUrl}v2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: sandbox.info.sfmc.clientId, client_secret: sandbox.info.sfmc.clientSecret, account_id: mid }),
      })).json()) as { access_token: string };
      const first = contact;
      const upsert = await fetch(`${sandbox.info.sfmc.restBaseUrl}hub/v1/dataevents/key:Loyalty_Members/rowset`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ keys: { ContactKey: `options-${first}` }, values: { FirstName: 'Row-Ana', Points: 1200 } }]),
      });
      assert.equal(upsert.status, 200);

      const withRow = await send({ text: 'Hi #{FirstName}, you have #{Points} points', 'dataExtension.key': 'Loyalty_Members' });
      assert.equal(withRow.messageStatus, 'Success: Message pending');
      const sent = await sentRequest(String(withRow.messageId));
      assert.equal(sent.message.content.text, 'Hi Row-Ana, you have 1200 points');

      const withoutRow = await send({ text: 'Hi #{FirstName}', 'dataExtension.key': 'Loyalty_Members' });
      assert.equal(withoutRow.messageStatus, 'Success: Message pending');
      const report = await eventually(
        () => sandbox.connector.store.db.selectFrom('reports').selectAll().where('message_id', '=', String(withoutRow.messageId)).executeTakeFirst(),
        'the refusal report',
      );
      assert.equal(report.status_group_name, 'REJECTED');
      assert.equal(report.status_name, 'REJECTED_DATA_EXTENSION_ROW_NOT_FOUND');
      assert.match(String(report.error_description), /no row for contact key/);
      assert.equal(sandbox.infobip.sentMessages().has(String(withoutRow.messageId)), false);
    });
  });
}
