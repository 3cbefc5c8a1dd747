// `npm run sandbox` prints one JSON line an operator can drive everything from: every activity URL,
// every webhook URL of the tenant (delivery, seen, click, inbound) and every report data extension.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { reportDataExtensions } from '../src/reports/data-extensions.ts';

const cli = fileURLToPath(new URL('../src/sandbox/cli.ts', import.meta.url));

test('npm run sandbox: the JSON line lists every webhook and data extension, and they work', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', cli], { env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const info = JSON.parse(line) as { webhooks: Record<string, string>; dataExtensions: Record<string, string>; splitActivityUrl: string };
    assert.deepEqual(Object.keys(info.webhooks).sort(), ['clicks', 'deliveryReports', 'inbound', 'seenReports']);
    assert.deepEqual(info.dataExtensions, Object.fromEntries(reportDataExtensions.map((d) => [d.id, d.defaultKey])));
    assert.deepEqual(Object.keys(info.dataExtensions).sort(), ['inboundMessages', 'omniReports', 'smsDeliveryReports', 'urlTracking']);
    for (const url of [info.webhooks.inbound!, info.webhooks.deliveryReports!]) {
      const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"results":[]}' });
      assert.equal(answer.status, 200, url);
    }
    assert.equal((await fetch(`${info.splitActivityUrl}config.json`)).status, 200);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
