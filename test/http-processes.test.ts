// MC_RELAY_HTTP_PROCESSES: an instance that only answers HTTP runs several processes on its port
// (server/http-processes.ts). Started as an operator starts it, on both dialects.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fillExample, loadExample } from '../src/sandbox/journey-builder.ts';
import { createTestDatabase, type TestDatabase, testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { postJwt } from './helpers/http.ts';
import { hs256 } from './helpers/jwt.ts';
import { spawnMain, waitForExit, waitHealthy } from './helpers/main-process.ts';
import { freePort } from './helpers/ports.ts';
import { AdminClient, tenantBody } from './helpers/tenants.ts';

const temporary: { dir?: string; database?: TestDatabase }[] = [];
after(async () => {
  for (const t of temporary) {
    if (t.dir) rmSync(t.dir, { recursive: true, force: true });
    await t.database?.drop();
  }
});

/** The node processes `pid` started (cluster workers; tsx's esbuild helpers are not node). */
function nodeChildren(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid && readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'node';
      } catch {
        return false;
      }
    })
    .map(Number);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

for (const dialect of testDialects) {
  describe(`MC_RELAY_HTTP_PROCESSES=2 (${dialect})`, () => {
    test('two processes answer executes on one port; one that dies is replaced; SIGTERM stops them all and exits 0', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'mc-relay-processes-'));
      const database = await createTestDatabase(dialect);
      temporary.push({ dir: cwd, database });
      const port = await freePort();
      const adminToken = randomBytes(16).toString('hex');
      const main = spawnMain(cwd, {
        HOST: '127.0.0.1',
        PORT: String(port),
        MC_RELAY_ADMIN_TOKEN: adminToken,
        MC_RELAY_WORKERS: 'false',
        MC_RELAY_HTTP_PROCESSES: '2',
        ...(dialect === 'postgres' ? { DATABASE_URL: database.url, MC_RELAY_MASTER_KEY: randomBytes(32).toString('base64') } : { MC_RELAY_DATA_DIR: database.dataDir }),
      });
      const url = `http://127.0.0.1:${port}`;
      try {
        await waitHealthy(main, url);
        const first = await eventually(() => (nodeChildren(main.child.pid!).length === 2 ? nodeChildren(main.child.pid!) : undefined), 'two HTTP processes');

        const body = tenantBody();
        const tenant = await new AdminClient(`${url}/admin`, adminToken).mustCreateTenant(body);
        const execute = `${url}${new URL(tenant.activities.message).pathname}execute`;
        const template = loadExample('sms');
        const send = (i: number) => postJwt(execute, hs256(fillExample(template, { contactKey: `processes-${i}`, phone: `+4915112${String(i).padStart(6, '0')}` }), body.jwtSigningSecret));
        // Concurrent requests open several connections, which the processes take in turn.
        const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => send(i)));
        for (const answer of answers) assert.equal(answer.json?.messageStatus, 'Success: Message pending', answer.text);

        // Both listening first: a process killed while still starting never logs it, and the count below would wait for a third line forever.
        await eventually(() => (main.output().match(/"mc-relay listening"/g)?.length === 2 ? true : undefined), 'both processes listening', 45_000);
        process.kill(first[0]!, 'SIGKILL');
        const replaced = await eventually(() => {
          const now = nodeChildren(main.child.pid!);
          return now.length === 2 && !now.includes(first[0]!) ? now : undefined;
        }, 'a new process in place of the killed one');
        assert.ok(replaced.includes(first[1]!), 'the other process kept running');
        assert.match(main.output(), /an HTTP process exited; starting another/);
        // A process starting on a loaded CI machine (tsx, the store, the pool) has taken over 14 s once.
        await eventually(() => (main.output().match(/"mc-relay listening"/g)?.length === 3 ? true : undefined), 'the new process listening', 45_000).catch((error: Error) => {
          throw new Error(`${error.message}; the supervisor's output ends:\n${main.output().slice(-3000)}`);
        });
        await eventually(async () => ((await send(1000)).json?.messageStatus === 'Success: Message pending' ? true : undefined), 'executes answered after the replacement');

        assert.equal(await main.stop('SIGTERM'), 0, main.output());
        for (const pid of replaced) assert.equal(alive(pid), false, `process ${pid} stopped`);
      } finally {
        await main.stop('SIGKILL').catch(() => undefined);
      }
    });
  });
}

test('MC_RELAY_HTTP_PROCESSES above 1 with the background loops on: refuses to start, saying why', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'mc-relay-processes-'));
  temporary.push({ dir: cwd });
  const main = spawnMain(cwd, { HOST: '127.0.0.1', PORT: String(await freePort()), MC_RELAY_HTTP_PROCESSES: '2', MC_RELAY_DATA_DIR: cwd });
  assert.notEqual(await waitForExit(main), 0, main.output());
  assert.match(main.output(), /MC_RELAY_HTTP_PROCESSES above 1 needs MC_RELAY_WORKERS=false/);
});
