import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const smsTemplate = loadExample('sms');
const reportsTemplate = loadExample('reports-delivery');
const phone = (i: number) => `+49151${String(10_000_000 + i)}`;

for (const dialect of testDialects) {
  describe(`one SMS from execute to a delivery report row (${dialect})`, () => {
    let sandbox: Sandbox;
    let signer: ExecuteSigner;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      signer = new ExecuteSigner(sandbox.info.jwtSecret);
    });
    after(() => sandbox.close());

    test('execute stores, Infobip gets it once, the report reaches the data extension and the Reports activity', async () => {
      const contacts = Array.from({ length: 25 }, (_, i) => ({ contactKey: `contact-${i}`, phone: phone(i) }));
      const answers = await Promise.all(
        contacts.map(async (c) => postExecute(sandbox.info.messageActivityUrl, await signer.sign(fillExample(smsTemplate, c)))),
      );
      for (const answer of answers) {
        assert.equal(answer.status, 200);
        assert.equal(answer.body.messageStatus, 'Success: Message pending');
        assert.match(String(answer.body.messageId), /^[0-9a-f-]{36}$/);
      }
      const messageIds = answers.map((a) => String(a.body.messageId));
      assert.equal(new Set(messageIds).size, contacts.length);

      // Journey Builder retries: same contact, same activity and instance → the first answer, no second send.
      const retry = await postExecute(sandbox.info.messageActivityUrl, await signer.sign(fillExample(smsTemplate, contacts[0]!)));
      assert.deepEqual(retry.body, answers[0]!.body);

      const deKey = sandbox.info.dataExtensions.smsDeliveryReports!;
      const rows = await eventually(() => {
        const current = sandbox.sfmc.rows(sandbox.info.sfmc.accountId, deKey);
        return current.length === contacts.length ? current : undefined;
      }, 'a report row per message');
      const stats = sandbox.infobip.stats();
      assert.equal(stats.uniqueMessageIds, contacts.length);
      assert.equal(stats.duplicateMessageIds, 0);
      const sent = sandbox.infobip.sentMessages();
      assert.equal(sent.get(messageIds[3]!)?.destination, phone(3).slice(1));

      const row = rows.find((r) => r.messageId === messageIds[0])!;
      assert.equal(row.statusGroupName, 'DELIVERED');
      assert.equal(row.statusName, 'DELIVERED_TO_HANDSET');
      assert.equal(row.to, phone(0).slice(1));
      assert.equal(row.from, 'mc-relay');
      assert.match(String(row.callbackData), /"ContactKey":"contact-0"/);

      const report = await postExecute(
        sandbox.info.reportsActivityUrl,
        await signer.sign(fillExample(reportsTemplate, { messageId: messageIds[0]!, contactKey: 'contact-0' })),
      );
      assert.equal(report.status, 200);
      assert.equal(report.body.statusName, 'DELIVERED_TO_HANDSET');
      assert.equal(report.body.statusGroupName, 'DELIVERED');
      assert.equal(report.body.errorName, 'NO_ERROR');
      assert.equal(report.body.seenAt, 'NOT_AVAILABLE');
      assert.match(String(report.body.doneAt), /^\d{4}-\d\d-\d\dT/);
    });
  });
}
