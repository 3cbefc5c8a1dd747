// The Configuration app's Subscriptions action, pressed again: the Infobip account then holds one
// set of our subscriptions and notification profiles, carrying the security the intake checks now,
// and what someone else subscribed on the same account is left alone. Our messages name the
// subscriptions' application, so their criteria take them: an SMS and a Viber message executed in
// a journey come back as delivery reports and clicks at our intake, while another application's
// subscription gets nothing; before any Create, messages name no application. Over real HTTP: the
// connector (its dispatcher on), the SFMC and Infobip simulators, and the database of each dialect.
// A set Infobip fails half-way through is taken back, leaving the earlier one in place.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startInfobipSimulator, type InfobipSimulator, type SimMessage } from '../src/sandbox/infobip/simulator.ts';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import { startSfmcSimulator, type SfmcSimulator } from '../src/sandbox/sfmc/simulator.ts';
import { startConnector, type RunningConnector } from './helpers/connector.ts';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { postJson } from './helpers/http.ts';
import { tenantBody } from './helpers/tenants.ts';

const MID = '510000001';
const S2S = { clientId: 'relay-s2s', clientSecret: 'relay-s2s-secret-0123456789' };
const API_KEY = 'infobip-key-0123456789abcdef';

const templates = { sms: loadExample('sms'), viber: loadExample('viber') };

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
    let messageActivityUrl: string;
    let signer: ExecuteSigner;
    let phones = 0;

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
    /**
     * Executes the Message activity for one contact, as Journey Builder would, and answers the
     * message as the Infobip simulator received it once the connector has sent it.
     */
    const sendThroughJourney = async (channel: keyof typeof templates): Promise<SimMessage> => {
      const contact = { contactKey: `${channel}-${++phones}`, phone: `+49151${50_000_000 + phones}` };
      const answer = await postExecute(messageActivityUrl, await signer.sign(fillExample(templates[channel], contact)));
      assert.equal(answer.body.messageStatus, 'Success: Message pending', JSON.stringify(answer.body));
      const id = String(answer.body.messageId);
      return eventually(() => infobip.sentMessages().get(id), `${channel} message ${id} at Infobip`);
    };
    /** The delivery report of a message as our intake stored it. */
    const deliveryReport = (id: string) =>
      eventually(async () => (await running.connector.store.db.selectFrom('reports').selectAll().where('message_id', '=', id).where('status_group_name', '=', 'DELIVERED').executeTakeFirst()) ?? undefined, `the delivery report of ${id}`);
    /** Has the recipient of a message click it, and answers where the click went and how our intake took it. */
    const clickThroughSubscriptions = async (message: SimMessage) => {
      // The message's delivery report is posted first, so that only the click is counted.
      await infobip.flushWebhooks();
      const before = infobip.stats();
      const clicked = infobip.click(message.messageId, 'https://shop.example.com/a');
      await infobip.flushWebhooks();
      const after = infobip.stats();
      return { notifyUrls: clicked.notifyUrls, accepted: after.webhooksPosted - before.webhooksPosted, refused: after.webhookFailures - before.webhookFailures };
    };
    const clickStored = (id: string) =>
      eventually(async () => (await running.connector.store.db.selectFrom('url_clicks').selectAll().where('message_id', '=', id).executeTakeFirst()) ?? undefined, `the click of ${id}`);

    /** A subscription (and its profile, of the same id) someone else makes on the same Infobip account, to a CRM of theirs. */
    const subscribeAsSomeoneElse = async (id: string, { channel = 'SMS', event = 'DELIVERY', criteria }: { channel?: string; event?: string; criteria?: { applicationId: string }[] } = {}) => {
      const theirs = await fetch(`${infobip.url}/subscriptions/1/subscription/${channel}`, {
        method: 'POST',
        headers: { authorization: `App ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subscriptionId: id,
          name: `CRM ${event.toLowerCase()} reports`,
          events: [event],
          ...(criteria ? { criteria } : {}),
          profile: { profileId: id, webhook: { notifyUrl: 'https://crm.example.com/infobip' }, security: { authId: id, type: 'BASIC', credentials: { username: 'crm', password: 'crm-pass' } } },
        }),
      });
      assert.equal(theirs.status, 201, await theirs.text());
    };
    /** The security settings items on the account that are not someone else's. */
    const ourSecurities = () => [...infobip.account(API_KEY).securities.keys()].filter((id) => !theirs.includes(id)).sort();
    const theirsSurvive = (ids: string[]) => {
      for (const id of ids) {
        assert.ok(held().some((s) => s.subscriptionId === id), `subscription ${id} survives`);
        assert.ok(infobip.account(API_KEY).profiles.has(id), `profile ${id} survives`);
        assert.ok(infobip.account(API_KEY).securities.has(id), `security settings ${id} survive`);
      }
    };

    before(async () => {
      sfmc = await startSfmcSimulator({ clients: [{ ...S2S, accountId: MID }] });
      // One attempt per click report: a refused one counts as a failure at once.
      infobip = await startInfobipSimulator({ apiKeys: [API_KEY], webhookRetry: { maxAttempts: 1 }, deliveryDelayMs: 5, outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      database = await createTestDatabase(dialect);
      running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, allowPrivateUrls: true, workers: true }, undefined, { dispatcherIdleMs: 20, writebackIdleMs: 100 });
      const body = tenantBody({ mid: MID, sfmc: { ...S2S, authBaseUrl: sfmc.authBaseUrl }, infobip: { baseUrl: infobip.url, apiKey: API_KEY } });
      const tenant = await running.admin.mustCreateTenant(body);
      messageActivityUrl = tenant.activities.message;
      signer = new ExecuteSigner(body.jwtSigningSecret);
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

    it('before any Create, an SMS names no application: its delivery report still comes back (to the URL on the message), and no CLICK subscription takes its click', async () => {
      const sms = await sendThroughJourney('sms');
      assert.equal((sms.request as { options?: unknown }).options, undefined);
      assert.equal(sms.platform, undefined);
      await deliveryReport(sms.messageId);
      assert.throws(() => infobip.click(sms.messageId), /no CLICK subscription takes it/);
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
      assert.deepEqual(ourSecurities(), second, 'nor its security settings, which hold its credentials');
      theirsSurvive(theirs);
    });

    it('Basic → HMAC, Create again: click reports through the subscriptions are accepted once; the old Basic credentials are refused', async () => {
      const oldBasic = ours()[0]!.profile.security.credentials;
      await create('HMAC');
      const clicks = await clickThroughSubscriptions(await sendThroughJourney('sms'));
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

    it('a new set Infobip fails half-way through is taken back: the set before it stays in place and stored, nothing of the new one is left', async () => {
      const before = ours().map((s) => s.subscriptionId).sort();
      const security = ours()[0]!.profile.security.type;
      const stored = async () => ((await (await fetch(`${api}config`, { headers: bearer })).json()) as { accounts: { channels: { subscriptions: { subscriptions: Record<string, string> } } }[] }).accounts[0]!.channels.subscriptions.subscriptions;
      assert.deepEqual(Object.values(await stored()).sort(), before);
      // RCS comes fifth: the SMS, MMS, Viber and WhatsApp subscriptions of the new set exist by then.
      infobip.setFaults({ failingManagementCalls: ['POST /subscriptions/1/subscription/RCS'] });
      try {
        const answer = await postJson(`${api}accounts/${accountId}/subscriptions`, { security: security === 'HMAC' ? 'BASIC' : 'HMAC' }, bearer);
        assert.equal(answer.status, 400, answer.text);
        assert.match(answer.text, /Subscription RCS DELIVERY/);
      } finally {
        infobip.setFaults({ failingManagementCalls: [] });
      }
      assert.deepEqual(ours().map((s) => s.subscriptionId).sort(), before, 'the earlier set is untouched and no subscription of the new one is left');
      assert.deepEqual([...infobip.account(API_KEY).profiles.keys()].filter((id) => !theirs.includes(id)).sort(), before, 'nor a notification profile of it');
      assert.deepEqual(ourSecurities(), before, 'nor its security settings');
      assert.deepEqual(Object.values(await stored()).sort(), before, 'the stored set is still the one on the account');
      assert.ok(ours().every((s) => s.profile.security.type === security), 'with the security the intake still checks');
      theirsSurvive(theirs);
    });

    it('security settings an earlier release left behind (its set deleted, its settings not) go with the next Create', async () => {
      const applicationId = (await create('BASIC')).accounts[0].channels.subscriptions.applicationId as string;
      // What releases before 2026-11-28 left: a set of ours, deleted but for its security settings.
      const orphan = `${applicationId}-sms-delivery-0a1b2c`;
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`${infobip.url}${path}`, { method, headers: { authorization: `App ${API_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const made = await call('POST', '/subscriptions/1/subscription/SMS', {
        subscriptionId: orphan,
        events: ['DELIVERY'],
        profile: { profileId: orphan, webhook: { notifyUrl: clicksUrl }, security: { authId: orphan, type: 'BASIC', credentials: { username: 'old', password: 'old-password' } } },
      });
      assert.equal(made.status, 201, await made.text());
      for (const path of [`/subscriptions/1/subscription/SMS/${orphan}`, `/subscriptions/1/profiles/${orphan}`]) assert.equal((await call('DELETE', path)).status, 200);
      assert.ok(infobip.account(API_KEY).securities.has(orphan));

      await create('HMAC');
      assert.equal(infobip.account(API_KEY).securities.has(orphan), false, 'the left-over settings, and their old password, are gone');
      assert.deepEqual(ourSecurities(), ours().map((s) => s.subscriptionId).sort());
      theirsSurvive(theirs);
    });

    it('SMS and Viber name our application: delivery reports come back, clicks reach our intake through our subscriptions, another application\'s subscriptions get nothing', async () => {
      const applicationId = (await create('BASIC')).accounts[0].channels.subscriptions.applicationId as string;
      for (const channel of ['SMS', 'VIBER']) {
        const id = `crm-${channel.toLowerCase()}-click`;
        await subscribeAsSomeoneElse(id, { channel, event: 'CLICK', criteria: [{ applicationId: 'crm' }] });
        theirs = [...theirs, id];
      }
      const sms = await sendThroughJourney('sms');
      const viber = await sendThroughJourney('viber');
      assert.deepEqual((sms.request as { options: { platform: unknown } }).options.platform, { applicationId });
      assert.deepEqual((viber.request as { options: { platform: unknown } }).options.platform, { applicationId });
      for (const message of [sms, viber]) {
        await deliveryReport(message.messageId);
        assert.deepEqual(await clickThroughSubscriptions(message), { notifyUrls: [clicksUrl], accepted: 1, refused: 0 }, `${message.channel}: our subscription only`);
        await clickStored(message.messageId);
      }
      theirsSurvive(theirs);
    });
  });
}
