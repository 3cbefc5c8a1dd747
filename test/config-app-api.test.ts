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
      sfmc = await startSfmcSimulator({ clients: [{ ...S2S, accountId: MID }] });
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
      for (const secret of [S2S.clientSecret, API_KEY, 'rogue-secret']) assert.equal(text.includes(secret), false);
    });
  });
}
