// Two-way journeys end to end through the sandbox: a message sent with "Trigger Event on
// Response", the recipient's reply (Messages API format) stored in the Inbound Messages data
// extension, the journey event fired so the Wait Until Event continues, the Reports activity's
// Reply mode and the engagement split; replies to nothing are stored and fire nothing; STOP
// opts the number out and later executes to it send nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import { type Sandbox, SANDBOX_REPLY_EVENT } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { demoTenant, everyMessage, messagesById, phone, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const twoWay = loadExample('sms-two-way');
const replyReport = loadExample('reports-reply');
const split = loadExample('split');

for (const dialect of testDialects) {
  describe(`two-way journeys and opt-out (${dialect})`, () => {
    let sandbox: Sandbox;
    let tenant: TestTenant;
    let phones = 500;
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${sandbox.info.adminUrl}${path}`, { ...init, headers: { authorization: `Bearer ${sandbox.info.adminToken}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
    const execute = async (template: string, data: Record<string, string>) => postExecute(tenant.messageActivityUrl, await tenant.signer.sign(fillExample(template, data)));
    const activity = async (url: string, template: string, messageId: string) => (await postExecute(url, await tenant.signer.sign(fillExample(template, { messageId, contactKey: 'c' })))).body;
    /**
     * Sends the two-way example to a new contact and waits until Infobip has it and the queue
     * records it sent: tests that then rewrite the row must not race the dispatcher's own write.
     */
    const sendTwoWay = async () => {
      const contactKey = uniquePrefix('two-way');
      const to = phone(phones++);
      const answer = await execute(twoWay, { contactKey, phone: to });
      assert.equal(answer.body.messageStatus, 'Success: Message pending');
      const id = String(answer.body.messageId);
      await eventually(() => sandbox.infobip.sentMessages().get(id), 'the message at Infobip');
      await eventually(() => everyMessage(sandbox.connector.store.db, [id], (m) => m.state === 'sent'), 'the message recorded sent');
      return { id, contactKey, digits: to.slice(1) };
    };
    /** A reply from `digits` is stored, answers no message of ours and fires no journey event. */
    const assertReplyMatchesNothing = async (digits: string) => {
      const reply = sandbox.infobip.reply({ from: digits, text: 'YES' });
      const [stored] = await eventually(async () => {
        const rows = await sandbox.connector.store.db.selectFrom('inbound_messages').selectAll().where('id', '=', reply.messageId).execute();
        return rows.length > 0 ? rows : undefined;
      }, 'the reply stored');
      assert.equal(stored!.reply_to_message_id, null);
      assert.equal((await sandbox.connector.store.db.selectFrom('journey_events').selectAll().where('inbound_id', '=', reply.messageId).execute()).length, 0);
    };
    const inboundRows = () => new Map(sandbox.sfmc.rows(sandbox.info.sfmc.accountId, sandbox.info.dataExtensions.inboundMessages!).map((r) => [String(r.messageId), r]));

    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      tenant = await demoTenant(sandbox);
    });
    after(() => sandbox.close());

    test('a reply is stored, written to Inbound Messages, fires the journey event and answers the Reply mode and the split', async () => {
      const sent = await sendTwoWay();
      assert.deepEqual(await activity(sandbox.info.reportsActivityUrl, replyReport, sent.id), { replyText: 'NO_REPLY', replyType: 'NO_REPLY', receivedAt: 'NOT_AVAILABLE' });
      const reply = sandbox.infobip.reply({ from: sent.digits, text: 'YES' });
      const event = await eventually(() => sandbox.sfmc.events(sandbox.info.sfmc.accountId).find((e) => e.ContactKey === sent.contactKey), 'the journey event');
      assert.equal(event.EventDefinitionKey, SANDBOX_REPLY_EVENT);
      assert.equal(event.Data.text, 'YES');
      assert.equal(event.Data.replyToMessageId, sent.id);
      assert.equal(event.Data.messageId, reply.messageId);
      const row = await eventually(() => inboundRows().get(reply.messageId), 'the Inbound Messages row');
      assert.equal(row.from, sent.digits);
      assert.equal(row.to, '4915799912345');
      assert.equal(row.type, 'TEXT');
      assert.equal(row.ContactKey, sent.contactKey);
      const answer = await activity(sandbox.info.reportsActivityUrl, replyReport, sent.id);
      assert.equal(answer.replyText, 'YES');
      assert.equal(answer.replyType, 'TEXT');
      assert.match(String(answer.receivedAt), /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual(await activity(sandbox.info.splitActivityUrl, split, sent.id), { branchResult: 'replied' });
    });

    test('SFMC down: the journey event waits in the queue and fires once SFMC is back', async () => {
      const sent = await sendTwoWay();
      sandbox.sfmc.setFaults({ down: true });
      try {
        sandbox.infobip.reply({ from: sent.digits, text: 'YES' });
        const waiting = await eventually(async () => {
          const [event] = await sandbox.connector.store.db.selectFrom('journey_events').selectAll().where('contact_key', '=', sent.contactKey).execute();
          return event && event.state === 'pending' && event.attempts >= 1 ? event : undefined;
        }, 'the event waiting');
        assert.match(waiting.last_error ?? '', /503/);
      } finally {
        sandbox.sfmc.setFaults({ down: false });
      }
      // Its backoff after one failure is at most a second or two.
      await eventually(() => sandbox.sfmc.events(sandbox.info.sfmc.accountId).find((e) => e.ContactKey === sent.contactKey), 'the event fired after recovery', 20_000);
      // SFMC records the event before it answers; the connector records 'fired' once the answer is in.
      const event = await eventually(async () => {
        const [row] = await sandbox.connector.store.db.selectFrom('journey_events').selectAll().where('contact_key', '=', sent.contactKey).execute();
        return row?.state === 'firing' ? undefined : row;
      }, 'the fired event recorded');
      assert.equal(event.state, 'fired');
      assert.ok(event.event_instance_id);
    });

    test('an event definition SFMC does not know: the event fails with SFMC\'s reason, once', async () => {
      const contactKey = uniquePrefix('no-event');
      const to = phone(phones++);
      const answer = await execute(twoWay.replace('McRelay-Reply', 'No-Such-Event'), { contactKey, phone: to });
      await eventually(() => sandbox.infobip.sentMessages().get(String(answer.body.messageId)), 'sent');
      sandbox.infobip.reply({ from: to.slice(1), text: 'YES' });
      const failed = await eventually(async () => {
        const [event] = await sandbox.connector.store.db.selectFrom('journey_events').selectAll().where('contact_key', '=', contactKey).execute();
        return event?.state === 'failed' ? event : undefined;
      }, 'the failed event');
      assert.match(failed.last_error ?? '', /No-Such-Event/);
      assert.equal(failed.attempts, 1, 'a refusal is not retried');
    });

    test('a reply after the tenant\'s reply window matches nothing and fires nothing', async () => {
      assert.equal((await admin(`/tenants/${tenant.id}/reports`, { method: 'PATCH', body: JSON.stringify({ replyWindowHours: 1 }) })).status, 200);
      try {
        const sent = await sendTwoWay();
        // The message went out two hours ago.
        await sandbox.connector.store.db.updateTable('messages').set({ created_at: Date.now() - 2 * 3_600_000 }).where('id', '=', sent.id).execute();
        await assertReplyMatchesNothing(sent.digits);
      } finally {
        await admin(`/tenants/${tenant.id}/reports`, { method: 'PATCH', body: JSON.stringify({ replyWindowHours: 72 }) });
      }
    });

    test('a reply to a number whose message is still queued matches nothing: it has reached no one', async () => {
      const sent = await sendTwoWay();
      // As if it had not gone out yet (its next try far ahead, so the dispatcher leaves it).
      await sandbox.connector.store.db.updateTable('messages').set({ state: 'queued', next_attempt_at: Date.now() + 3_600_000 }).where('id', '=', sent.id).execute();
      try {
        await assertReplyMatchesNothing(sent.digits);
      } finally {
        await sandbox.connector.store.db.updateTable('messages').set({ state: 'sent' }).where('id', '=', sent.id).execute();
      }
    });

    test('WhatsApp image, video and document, Viber text and RCS suggestion replies keep their channel, type and content', async () => {
      const sent = await sendTwoWay();
      const replies = [
        { channel: 'WHATSAPP', type: 'IMAGE', url: 'https://media.example.com/photo.jpg', text: 'my photo', want: { channel: 'WhatsApp', type: 'IMAGE', mediaUrl: 'https://media.example.com/photo.jpg', text: 'my photo' } },
        { channel: 'WHATSAPP', type: 'VIDEO', url: 'https://media.example.com/clip.mp4', want: { channel: 'WhatsApp', type: 'VIDEO', mediaUrl: 'https://media.example.com/clip.mp4', text: null } },
        { channel: 'WHATSAPP', type: 'DOCUMENT', url: 'https://media.example.com/invoice.pdf', text: 'invoice', want: { channel: 'WhatsApp', type: 'DOCUMENT', mediaUrl: 'https://media.example.com/invoice.pdf', text: 'invoice' } },
        { channel: 'VIBER', type: 'TEXT', text: 'Viber says yes', want: { channel: 'Viber', type: 'TEXT', mediaUrl: null, text: 'Viber says yes' } },
        { channel: 'RCS', type: 'BUTTON_REPLY', text: 'Confirm', want: { channel: 'RCS', type: 'BUTTON_REPLY', mediaUrl: null, text: 'Confirm' } },
      ] as const;
      const ids = replies.map(({ want: _, ...reply }) => sandbox.infobip.reply({ from: sent.digits, ...reply }).messageId);
      const rows = await eventually(() => {
        const all = inboundRows();
        return ids.every((id) => all.has(id)) ? all : undefined;
      }, 'every row');
      replies.forEach(({ want }, i) => {
        const row = rows.get(ids[i]!)!;
        assert.deepEqual({ channel: row.channel, type: row.type, mediaUrl: row.mediaUrl ?? null, text: row.text ?? null }, want, `${want.channel} ${want.type}`);
      });
      // Each reply fires a journey event; let them land now, not inside the next test's event count.
      await eventually(async () => {
        const events = await sandbox.connector.store.db.selectFrom('journey_events').select('state').where('inbound_id', 'in', ids).execute();
        return events.length === ids.length && events.every((e) => e.state === 'fired') ? true : undefined;
      }, 'every reply\'s journey event fired');
    });

    test('a reply matching no recent message is stored and fires nothing; a duplicate webhook changes nothing', async () => {
      const before = sandbox.sfmc.events(sandbox.info.sfmc.accountId).length;
      const stranger = phone(phones++).slice(1);
      const reply = sandbox.infobip.reply({ from: stranger, to: '4915799912345', text: 'Who is this?' });
      const row = await eventually(() => inboundRows().get(reply.messageId), 'the row of the unmatched reply');
      assert.equal(row.replyToMessageId ?? null, null);
      const stored = await sandbox.connector.store.db.selectFrom('inbound_messages').selectAll().where('id', '=', reply.messageId).execute();
      assert.equal(stored.length, 1);
      // The same inbound message again (Infobip retried): still one row, no event.
      const body = { results: [{ event: 'MO', channel: 'SMS', sender: stranger, destination: '4915799912345', content: [{ type: 'TEXT', text: 'Who is this?', cleanText: 'Who is this?' }], receivedAt: '2026-01-02T10:00:00.000+0000', messageId: reply.messageId, messageCount: 1 }] };
      const posted = await fetch(sandbox.info.webhooks.inbound!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(posted.status, 200);
      await sandbox.infobip.flushWebhooks();
      assert.equal((await sandbox.connector.store.db.selectFrom('inbound_messages').selectAll().where('id', '=', reply.messageId).execute()).length, 1);
      assert.equal(sandbox.sfmc.events(sandbox.info.sfmc.accountId).length, before, 'no event fired');
    });

    test('a reply to another of our numbers matches nothing; a reply to a message sent without the trigger fires nothing', async () => {
      const sent = await sendTwoWay();
      const before = sandbox.sfmc.events(sandbox.info.sfmc.accountId).length;
      const elsewhere = sandbox.infobip.reply({ from: sent.digits, to: '4915799900000', text: 'YES' });
      const [stored] = await eventually(async () => {
        const rows = await sandbox.connector.store.db.selectFrom('inbound_messages').selectAll().where('id', '=', elsewhere.messageId).execute();
        return rows.length > 0 ? rows : undefined;
      }, 'the reply to the other number stored');
      assert.equal(stored!.reply_to_message_id, null, 'not a reply to the two-way message, which went from another number');

      const contactKey = uniquePrefix('one-way');
      const to = phone(phones++);
      const plain = await execute(loadExample('sms'), { contactKey, phone: to });
      const plainId = String(plain.body.messageId);
      await eventually(() => sandbox.infobip.sentMessages().get(plainId), 'the one-way message at Infobip');
      const reply = sandbox.infobip.reply({ from: to.slice(1), text: 'Thanks' });
      await eventually(async () => (await activity(sandbox.info.reportsActivityUrl, replyReport, plainId)).replyText === 'Thanks' || undefined, 'the Reply mode answering');
      const [matched] = await sandbox.connector.store.db.selectFrom('inbound_messages').selectAll().where('id', '=', reply.messageId).execute();
      assert.deepEqual([matched!.reply_to_message_id, matched!.contact_key], [plainId, contactKey]);
      assert.equal((await sandbox.connector.store.db.selectFrom('journey_events').selectAll().where('inbound_id', 'in', [reply.messageId, elsewhere.messageId]).execute()).length, 0);
      await sandbox.infobip.flushWebhooks();
      assert.equal(sandbox.sfmc.events(sandbox.info.sfmc.accountId).length, before, 'no event fired');
    });

    test('STOP opts the number out: executes answer a clear messageStatus and send nothing, until the operator removes it', async () => {
      const sent = await sendTwoWay();
      sandbox.infobip.reply({ from: sent.digits, text: ' stop! ' });
      const listed = await eventually(async () => {
        const body = (await (await admin(`/tenants/${tenant.id}/suppressions`)).json()) as { suppressions: { destination: string; reason: string }[] };
        return body.suppressions.find((s) => s.destination === sent.digits);
      }, 'the suppression');
      assert.equal(listed.reason, 'keyword');
      const sms = loadExample('sms');
      const refused = await execute(sms, { contactKey: 'after-stop', phone: `+${sent.digits}` });
      assert.deepEqual([refused.status, refused.body], [200, { messageId: '', messageStatus: 'Error: Recipient opted out' }], 'a business answer: Journey Builder moves the contact on');
      assert.ok(![...sandbox.infobip.sentMessages().values()].some((m) => m.destination === sent.digits && m.messageId !== sent.id), 'nothing sent to the opted-out number');
      // A message that is merely a sentence with "stop" in it opts nobody out.
      const other = await sendTwoWay();
      const sentence = sandbox.infobip.reply({ from: other.digits, text: 'Please stop by at 8' });
      await eventually(() => inboundRows().get(sentence.messageId), 'the sentence row');
      assert.equal((await execute(sms, { contactKey: 'sentence', phone: `+${other.digits}` })).body.messageStatus, 'Success: Message pending');

      assert.equal((await admin(`/tenants/${tenant.id}/suppressions/${sent.digits}`, { method: 'DELETE' })).status, 204);
      assert.equal((await admin(`/tenants/${tenant.id}/suppressions/${sent.digits}`, { method: 'DELETE' })).status, 404);
      const again = await execute(sms, { contactKey: 'after-removal', phone: `+${sent.digits}` });
      assert.equal(again.body.messageStatus, 'Success: Message pending');
      const [message] = (await messagesById(sandbox.connector.store.db, [String(again.body.messageId)])).values();
      assert.equal(message?.destination, sent.digits);
    });

    test('opt-out keywords are per tenant and language; an added suppression applies at once', async () => {
      const set = await admin(`/tenants/${tenant.id}/reports`, { method: 'PATCH', body: JSON.stringify({ optOutKeywords: { de: ['ABMELDEN'], en: ['STOP'] } }) });
      assert.equal(set.status, 200);
      const sent = await sendTwoWay();
      sandbox.infobip.reply({ from: sent.digits, text: 'abmelden' });
      await eventually(async () => {
        const body = (await (await admin(`/tenants/${tenant.id}/suppressions`)).json()) as { suppressions: { destination: string }[] };
        return body.suppressions.some((s) => s.destination === sent.digits) || undefined;
      }, 'the German opt-out');
      // The tenant's list replaces the defaults: UNSUBSCRIBE is now an ordinary reply.
      const kept = await sendTwoWay();
      const unsubscribe = sandbox.infobip.reply({ from: kept.digits, text: 'UNSUBSCRIBE' });
      await eventually(() => inboundRows().get(unsubscribe.messageId), 'the UNSUBSCRIBE row');
      const listed = (await (await admin(`/tenants/${tenant.id}/suppressions`)).json()) as { suppressions: { destination: string }[] };
      assert.ok(!listed.suppressions.some((s) => s.destination === kept.digits), 'not opted out by a default the tenant replaced');
      const manual = phone(phones++);
      assert.equal((await admin(`/tenants/${tenant.id}/suppressions`, { method: 'POST', body: JSON.stringify({ destination: manual }) })).status, 201);
      assert.equal((await execute(loadExample('sms'), { contactKey: 'manual', phone: manual })).body.messageStatus, 'Error: Recipient opted out');
    });
  });
}
