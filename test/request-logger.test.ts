import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { lazyRequestLogger } from '../src/server/lazy-request-logger.ts';
import { startConnector } from './helpers/connector.ts';
import { createTestDatabase, type TestDatabase } from './helpers/databases.ts';
import { postJson } from './helpers/http.ts';
import { capturedLog } from './helpers/log-capture.ts';
import { tenantBody } from './helpers/tenants.ts';

/** Each JSON log line written so far. */
const linesOf = (logs: ReturnType<typeof capturedLog>) => logs.text().trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('request loggers are made when a request first logs', () => {
  test('a line logged through one carries the request id, the parent logger\'s redaction and a child\'s bindings', () => {
    const logs = capturedLog();
    const requestLog = lazyRequestLogger(logs.log, { reqId: 'req-7' }, {});
    assert.equal(logs.text(), '');
    assert.equal(requestLog.level, 'trace');
    requestLog.warn({ body: { apiKey: 'secret-value' } }, 'first line');
    requestLog.child({ component: 'inner' }).error('second line');
    const [first, second] = linesOf(logs);
    assert.deepEqual([first?.reqId, first?.msg, (first?.body as Record<string, unknown>)?.apiKey, first?.level], ['req-7', 'first line', '[redacted]', 40]);
    assert.deepEqual([second?.reqId, second?.component, second?.msg], ['req-7', 'inner', 'second line']);
  });

  test('a level set on one applies to its lines only', () => {
    const logs = capturedLog();
    const requestLog = lazyRequestLogger(logs.log, { reqId: 'req-8' }, {});
    requestLog.level = 'error';
    requestLog.info('hidden');
    logs.log.info('parent still logs info');
    assert.deepEqual(linesOf(logs).map((line) => line.msg), ['parent still logs info']);
  });

  describe('through the connector', () => {
    let database: TestDatabase;
    let running: Awaited<ReturnType<typeof startConnector>>;
    const logs = capturedLog();
    before(async () => {
      database = await createTestDatabase('sqlite');
      running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir }, logs.log);
    });
    after(async () => {
      await running.close();
      await database.drop();
    });

    test('a route\'s own line names its request; requests that log nothing write nothing', async () => {
      const tenant = await running.admin.mustCreateTenant(tenantBody());
      const before = linesOf(logs).length;
      const answer = await postJson(`${tenant.activities.message}publish`, { activityObjectID: 'a1' });
      assert.equal(answer.status, 200, answer.text);
      const written = linesOf(logs).slice(before);
      const line = written.find((l) => l.msg === 'activity lifecycle call');
      assert.ok(line, JSON.stringify(written));
      assert.match(String(line.reqId), /./);
      assert.equal(line.call, 'publish');
      const after = linesOf(logs).length;
      assert.equal((await postJson(`${tenant.activities.message}validate`, {})).status, 200);
      assert.equal(linesOf(logs).slice(after).filter((l) => l.reqId !== undefined && l.msg !== 'activity lifecycle call').length, 0);
    });
  });
});
