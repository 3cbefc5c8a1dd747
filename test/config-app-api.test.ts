// The Configuration app's API on its own: who may sign in (the tenant's MID, the tenant's Auth
// Origin unless the stored credentials are proven), sign-in rate limits, sessions that are bound
// to their tenant and cannot be forged, the page's security headers, and secrets that are neither
// answered nor logged nor stored in clear.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
    const logs = capturedLog();
    let credentials: Record<string, string>;

    before(async () => {
      sfmc = await startSfmcSimulator({
        clients: [{ ...S2S, accountId: MID }],
        users: [
          { username: 'here', password: 'here-pw', accountId: MID, name: 'In this BU', email: 'here@example.com' },
          { username: 'elsewhere', password: 'elsewhere-pw', accountId: '510000009', name: 'In another BU', email: 'elsewhere@example.com' },
        ],
      });
      // A token server anyone could run: it says yes to its own made-up integration for our MID.
      rogue = await startSfmcSimulator({ clients: [{ clientId: 'rogue', clientSecret: 'rogue-secret', accountId: MID }] });
      infobip = await startInfobipSimulator({ apiKeys: [API_KEY] });
      database = await createTestDatabase(dialect);
      running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, allowPrivateUrls: true }, logs.log);
      const tenant = await running.admin.mustCreateTenant(tenantBody({ mid: MID, sfmc: { ...S2S, authBaseUrl: sfmc.authBaseUrl }, infobip: { baseUrl: infobip.url, apiKey: API_KEY } }));
      const other = await running.admin.mustCreateTenant(tenantBody({ mid: '510000002' }));
      api = `${running.url}/t/${tenant.urlKey}/app/api/`;
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

    it('no secret reaches the log', () => {
      const text = logs.text();
      for (const secret of [S2S.clientSecret, API_KEY, 'rogue-secret', WEB_APP.clientSecret]) assert.equal(text.includes(secret), false);
    });
  });
}
