// The simulator endpoints the Configuration app needs, over real HTTP: SFMC's authorization-code
// flow, userinfo and SOAP data extensions (sharing their data extensions with the rows API), and
// Infobip's balance, numbers, inbound configurations, applications and subscriptions, and the
// senders, templates and failover-scenario listings, with scopes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startInfobipSimulator, type InfobipSimulator } from '../src/sandbox/infobip/simulator.ts';
import { loadInfobipSpec, responseBodyValidator, responseExample } from '../src/sandbox/openapi.ts';
import { startSfmcSimulator, type SfmcSimulator } from '../src/sandbox/sfmc/simulator.ts';
import { verifyClientCredentials, userFromAuthorizationCode, authorizeUrl } from '../src/sfmc/oauth.ts';
import { addFields, createDataExtension, retrieveDataExtensions, retrieveFields, soapRequest } from '../src/sfmc/soap.ts';
import { allowPrivateOutbound } from '../src/security/outbound-url.ts';

// The SOAP client's agent refuses private addresses at connect time; the simulators listen on
// loopback, which an operator allows with MC_RELAY_ALLOW_PRIVATE_URLS, as the sandbox does.
allowPrivateOutbound(true);

const MID = '510000001';
const REDIRECT = 'https://relay.example.com/t/abc/app/oauth/callback';

describe('SFMC simulator: web app sign-in and SOAP data extensions', () => {
  let sim: SfmcSimulator;
  before(async () => {
    sim = await startSfmcSimulator({
      clients: [
        { clientId: 's2s', clientSecret: 's2s-secret', accountId: MID },
        { clientId: 'webapp', clientSecret: 'webapp-secret', accountId: MID, redirectUris: [REDIRECT] },
      ],
      users: [{ username: 'marketer', password: 'pw', accountId: MID, name: 'Mara Marketer', email: 'mara@example.com' }],
    });
  });
  after(() => sim.close());

  it('v2/authorize shows a login page, redirects with a code and state; the code buys a token once; userinfo names user and MID', async () => {
    const url = authorizeUrl(sim.authBaseUrl, { clientId: 'webapp', redirectUri: REDIRECT, state: 'st4te' });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method="post" action="authorize">/);

    const form = new URLSearchParams({ response_type: 'code', client_id: 'webapp', redirect_uri: REDIRECT, state: 'st4te' });
    const wrong = await fetch(new URL('v2/authorize', sim.authBaseUrl), { method: 'POST', body: new URLSearchParams({ ...Object.fromEntries(form), username: 'marketer', password: 'no' }), redirect: 'manual' });
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /Incorrect username or password/);

    const login = await fetch(new URL('v2/authorize', sim.authBaseUrl), { method: 'POST', body: new URLSearchParams({ ...Object.fromEntries(form), username: 'marketer', password: 'pw' }), redirect: 'manual' });
    assert.equal(login.status, 302);
    const back = new URL(login.headers.get('location')!);
    assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
    assert.equal(back.searchParams.get('state'), 'st4te');
    const code = back.searchParams.get('code')!;

    const input = { authBaseUrl: sim.authBaseUrl, clientId: 'webapp', clientSecret: 'webapp-secret', code, redirectUri: REDIRECT };
    const signedIn = await userFromAuthorizationCode(input);
    assert.deepEqual(signedIn, { ok: true, user: { userId: `marketer-${MID}`, userName: 'Mara Marketer', mid: MID } });
    const replayed = await userFromAuthorizationCode(input);
    assert.equal(replayed.ok, false, 'a code is single-use');
  });

  it('a redirect URI the integration does not list is refused, and a web app cannot use client_credentials', async () => {
    const page = await fetch(authorizeUrl(sim.authBaseUrl, { clientId: 'webapp', redirectUri: 'https://evil.example/cb', state: 'x' }));
    assert.equal(page.status, 400);
    const s2s = await verifyClientCredentials({ authBaseUrl: sim.authBaseUrl, clientId: 'webapp', clientSecret: 'webapp-secret', mid: MID });
    assert.equal(s2s.ok, false);
  });

  it('client_credentials problems name the field: secret, MID, auth origin', async () => {
    const base = { authBaseUrl: sim.authBaseUrl, clientId: 's2s', clientSecret: 's2s-secret', mid: MID };
    assert.equal((await verifyClientCredentials(base)).ok, true);
    const field = async (input: typeof base) => {
      const result = await verifyClientCredentials(input);
      return result.ok ? 'ok' : result.problem.field;
    };
    assert.equal(await field({ ...base, clientSecret: 'nope' }), 'clientSecret');
    assert.equal(await field({ ...base, mid: '999' }), 'mid');
    assert.equal(await field({ ...base, authBaseUrl: 'http://127.0.0.1:1/' }), 'authOrigin');
  });

  it('SOAP Create makes a data extension the rows API writes to; Retrieve lists it and its fields; Update adds a field', async () => {
    const verified = await verifyClientCredentials({ authBaseUrl: sim.authBaseUrl, clientId: 's2s', clientSecret: 's2s-secret', mid: MID });
    assert.ok(verified.ok);
    const token = verified.token;
    await createDataExtension(token, {
      key: 'SampleAudience',
      name: 'SampleAudience',
      fields: [
        { name: 'ContactKey', type: 'Text', maxLength: 254, isPrimaryKey: true },
        { name: 'Phone', type: 'Phone', isNullable: true },
      ],
    }, { field: 'ContactKey', subscriberField: 'Subscriber Key' });
    await assert.rejects(createDataExtension(token, { key: 'sampleaudience', name: 'again', fields: [{ name: 'A', type: 'Text', maxLength: 5 }] }), /already exists/);
    await assert.rejects(createDataExtension(token, { key: 'Odd', name: 'Odd', fields: [{ name: 'A', type: 'Currency' as never }] }), /unknown FieldType/);
    await assert.rejects(createDataExtension(token, { key: 'NoLength', name: 'NoLength', fields: [{ name: 'Id', type: 'Text', isPrimaryKey: true }] }), /requires maxLength/);

    const listed = await retrieveDataExtensions(token);
    assert.deepEqual(listed, [{ key: 'SampleAudience', name: 'SampleAudience', isSendable: true }]);

    const upsert = await fetch(new URL('data/v1/async/dataextensions/key:SampleAudience/rows', token.restBaseUrl), {
      method: 'PUT',
      headers: { authorization: `Bearer ${token.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ ContactKey: 'c1', Phone: '+41790000000' }] }),
    });
    assert.equal(upsert.status, 202);

    await addFields(token, 'SampleAudience', [{ name: 'Language', type: 'Text', maxLength: 10, isNullable: true }]);
    await assert.rejects(addFields(token, 'SampleAudience', [{ name: 'Phone', type: 'Text', maxLength: 10 }]), /already exists/);
    const fields = await retrieveFields(token, 'SampleAudience');
    assert.deepEqual(fields.map((f) => [f.name, f.type, f.isPrimaryKey]), [
      ['ContactKey', 'Text', true],
      ['Phone', 'Phone', false],
      ['Language', 'Text', false],
    ]);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(sim.rows(MID, 'SampleAudience'), [{ ContactKey: 'c1', Phone: '+41790000000', Language: null }]);
  });

  it('the soapDown fault takes the SOAP host down alone: Retrieve gets 503, the REST host still answers', async () => {
    const verified = await verifyClientCredentials({ authBaseUrl: sim.authBaseUrl, clientId: 's2s', clientSecret: 's2s-secret', mid: MID });
    assert.ok(verified.ok);
    sim.setFaults({ soapDown: true });
    try {
      await assert.rejects(retrieveFields(verified.token, 'SampleAudience'), /SOAP Retrieve answered HTTP 503/);
      const rest = await fetch(new URL('data/v1/async/x/status', verified.token.restBaseUrl), { headers: { authorization: `Bearer ${verified.token.accessToken}` } });
      assert.notEqual(rest.status, 503);
    } finally {
      sim.setFaults({ soapDown: false });
    }
    assert.ok((await retrieveFields(verified.token, 'SampleAudience')).length > 0);
  });

  it('SOAP without a valid fueloauth token is a fault', async () => {
    await assert.rejects(soapRequest({ accessToken: 'nope', restBaseUrl: sim.restBaseUrl, soapBaseUrl: sim.soapBaseUrl }, 'Retrieve', '<RetrieveRequestMsg/>'), /Login Failed/);
  });
});

describe('Infobip simulator: account management endpoints', () => {
  let sim: InfobipSimulator;
  const app = (key: string) => ({ authorization: `App ${key}` });
  const json = (key: string) => ({ ...app(key), 'content-type': 'application/json' });
  before(async () => {
    sim = await startInfobipSimulator({ apiKeys: ['full', 'narrow'], apiKeyScopes: { narrow: ['message:send', 'account-management:manage'] } });
  });
  after(() => sim.close());

  it('balance needs a known key; a key without numbers:manage gets 403 on numbers', async () => {
    assert.equal((await fetch(`${sim.url}/account/1/balance`, { headers: app('nobody') })).status, 401);
    const balance = await fetch(`${sim.url}/account/1/balance`, { headers: app('narrow') });
    assert.deepEqual(await balance.json(), { balance: 47.5, currency: 'EUR' });
    const numbers = await fetch(`${sim.url}/numbers/1/numbers`, { headers: app('narrow') });
    assert.equal(numbers.status, 403);
    assert.equal(((await numbers.json()) as any).requestError.serviceException.messageId, 'FORBIDDEN');
  });

  it('inbound configurations: create, take over from another application, remove; shared numbers refused', async () => {
    const { numbers } = (await (await fetch(`${sim.url}/numbers/1/numbers`, { headers: app('full') })).json()) as any;
    const [free, taken, shared] = numbers;
    const list = async (numberKey: string) =>
      (await (await fetch(`${sim.url}/resource-management/1/inbound-message-configurations?numberKey=${numberKey}`, { headers: app('full') })).json()) as any[];
    assert.equal((await list(free.numberKey)).length, 0);
    assert.equal((await list(taken.numberKey))[0].forwarding.url, 'https://crm.example.com/infobip/inbound');

    const configure = (numberKey: string) =>
      fetch(`${sim.url}/resource-management/1/inbound-message-configurations`, {
        method: 'POST',
        headers: json('full'),
        body: JSON.stringify({ channel: 'SMS', numberKey, forwarding: { type: 'HTTP_FORWARD', url: 'https://relay.example.com/hooks/t/inbound' } }),
      });
    assert.equal((await configure(free.numberKey)).status, 200);
    assert.equal((await configure(taken.numberKey)).status, 200);
    const takenOver = await list(taken.numberKey);
    assert.deepEqual(takenOver.map((c) => c.forwarding.url), ['https://relay.example.com/hooks/t/inbound']);
    assert.equal((await configure(shared.numberKey)).status, 400);

    const removed = await fetch(`${sim.url}/resource-management/1/inbound-message-configurations/${takenOver[0].configurationKey}`, { method: 'DELETE', headers: app('full') });
    assert.equal(removed.status, 204);
    assert.equal((await list(taken.numberKey)).length, 0);
  });

  it('applications and subscriptions are validated against their specs and kept per account', async () => {
    const bad = await fetch(`${sim.url}/provisioning/1/applications`, { method: 'POST', headers: json('full'), body: JSON.stringify({ applicationName: 'no id' }) });
    assert.equal(bad.status, 400);
    const created = await fetch(`${sim.url}/provisioning/1/applications`, { method: 'POST', headers: json('full'), body: JSON.stringify({ applicationId: 'mc-relay', applicationName: 'SFMC' }) });
    assert.equal(created.status, 201);
    const subscription = await fetch(`${sim.url}/subscriptions/1/subscription/SMS`, {
      method: 'POST',
      headers: json('full'),
      body: JSON.stringify({
        subscriptionId: 'mc-relay-sms',
        name: 'SFMC',
        events: ['DELIVERY'],
        criteria: [{ applicationId: 'mc-relay' }],
        profile: {
          profileId: 'mc-relay-sms',
          webhook: { notifyUrl: 'https://relay.example.com/hooks/t/delivery-reports' },
          security: { authId: 'mc-relay-sms', type: 'BASIC', credentials: { username: 'u', password: 'p' } },
        },
      }),
    });
    assert.equal(subscription.status, 201, await subscription.text());
    const profiles = (await (await fetch(`${sim.url}/subscriptions/1/profiles`, { headers: app('full') })).json()) as any;
    assert.equal(profiles.results.length, 1);
    assert.equal(profiles.results[0].security.credentials, undefined, 'listings hide credentials');
    const second = (await (await fetch(`${sim.url}/subscriptions/1/profiles?page=1&size=1`, { headers: app('full') })).json()) as any;
    assert.deepEqual(second, { results: [], paging: { page: 1, size: 1, totalPages: 1, totalResults: 1 } }, 'listings are paged');
    assert.equal(sim.account('full').applications.size, 1);
    assert.equal(sim.account('narrow').applications.size, 0);
  });

  it('a subscription and its notification profile are deleted as the spec answers; deleting again is 404', async () => {
    const spec = loadInfobipSpec('infobip-subscriptions-api-openapi.json');
    const remove = async (path: string, specPath: string) => {
      const answer = await fetch(`${sim.url}${path}`, { method: 'DELETE', headers: app('full') });
      const body = await answer.json();
      if (answer.status === 200) {
        const validate = responseBodyValidator(spec, specPath, 'delete', 200);
        assert.ok(validate(body), `${path}: ${JSON.stringify(validate.errors)}`);
      }
      return { status: answer.status, body };
    };
    const subscriptionPath = '/subscriptions/1/subscription/{channel}/{subscriptionId}';
    const profilePath = '/subscriptions/1/profiles/{profileId}';
    assert.equal((await remove('/subscriptions/1/subscription/SMS/mc-relay-sms', subscriptionPath)).status, 200);
    assert.equal(sim.account('full').subscriptions.get('SMS')?.size, 0);
    assert.equal(sim.account('full').profiles.size, 1, 'the profile is a resource of its own');
    assert.equal((await remove('/subscriptions/1/subscription/SMS/mc-relay-sms', subscriptionPath)).status, 404);
    assert.deepEqual(await remove('/subscriptions/1/profiles/mc-relay-sms', profilePath), { status: 200, body: { profileId: 'mc-relay-sms' } });
    assert.equal(sim.account('full').profiles.size, 0);
    assert.equal((await remove('/subscriptions/1/profiles/mc-relay-sms', profilePath)).status, 404);
    const refused = await fetch(`${sim.url}/subscriptions/1/profiles/anything`, { method: 'DELETE', headers: app('narrow') });
    assert.equal(refused.status, 403);
    await refused.body?.cancel();
  });

  it('senders, templates and failover scenarios answer their spec\'s documented listing; a key without the scope gets 403', async () => {
    // The omni-failover spec's own example gives scenario keys as strings where its schema says
    // integer: the simulator answers the example (what Infobip sends), so that one is not schema-checked.
    const listings = [
      { path: '/rcs/1/senders', spec: 'infobip-rcs-openapi.json', schemaValid: true },
      { path: '/whatsapp/1/templates', spec: 'infobip-whatsapp-openapi.json', schemaValid: true },
      { path: '/omni/1/scenarios', spec: 'infobip-omni-failover-openapi.json', schemaValid: false },
    ];
    for (const { path, spec, schemaValid } of listings) {
      const listed = await fetch(`${sim.url}${path}`, { headers: app('full') });
      assert.equal(listed.status, 200, path);
      const body = await listed.json();
      assert.deepEqual(body, responseExample(loadInfobipSpec(spec), path, 'get', 200), path);
      const validate = responseBodyValidator(loadInfobipSpec(spec), path, 'get', 200);
      assert.equal(validate(body), schemaValid, `${path}: ${JSON.stringify(validate.errors)}`);
      const refused = await fetch(`${sim.url}${path}`, { headers: app('narrow') });
      assert.equal(refused.status, 403, path);
      await refused.body?.cancel();
    }
  });
});
