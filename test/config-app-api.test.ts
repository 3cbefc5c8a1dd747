// The Configuration app's API on its own: who may sign in (the tenant's MID, the tenant's Auth
// Origin unless the stored credentials are proven), what SFMC says is wrong, sign-in rate limits,
// sessions that are short-lived, bound to their tenant and cannot be forged, the page's security
// headers, new accounts' automatic subscriptions, Native tracking's data extensions, and secrets
// that are neither answered nor logged nor stored in clear.
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { SESSION_TTL_MS } from '../src/server/config-app/session.ts';
import { startInfobipSimulator, type InfobipSimulator } from '../src/sandbox/infobip/simulator.ts';
import { startSfmcSimulator, type SfmcSimulator } from '../src/sandbox/sfmc/simulator.ts';
import { startConnector, type RunningConnector } from './helpers/connector.ts';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/databases.ts';
import { get, postJson } from './helpers/http.ts';
import { capturedLog } from './helpers/log-capture.ts';
import { tenantBody } from './helpers/tenants.ts';

const MID = '510000001';
const S2S = { clientId: 'relay-s2s', clientSecret: 'relay-s2s-secret-0123456789' };
const API_KEY = 'infobip-key-0123456789abcdef';
/** Keys of two more Infobip accounts: one with every scope, one without the subscriptions scopes. */
const FULL_KEY = 'infobip-full-key-0123456789';
const NARROW_KEY = 'infobip-narrow-key-0123456789';
const THIRD_MID = '510000003';
const THIRD = { clientId: 'relay-third', clientSecret: 'relay-third-secret-0123456789' };
const WEB_APP = { clientId: 'relay-webapp', clientSecret: 'relay-webapp-secret-0123456789' };

/** Follows a Web App sign-in as a browser would: the app → SFMC's login form → the app's callback → the app, with the fragment it lands on. */
async function signInWithMarketingCloud(appApi: string, username: string, password: string): Promise<URLSearchParams> {
  const start = await fetch(`${appApi.replace(/api\/$/, '')}oauth/start`, { redirect: 'manual' });
  const authorize = new URL(start.headers.get('location')!);
  const form = new URLSearchParams({ ...Object.fromEntries(authorize.searchParams), username, password });
  const login = await fetch(new URL('authorize', authorize), { method: 'POST', body: form, redirect: 'manual' });
  const callback = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  return new URLSearchParams(new URL(callback.headers.get('location')!, appApi).hash.slice(1));
}

for (const dialect of testDialects) {
  describe(`Configuration app API (${dialect})`, () => {
    let sfmc: SfmcSimulator;
    let rogue: SfmcSimulator;
    let infobip: InfobipSimulator;
    let database: TestDatabase;
    let running: RunningConnector;
    let api: string;
    let otherApi: string;
    let thirdApi: string;
    let tenantId: string;
    /** The session of the credentials sign-in, for the tests after it. */
    let bearer: { authorization: string };
    const logs = capturedLog();
    let credentials: Record<string, string>;

    before(async () => {
      sfmc = await startSfmcSimulator({
        // The third tenant's integration, and one that SFMC has not enabled for that business unit.
        clients: [{ ...S2S, accountId: MID }, { ...THIRD, accountId: THIRD_MID }, { clientId: 'other-bu', clientSecret: 'other-bu-secret', accountId: '510000009' }],
        users: [
          { username: 'here', password: 'here-pw', accountId: MID, name: 'In this BU', email: 'here@example.com' },
          { username: 'elsewhere', password: 'elsewhere-pw', accountId: '510000009', name: 'In another BU', email: 'elsewhere@example.com' },
        ],
      });
      // A token server anyone could run: it says yes to its own made-up integration for our MID.
      rogue = await startSfmcSimulator({ clients: [{ clientId: 'rogue', clientSecret: 'rogue-secret', accountId: MID }] });
      infobip = await startInfobipSimulator({ apiKeys: [API_KEY, FULL_KEY, NARROW_KEY], apiKeyScopes: { [NARROW_KEY]: ['message:send', 'account-management:manage'] } });
      database = await createTestDatabase(dialect);
      running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, allowPrivateUrls: true }, logs.log);
      const tenant = await running.admin.mustCreateTenant(tenantBody({ mid: MID, sfmc: { ...S2S, authBaseUrl: sfmc.authBaseUrl }, infobip: { baseUrl: infobip.url, apiKey: API_KEY } }));
      const other = await running.admin.mustCreateTenant(tenantBody({ mid: '510000002' }));
      // A tenant of its own for the wrong-value sign-ins, so they count against its rate limit, not the first's.
      const third = await running.admin.mustCreateTenant(tenantBody({ mid: THIRD_MID, sfmc: { ...THIRD, authBaseUrl: sfmc.authBaseUrl } }));
      tenantId = tenant.id;
      api = `${running.url}/t/${tenant.urlKey}/app/api/`;
      thirdApi = `${running.url}/t/${third.urlKey}/app/api/`;
      otherApi = `${running.url}/t/${other.urlKey}/app/api/`;
      credentials = { mid: MID, ...S2S, soapOrigin: sfmc.soapBaseUrl, authOrigin: sfmc.authBaseUrl };
      sfmc.addClient({ ...WEB_APP, accountId: MID, redirectUris: [`${api.replace(/api\/$/, '')}oauth/callback`] });
    });
    after(async () => {
      await running.close();
      await infobip.close();
      await sfmc.close();
      await rogue.close();
      await database.drop();
    });

    it('the page is framed only by Marketing Cloud and runs no inline script', async () => {
      const page = await fetch(api.replace(/api\/$/, ''));
      assert.equal(page.status, 200);
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/);
      assert.match(csp, /frame-ancestors 'self' https:\/\/\*\.exacttarget\.com/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.doesNotMatch(await page.text(), /<script>|<script(?![^>]*\bsrc=)[^>]*>|style=/);
    });

    it('only the tenant\'s MID signs in, and a foreign Auth Origin is refused without the stored credentials', async () => {
      const wrongMid = await postJson(`${api}session`, { ...credentials, mid: '999' });
      assert.equal(wrongMid.status, 400);
      assert.equal(wrongMid.json!.field, 'mid');
      const hijack = await postJson(`${api}session`, { mid: MID, clientId: 'rogue', clientSecret: 'rogue-secret', soapOrigin: rogue.soapBaseUrl, authOrigin: rogue.authBaseUrl });
      assert.equal(hijack.status, 400);
      assert.equal(hijack.json!.field, 'authOrigin');
    });

    it('a session works for its tenant only; a forged or missing one is refused; secrets come back masked', async () => {
      const signIn = await postJson(`${api}session`, credentials);
      assert.equal(signIn.status, 200, signIn.text);
      const token = signIn.json!.session.token as string;
      bearer = { authorization: `Bearer ${token}` };
      const config = await get(`${api}config`, { authorization: `Bearer ${token}` });
      assert.equal(config.status, 200);
      assert.equal(config.json!.sfmc.clientSecret, '••••••••6789');
      assert.equal(config.json!.accounts[0].apiKey, '••••••••cdef');
      for (const secret of [S2S.clientSecret, API_KEY]) assert.equal(config.text.includes(secret), false);

      assert.equal((await get(`${otherApi}config`, { authorization: `Bearer ${token}` })).status, 401);
      const forged = `${token.slice(0, -4)}AAAA`;
      assert.equal((await get(`${api}config`, { authorization: `Bearer ${forged}` })).status, 401);
      assert.equal((await get(`${api}config`)).status, 401);
    });

    it('what SFMC says is wrong is named: an integration not enabled for the MID, an Auth Origin that does not answer', async () => {
      const thirdCredentials = { mid: THIRD_MID, ...THIRD, soapOrigin: sfmc.soapBaseUrl, authOrigin: sfmc.authBaseUrl };
      const notEnabled = await postJson(`${thirdApi}session`, { ...thirdCredentials, clientId: 'other-bu', clientSecret: 'other-bu-secret' });
      assert.equal(notEnabled.status, 400);
      assert.equal(notEnabled.json!.field, 'mid');
      assert.match(notEnabled.json!.message, /not enabled for this MID/);
      const unreachable = await postJson(`${thirdApi}session`, { ...thirdCredentials, authOrigin: 'http://127.0.0.1:9/auth/' });
      assert.equal(unreachable.status, 400);
      assert.equal(unreachable.json!.field, 'authOrigin');
      assert.match(unreachable.json!.message, /cannot be reached/);
    });

    it('a session is short-lived: it works until its end and not a second after', async () => {
      const start = Date.now();
      try {
        mock.timers.enable({ apis: ['Date'], now: start + SESSION_TTL_MS - 60_000 });
        assert.equal((await get(`${api}config`, bearer)).status, 200);
        mock.timers.setTime(start + SESSION_TTL_MS + 1000);
        const ended = await get(`${api}config`, bearer);
        assert.equal(ended.status, 401);
        assert.match(ended.json!.message, /session has ended/);
      } finally {
        mock.timers.reset();
      }
      assert.equal((await get(`${api}config`, bearer)).status, 200);
    });

    it('a new account whose API key has the subscriptions scopes gets its application and subscriptions at once', async () => {
      const added = await postJson(`${api}accounts`, { name: 'full', baseUrl: infobip.url, apiKey: FULL_KEY }, bearer);
      assert.equal(added.status, 201, added.text);
      assert.equal(added.json!.subscriptions, 'created');
      const account = infobip.account(FULL_KEY);
      assert.equal(account.applications.size, 1);
      const sms = [...account.subscriptions.get('SMS')!.values()][0] as { profile: { webhook: { notifyUrl: string }; security: { type: string; credentials: { username: string } } } };
      assert.match(sms.profile.webhook.notifyUrl, /\/hooks\/[^/]+\/delivery-reports$/);
      // The notification profile carries the credentials the webhook intake checks.
      const saved = (await running.connector.tenants.byId(tenantId))!;
      assert.equal(sms.profile.security.type, 'BASIC');
      assert.equal(sms.profile.security.credentials.username, (saved.secrets.webhookSecurity as { username: string }).username);
      const view = (added.json!.config.accounts as { name: string; channels: { subscriptions?: unknown } }[]).find((a) => a.name === 'full')!;
      assert.ok(view.channels.subscriptions);
      assert.equal(added.json!.config.webhookSecurity, 'BASIC');
      assert.equal(added.text.includes((saved.secrets.webhookSecurity as { password: string }).password), false);
    });

    it('a new account whose API key lacks them is connected without subscriptions, and says why', async () => {
      const added = await postJson(`${api}accounts`, { name: 'narrow', baseUrl: infobip.url, apiKey: NARROW_KEY }, bearer);
      assert.equal(added.status, 201, added.text);
      assert.equal(added.json!.subscriptions, 'the API key lacks subscriptions:manage, application-entity:manage');
      assert.equal(infobip.account(NARROW_KEY).applications.size, 0);
    });

    it('inbound number actions are checked on the server: a shared number and an action its state does not allow are refused', async () => {
      const config = (await get(`${api}config`, bearer)).json!;
      const accountId = (config.accounts as { id: string; name: string }[]).find((a) => a.name === 'full')!.id;
      const listed = await get(`${api}accounts/${accountId}/numbers`, bearer);
      const numbers = listed.json!.numbers as { numberKey: string; action: string; disabledReason?: string }[];
      const shared = numbers.find((n) => /Shared number/.test(n.disabledReason ?? ''))!;
      const refused = await postJson(`${api}accounts/${accountId}/numbers/${shared.numberKey}/create`, {}, bearer);
      assert.equal(refused.status, 400);
      assert.match(refused.json!.message, /Shared number/);
      const free = numbers.find((n) => n.action === 'create' && !n.disabledReason)!;
      const stale = await postJson(`${api}accounts/${accountId}/numbers/${free.numberKey}/remove`, {}, bearer);
      assert.equal(stale.status, 400);
      assert.equal(stale.json!.field, 'action');
      assert.equal(infobip.account(FULL_KEY).inbound.size, 1, 'only the simulator\'s own configuration of another application');
    });

    it('Native tracking keeps the data extensions picked for each report type; unknown ones are refused', async () => {
      const put = (body: unknown) => fetch(`${api}tracking`, { method: 'PUT', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const native = { sms: { mode: 'native' }, omni: { mode: 'native' } };
      const saved = await put({ ...native, dataExtensions: { smsDeliveryReports: 'My_SMS_Reports', urlTracking: 'My_Clicks' } });
      assert.equal(saved.status, 200);
      const config = (await saved.json()) as { tracking: { sms: { mode: string } }; dataExtensions: Record<string, { key: string }> };
      assert.equal(config.tracking.sms.mode, 'native');
      assert.equal(config.dataExtensions.smsDeliveryReports!.key, 'My_SMS_Reports');
      assert.equal(config.dataExtensions.urlTracking!.key, 'My_Clicks');
      assert.equal(config.dataExtensions.omniReports!.key, 'Omni_Reports', 'an unpicked one keeps its default');
      assert.equal((await running.connector.tenants.byId(tenantId))!.settings.dataExtensions.smsDeliveryReports, 'My_SMS_Reports');
      const unknown = await put({ ...native, dataExtensions: { nope: 'X' } });
      assert.equal(unknown.status, 400);
      assert.equal(((await unknown.json()) as { field: string }).field, 'dataExtensions.nope');
    });

    it('Sign in with Marketing Cloud gives a session to a user of the tenant\'s business unit only', async () => {
      const enabled = await postJson(`${api}session`, { ...credentials, webAppClientId: WEB_APP.clientId, webAppClientSecret: WEB_APP.clientSecret });
      assert.equal(enabled.status, 200, enabled.text);
      const here = await signInWithMarketingCloud(api, 'here', 'here-pw');
      assert.equal((await get(`${api}config`, { authorization: `Bearer ${here.get('session')}` })).status, 200);
      const elsewhere = await signInWithMarketingCloud(api, 'elsewhere', 'elsewhere-pw');
      assert.equal(elsewhere.get('session'), null);
      assert.match(elsewhere.get('signInError') ?? '', /business unit 510000009/);
      // A callback with a state we did not issue is refused.
      const forged = await fetch(`${api.replace(/api\/$/, '')}oauth/callback?code=x&state=forged`, { redirect: 'manual' });
      assert.match(new URL(forged.headers.get('location')!, api).hash, /signInError/);
    });

    it('sign-in attempts are rate-limited per client and tenant', async () => {
      let last = 0;
      let retryAfter: string | null = null;
      for (let i = 0; i < 12; i++) {
        const response = await fetch(`${otherApi}session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...credentials, mid: '510000002', clientSecret: `guess-${i}` }) });
        last = response.status;
        retryAfter = response.headers.get('retry-after');
        await response.body?.cancel();
      }
      assert.equal(last, 429);
      assert.ok(Number(retryAfter) > 0);
    });

    it('no secret reaches the log', async () => {
      const text = logs.text();
      const webhook = (await running.connector.tenants.byId(tenantId))!.secrets.webhookSecurity as { password: string };
      assert.equal(text.includes(webhook.password), false);
      for (const secret of [S2S.clientSecret, API_KEY, FULL_KEY, NARROW_KEY, THIRD.clientSecret, 'other-bu-secret', 'rogue-secret', WEB_APP.clientSecret]) assert.equal(text.includes(secret), false);
    });
  });
}
