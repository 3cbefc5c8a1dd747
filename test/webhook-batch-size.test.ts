import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

// Infobip's subscriptions may send up to 2,000 reports in one POST (maxBucketSize); such a batch
// (about 1.6 MB) must be taken, not refused as too large and retried forever.
let sandbox: Sandbox;
before(async () => {
  sandbox = await startTestSandbox('sqlite');
});
after(() => sandbox.close());

test('a webhook batch of 2,000 reports (> 1 MB) is accepted', async () => {
  const results = Array.from({ length: 2000 }, (_, i) => ({
    messageId: `unknown-${i}`,
    to: '4915150000001',
    sender: 'mc-relay',
    sentAt: '2026-11-27T10:00:00.000+0000',
    doneAt: '2026-11-27T10:00:05.000+0000',
    messageCount: 1,
    callbackData: JSON.stringify({ ContactKey: `c-${i}`, Notes: 'x'.repeat(500) }),
    status: { groupId: 3, groupName: 'DELIVERED', id: 5, name: 'DELIVERED_TO_HANDSET', description: 'Message delivered to handset' },
  }));
  const body = JSON.stringify({ results });
  assert.ok(body.length > 1024 * 1024);
  const response = await fetch(sandbox.info.webhooks.deliveryReports!, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.equal(response.status, 200);
});
