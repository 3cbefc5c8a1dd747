import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { omniReports } from '../src/reports/data-extensions.ts';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

// Channels with seen reports (RCS, Viber, WhatsApp) end in the Omni Reports data extension with
// the guide's columns, seenAt and channel filled; the Reports activity answers seenAt too.

for (const dialect of testDialects) {
  describe(`Omni Reports with seen reports (${dialect})`, () => {
    let sandbox: Sandbox;
    let signer: ExecuteSigner;
    before(async () => {
      sandbox = await startTestSandbox(dialect, { seenRate: 1, outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      signer = new ExecuteSigner(sandbox.info.jwtSecret);
    });
    after(() => sandbox.close());

    for (const [channel, name] of [['viber', 'Viber'], ['rcs', 'RCS'], ['whatsapp', 'WhatsApp']] as const) {
      test(`${name}: delivered and seen, in Omni Reports and in the Reports activity`, async () => {
        const contactKey = `omni-${channel}`;
        const answer = await postExecute(sandbox.info.messageActivityUrl, await signer.sign(fillExample(loadExample(channel), { contactKey, phone: '+4915150000001' })));
        assert.equal(answer.body.messageStatus, 'Success: Message pending');
        const messageId = String(answer.body.messageId);
        const key = sandbox.info.dataExtensions.omniReports!;
        const row = await eventually(() => {
          const found = sandbox.sfmc.rows(sandbox.info.sfmc.accountId, key).find((r) => r.messageId === messageId);
          return found?.seenAt && found.statusGroupName === 'DELIVERED' ? found : undefined;
        }, `a delivered and seen ${name} row`);
        assert.deepEqual(Object.keys(row).sort(), omniReports.fields.map((f) => f.name).sort());
        assert.equal(row.channel, name);
        assert.equal(row.to, '4915150000001');
        assert.ok(Date.parse(String(row.seenAt)) >= Date.parse(String(row.sentAt)));
        assert.match(String(row.callbackData), new RegExp(`"ContactKey":"${contactKey}"`));

        const report = await postExecute(sandbox.info.reportsActivityUrl, await signer.sign(fillExample(loadExample('reports-delivery'), { messageId, contactKey })));
        assert.equal(report.body.statusGroupName, 'DELIVERED');
        assert.notEqual(report.body.seenAt, 'NOT_AVAILABLE');
      });
    }
  });
}
