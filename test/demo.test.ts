import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { allChannels } from '../src/channels/registry.ts';

// `npm run demo -- --channel <name>` works for every channel: a small journey, as a user runs it.
const run = promisify(execFile);
const demo = fileURLToPath(new URL('../src/sandbox/demo.ts', import.meta.url));

for (const channel of allChannels()) {
  test(`npm run demo -- --channel ${channel.id}`, async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', demo, '--channel', channel.id, '--contacts', '20'], {
      env: { ...process.env, DATABASE_URL: '' },
      timeout: 120_000,
    });
    assert.match(stdout, new RegExp(`20 contacts through the ${channel.name} Message activity`));
    assert.match(stdout, /accepted\s+20\n/);
    assert.match(stdout, /sent to Infobip\s+20 messages/);
    assert.match(stdout, /written to SFMC\s+20 rows/);
    assert.match(stdout, /reports answered\s+20:/);
  });
}

// `npm run demo -- --two-way`: replies resume the contacts waiting for them, and only those.
test('npm run demo -- --two-way', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', demo, '--two-way', '--contacts', '20', '--reply-share', '0.5'], {
    env: { ...process.env, DATABASE_URL: '' },
    timeout: 120_000,
  });
  assert.match(stdout, /waiting contacts\s+20\n/);
  assert.match(stdout, /events fired\s+10 × POST \/interaction\/v1\/events/);
  assert.match(stdout, /contacts resumed\s+10; still waiting 10/);
  assert.match(stdout, /Inbound Messages\s+10 rows/);
  assert.match(stdout, /split branches\s+.*replied 10/);
});
