import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { get, postJson, postJwt } from './helpers/http.ts';
import { handBuiltJwt, hs256 } from './helpers/jwt.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

/** What Journey Builder reads from config.json (custom-activity-config.md), per activity. */
const expectations = [
  { activity: 'message', outArguments: ['messageId', 'messageStatus'] },
  { activity: 'reports', outArguments: ['statusName', 'statusGroupName', 'errorName', 'doneAt', 'sentAt', 'seenAt', 'plannedAt', 'notificationType', 'url', 'replyText', 'replyType', 'receivedAt'] },
] as const;

const lifecycleCalls = ['save', 'validate', 'publish', 'stop', 'unpublish'] as const;

/** Journey Builder's lifecycle body: the activity as configured. */
const lifecycleBody = { activityObjectID: '8d2f6a3c-1b7e-4c59-a0d4-6e9b3f1c2a71', interactionId: '4f0c0f1e-5a5e-4d8e-9a43-2f6f2c8a7b10', interactionVersion: '1' };

for (const dialect of testDialects) {
  describe(`activity config.json and lifecycle (${dialect})`, () => {
    let sandbox: Sandbox;
    before(async () => {
      sandbox = await startTestSandbox(dialect);
    });
    after(() => sandbox.close());

    const baseUrl = (activity: string) => (activity === 'message' ? sandbox.info.messageActivityUrl : sandbox.info.reportsActivityUrl);

    async function config(activity: string): Promise<Record<string, any>> {
      const answer = await get(`${baseUrl(activity)}config.json`);
      assert.equal(answer.status, 200);
      assert.match(answer.contentType, /^application\/json/);
      return answer.json!;
    }

    for (const { activity, outArguments } of expectations) {
      describe(`the ${activity} activity`, () => {
        test('is a REST activity of workflow API 1.1 with a JWT-signed execute', async () => {
          const c = await config(activity);
          assert.equal(c.workflowApiVersion, '1.1');
          assert.equal(c.type, 'REST');
          const execute = c.arguments.execute;
          assert.equal(execute.url, `${baseUrl(activity)}execute`);
          assert.equal(execute.verb, 'POST');
          assert.equal(execute.useJwt, true);
          assert.ok(Number.isInteger(execute.timeout) && execute.timeout >= 1_000 && execute.timeout <= 100_000, `timeout ${execute.timeout}`);
          assert.ok(Number.isInteger(execute.retryCount) && execute.retryCount >= 0 && execute.retryCount <= 5, `retryCount ${execute.retryCount}`);
          assert.ok(Number.isInteger(execute.concurrentRequests) && execute.concurrentRequests >= 1 && execute.concurrentRequests <= 10, `concurrentRequests ${execute.concurrentRequests}`);
          assert.match(c.metaData.icon, /^http/);
          assert.equal(typeof c.lang['en-US'].name, 'string');
        });

        test('declares its outArguments in arguments and, as visible Text, in schema', async () => {
          const c = await config(activity);
          const declared = (c.arguments.execute.outArguments as Record<string, unknown>[]).flatMap((o) => Object.keys(o));
          assert.deepEqual(declared, [...outArguments]);
          const schema = c.schema.arguments.execute.outArguments as Record<string, Record<string, unknown>>[];
          assert.deepEqual(schema.flatMap((o) => Object.keys(o)), [...outArguments]);
          for (const entry of schema) {
            const [name, definition] = Object.entries(entry)[0]!;
            assert.equal(definition.dataType, 'Text', name);
            assert.equal(definition.access, 'visible', name);
            assert.equal(definition.direction, 'out', name);
          }
        });

        test('lifecycle URLs answer 200 JSON for JSON and signed bodies, 401 for a bad signature', async () => {
          const c = await config(activity);
          for (const call of lifecycleCalls) {
            const target = c.configurationArguments[call];
            assert.equal(target.url, `${baseUrl(activity)}${call}`);
            assert.equal(target.verb, 'POST');

            const asJson = await postJson(target.url, lifecycleBody);
            assert.equal(asJson.status, 200, `${call} with JSON`);
            assert.match(asJson.contentType, /^application\/json/);

            const signed = await postJwt(target.url, hs256(lifecycleBody, sandbox.info.jwtSecret));
            assert.equal(signed.status, 200, `${call} with a valid JWT`);
            assert.match(signed.contentType, /^application\/json/);

            const badlySigned = await postJwt(target.url, hs256(lifecycleBody, `${sandbox.info.jwtSecret}x`));
            assert.equal(badlySigned.status, 401, `${call} with a bad JWT`);
            assert.equal(badlySigned.json?.error, 'unauthorized');
            assert.equal((await postJwt(target.url, handBuiltJwt({ alg: 'none' }, lifecycleBody, undefined))).status, 401, `${call} with alg none`);
          }
        });

        test('serves its UI and icon', async () => {
          const page = await get(`${baseUrl(activity)}index.html`);
          assert.equal(page.status, 200);
          assert.match(page.contentType, /^text\/html/);
          assert.match(page.text, /<html/i);
          const c = await config(activity);
          const icon = await get(c.metaData.icon);
          assert.equal(icon.status, 200);
          assert.match(icon.contentType, /^image\/svg\+xml/);
        });
      });
    }

    test('an unknown tenant or activity answers 404', async () => {
      const unknownTenant = sandbox.info.messageActivityUrl.replace(/\/t\/[^/]+\//, '/t/no-such-tenant/');
      assert.equal((await get(`${unknownTenant}config.json`)).status, 404);
      assert.equal((await get(`${unknownTenant}index.html`)).status, 404);
      const unknownActivity = sandbox.info.messageActivityUrl.replace(/\/activities\/message\//, '/activities/nope/');
      assert.equal((await get(`${unknownActivity}config.json`)).status, 404);
      assert.equal((await postJson(`${sandbox.info.messageActivityUrl}not-a-call`, lifecycleBody)).status, 404);
    });
  });
}
