// The Configuration app's Subscriptions action, pressed again: the Infobip account then holds one
// set of our subscriptions and notification profiles, carrying the security the intake checks now,
// and what someone else subscribed on the same account is left alone. Over real HTTP: the
// connector, the SFMC and Infobip simulators, and the database of each dialect.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startInfobipSimulator, type InfobipSimulator } from '../src/sandbox/infobip/simulator.ts';
import { startSfmcSimulator, type SfmcSimulator } from '../src/sandbox/sfmc/simulator.ts';
import { startConnector, type RunningConnector } from './helpers/connector.ts';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/databases.ts';
import { postJson } from './helpers/http.ts';
import { tenantBody } from './helpers/tenants.ts';

const MID = '510000001';
const S2S = { clientId: 'relay-s2s', clientSecret: 'relay-s2s-secret-0123456789' };
const API_KEY = 'infobip-key-0123456789abcdef';

type Stored = { subscriptionId: string; events: string[]; profile: { profileId: string; security: { type: string; credentials: Record<string, string> } } };

for (const dialect of testDialects) {
  describe(`Configuration app: Create subscriptions again (${dialect})`, () => {
    let sfmc: SfmcSimulator;
    let infobip: InfobipSimulator;
    let database: TestDatabase;
    let running: RunningConnector;
    let api: string;
    let bearer: { authorization: string };
    let accountId: string;
    let clicksUrl: string;

    /** Every subscription on the simulated Infobip account, ours and others'. */
    const held = () => [...infobip.account(API_KEY).subscriptions.values()].flatMap((byId) => [...byId.values()] as unknown as Stored[]);
    let theirs = ['crm-sms-delivery'];
    const ours = () => held().filter((s) => !theirs.includes(s.subscriptionId));
    const create = async (security: 'BASIC' | 'HMAC') => {
      const answer = await postJson(`${api}accounts/${accountId}/subscriptions`, { security }, bearer);
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.json!.leftover, undefined);
      return answer.json!;
    };
    /** Sends an SMS through the simulator, has its recipient click it, and answers how the click reports fared at our intake. */
    const clickThroughSubscriptions = async () => {
      const sent = await fetch(`${infobip.url}/sms/3/messages`, {
        method: 'POST',
        headers: { authorization: `App ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ sender: 'Shop', destinations: [{ to: '41793026731' }], content: { text: 'See https://shop.example.com/a' } }] }),
      });
      assert.equal(sent.status, 200, await sent.clone().text());
      const { messages } = (await sent.json()) as { messages: { messageId: string }[] };
      const before = infobip.stats();
      const clicked = infobip.click(messages[0]!.messageId);
      await infobip.flushWebhooks();
      const after = infobip.stats();
      return { notifyUrls: clicked.notifyUrls, accepted: after.webhooksPosted - before.webhooksPosted, refused: after.webhookFailures - before.webhookFailures };
    };

    /** A subscription (and its profile, of the same id) someone else makes on the same Infobip account, to a CRM of theirs. */
    const subscribeAsSomeoneElse = async (id: string) => {
      const theirs = await fetch(`${infobip.url}/subscriptions/1/subscription/SMS`, {
        method: 'POST',
        headers: { authorization: `App ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subscriptionId: id,
          name: 'CRM delivery reports',
          events: ['DELIVERY'],
          profile: { profileId: id, webhook: { notifyUrl: 'https://crm.example.com/infobip' }, security: { authId: id, type: 'BASIC', credentials: { username: 'crm', password: 'crm-pass' } } },
        }),
      });
      assert.equal(theirs.status, 201, await theirs.text());
    };
    const theirsSurvive = (ids: string[]) => {
      for (const id of ids) {
        assert.ok(held().some((s) => s.subscriptionId === id), `subscription ${id} survives`);
        assert.ok(infobip.account(API_KEY).profiles.has(id), `profile ${id} survives`);
      }
    };

    before(async () => {
      sfmc = await startSfmcSimulator({ clients: [{ ...S2S, accountId: MID }] });
      // One attempt per click report: a refused one counts as a failure at once.
      infobip = await startInfobipSimulator({ apiKeys: [API_KEY], webhookRetry: { maxAttempts: 1 } });
      database = await createTestDatabase(dialect);
      running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, allowPrivateUrls: true });
      const tenant = await running.admin.mustCreateTenant(tenantBody({ mid: MID, sfmc: { ...S2S, authBaseUrl: sfmc.authBaseUrl }, infobip: { baseUrl: infobip.url, apiKey: API_KEY } }));
      api = `${running.url}/t/${tenant.urlKey}/app/api/`;
      const signIn = await postJson(`${api}session`, { mid: MID, ...S2S, soapOrigin: sfmc.soapBaseUrl, authOrigin: sfmc.authBaseUrl });
      assert.equal(signIn.status, 200, signIn.text);
      bearer = { authorization: `Bearer ${signIn.json!.session.token}` };
      const config = (await (await fetch(`${api}config`, { headers: bearer })).json()) as { accounts: { id: string }[]; webhooks: { clicks: string } };
      accountId = config.accounts[0]!.id;
      clicksUrl = config.webhooks.clicks;

      await subscribeAsSomeoneElse('crm-sms-delivery');
    });
    after(async () => {
      await running.close();
      await infobip.close();
      await sfmc.close();
      await database.drop();
    });

    it('Create twice: the account holds exactly one set of our subscriptions and profiles, the one stored; someone else\'s survive, even named like ours', async () => {
      const applicationId = (await create('BASIC')).accounts[0].channels.subscriptions.applicationId as string;
      const first = ours().map((s) => s.subscriptionId);
      assert.equal(first.length, 16);
      // Named with our application id, but not in the shape we give ours.
      const lookalike = `${applicationId}-sms-delivery-by-crm`;
      await subscribeAsSomeoneElse(lookalike);
      theirs = [...theirs, lookalike];
      const config = await create('BASIC');
      const second = ours().map((s) => s.subscriptionId).sort();
      assert.equal(second.length, 16, 'the first set was removed');
      assert.ok(second.every((id) => !first.includes(id)));
      assert.deepEqual(Object.values(config.accounts[0].channels.subscriptions.subscriptions as Record<string, string>).sort(), second);
      const profiles = [...infobip.account(API_KEY).profiles.keys()].filter((id) => !theirs.includes(id)).sort();
      assert.deepEqual(profiles, second, 'no notification profile of the first set is left');
      theirsSurvive(theirs);
    });

    it('Basic → HMAC, Create again: click reports through the subscriptions are accepted once; the old Basic credentials are refused', async () => {
      const oldBasic = ours()[0]!.profile.security.credentials;
      await create('HMAC');
      const clicks = await clickThroughSubscriptions();
      assert.deepEqual(clicks, { notifyUrls: [clicksUrl], accepted: 1, refused: 0 });
      assert.ok(ours().every((s) => s.profile.security.type === 'HMAC'));
      const withOldCredentials = await fetch(clicksUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${oldBasic.username}:${oldBasic.password}`).toString('base64')}` },
        body: JSON.stringify({ messageId: 'any', url: 'https://shop.example.com/a', sendDateTime: Date.now() }),
      });
      assert.equal(withOldCredentials.status, 401);
      await withOldCredentials.body?.cancel();
      theirsSurvive(theirs);
    });

  });
}
