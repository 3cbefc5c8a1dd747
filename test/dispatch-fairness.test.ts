// Fairness: claiming is shared between flows (tenant, journey version, activity), so a tenant or an
// activity with a large backlog does not delay another's messages: theirs go within a request or
// two, while the backlog is still far from drained.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { addTenant, contacts, demoTenant, executeAll, messagesById, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { executePaced, pacedActivity } from './helpers/pacing.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const BACKLOG = 6000;

for (const dialect of testDialects) {
  describe(`fair claiming (${dialect})`, () => {
    let sandbox: Sandbox;
    let big: TestTenant;
    let small: TestTenant;
    let phones = 0;
    const wave = (label: string, count: number) => {
      const list = contacts(uniquePrefix(label), count, phones);
      phones += count;
      return list;
    };
    const notSent = async (ids: string[]) => [...(await messagesById(sandbox.connector.store.db, ids)).values()].filter((m) => m.state !== 'sent').length;

    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      big = await demoTenant(sandbox);
      small = await addTenant(sandbox, { name: 'Small business unit' });
    });
    after(() => sandbox.close());

    for (const scope of ['another tenant', 'another activity of the same tenant'] as const) {
      test(`${scope} is served while a ${BACKLOG}-message backlog drains`, async () => {
        // Every Infobip answer takes 400 ms: the backlog needs several seconds, one request at a time.
        sandbox.infobip.setFaults({ latencyMs: 400 });
        try {
          await sandbox.connector.dispatcher.stop();
          const backlog = await executeAll(big, wave('backlog', BACKLOG), 100);
          sandbox.connector.dispatcher.start();
          await eventually(() => {
            const sent = sandbox.infobip.sentMessages();
            return backlog.some((id) => sent.has(id)) || undefined;
          }, 'the backlog started');
          const other = scope === 'another tenant' ? await executeAll(small, wave('small', 5), 5) : await executePaced(big, pacedActivity(6000), wave('other-activity', 5), 5);
          await eventually(() => {
            const sent = sandbox.infobip.sentMessages();
            return other.every((id) => sent.has(id)) || undefined;
          }, `${scope}'s messages sent`, 10_000);
          const left = await notSent(backlog);
          assert.ok(left >= BACKLOG / 3, `${left} of the backlog still unsent when ${scope}'s messages were all sent`);
          await eventually(async () => (await notSent(backlog)) === 0 || undefined, 'the backlog drained', 60_000);
        } finally {
          sandbox.infobip.setFaults({ latencyMs: 0 });
        }
      });
    }
  });
}
