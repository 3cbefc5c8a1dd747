// The Configuration app in a real browser (Debian's chromium through playwright-core) against the
// SFMC and Infobip simulators: every step, wrong credentials, a second account with missing
// scopes, External tracking, subscriptions, inbound number actions, data-extension provisioning,
// Finish, and a later sign-in through the Web App authorization-code flow. With
// MC_RELAY_UPDATE_SCREENSHOTS=1, a screenshot of each step goes to docs/screenshots/ (from the
// first dialect's run); otherwise a test run leaves the committed screenshots alone.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startInfobipSimulator, type InfobipSimulator } from '../src/sandbox/infobip/simulator.ts';
import { startSfmcSimulator, type SfmcSimulator } from '../src/sandbox/sfmc/simulator.ts';
import { launchIncognitoBrowser } from './helpers/browser.ts';
import { startConnector, type RunningConnector } from './helpers/connector.ts';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/databases.ts';
import { tenantBody } from './helpers/tenants.ts';

const MID = '510000001';
const S2S = { clientId: 'relay-s2s', clientSecret: 'relay-s2s-secret-0123456789' };
const WEB_APP = { clientId: 'relay-webapp', clientSecret: 'relay-webapp-secret-0123456789' };
const USER = { username: 'mara', password: 'mara-password', accountId: MID, name: 'Mara Marketer', email: 'mara@example.com' };
const KEYS = { main: 'infobip-main-key-0123456789', narrow: 'infobip-narrow-key-0123456789' };
const SCREENSHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const UPDATE_SCREENSHOTS = process.env.MC_RELAY_UPDATE_SCREENSHOTS === '1';

for (const [index, dialect] of testDialects.entries()) {
  describe(`Configuration app in the browser (${dialect})`, () => {
    let browser: Browser;
    let sfmc: SfmcSimulator;
    let infobip: InfobipSimulator;
    let database: TestDatabase;
    let running: RunningConnector;
    let tenantId: string;
    let appUrl: string;
    let page: Page;
    const cspViolations: string[] = [];
    const screenshot = async (name: string) => {
      if (UPDATE_SCREENSHOTS && index === 0) await page.screenshot({ path: `${SCREENSHOTS}config-${name}.png`, fullPage: true });
    };

    before(async () => {
      if (UPDATE_SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
      sfmc = await startSfmcSimulator({ clients: [{ ...S2S, accountId: MID }], users: [USER] });
      // An SMS table from an older package: provisioning adds its missing fields.
      sfmc.createDataExtension(MID, { key: 'SMS_Delivery_Reports', name: 'SMS Delivery Reports', fields: [{ name: 'messageId', type: 'Text', maxLength: 50, isPrimaryKey: true }] });
      infobip = await startInfobipSimulator({ apiKeys: [KEYS.main, KEYS.narrow], apiKeyScopes: { [KEYS.narrow]: ['message:send', 'account-management:manage'] } });
      database = await createTestDatabase(dialect);
      running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, allowPrivateUrls: true });
      const tenant = await running.admin.mustCreateTenant(
        tenantBody({ name: 'ACME Retail', mid: MID, sfmc: { ...S2S, authBaseUrl: sfmc.authBaseUrl }, infobip: { baseUrl: infobip.url, apiKey: KEYS.main } }),
      );
      tenantId = tenant.id;
      appUrl = `${running.url}/t/${tenant.urlKey}/app/`;
      sfmc.addClient({ ...WEB_APP, accountId: MID, redirectUris: [`${appUrl}oauth/callback`] });
      browser = await launchIncognitoBrowser();
      page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
    });
    after(async () => {
      await browser?.close();
      await running?.close();
      await infobip?.close();
      await sfmc?.close();
      await database?.drop();
    });

    const tenant = async () => (await running.connector.tenants.byId(tenantId))!;
    const fillAuthorize = async (values: Record<string, string>) => {
      for (const [label, value] of Object.entries(values)) await page.getByLabel(label, { exact: true }).fill(value);
    };

    it('Authorize: wrong values are named next to their field, right ones open the next step', async () => {
      await page.goto(appUrl);
      await page.getByRole('heading', { name: 'Sign in: authorize the app' }).waitFor();
      // SLDS is what styles the page (its brand button colour), and the progress indicator shows the first step.
      assert.equal(await page.locator('#authorize').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(1, 118, 211)');
      assert.equal(await page.locator('#progress [aria-current="step"]').textContent(), 'Authorize - current step');
      await page.getByText('Step 1 of 4: Authorize').waitFor();
      await fillAuthorize({ MID: MID, 'Client Id': S2S.clientId, 'Client Secret': 'not-the-secret', 'SOAP Origin': sfmc.soapBaseUrl, 'Auth Origin': sfmc.authBaseUrl });
      await page.getByRole('button', { name: 'Next' }).click();
      const secretError = page.locator('#clientSecret-error');
      await secretError.waitFor({ state: 'visible' });
      assert.match(await secretError.textContent() ?? '', /Client Id or Client Secret is wrong/);
      assert.equal(await page.getByLabel('Client Secret', { exact: true }).getAttribute('aria-invalid'), 'true');
      await screenshot('1-authorize');

      await fillAuthorize({ 'Client Secret': S2S.clientSecret, 'SOAP Origin': 'https://wrong.soap.example.com/' });
      await page.getByRole('button', { name: 'Next' }).click();
      await page.locator('#soapOrigin-error').waitFor({ state: 'visible' });
      assert.match(await page.locator('#soapOrigin-error').textContent() ?? '', /SOAP Base URI is/);
      assert.equal(await page.locator('#clientSecret-error').isVisible(), false, 'the fixed field\'s error is gone');

      await fillAuthorize({ 'SOAP Origin': sfmc.soapBaseUrl, 'Web App Client Id (optional)': WEB_APP.clientId, 'Web App Client Secret (optional)': WEB_APP.clientSecret });
      // Keyboard: Enter in a field submits the form.
      await page.getByLabel('Auth Origin', { exact: true }).press('Enter');
      await page.getByRole('heading', { name: 'Infobip accounts' }).waitFor();
      assert.equal(await page.locator('#progress [aria-current="step"]').textContent(), 'Infobip accounts - current step');
      assert.equal(await page.getByRole('button', { name: 'Authorize - completed' }).isEnabled(), true);
      const saved = await tenant();
      assert.equal(saved.settings.sfmc.soapBaseUrl, sfmc.soapBaseUrl);
      assert.equal(saved.settings.sfmc.webApp?.clientId, WEB_APP.clientId);
      assert.equal(saved.secrets.webAppClientSecret, WEB_APP.clientSecret);
    });

    it('Infobip accounts: a wrong key is named; a second account is connected and its missing scopes reported', async () => {
      await page.locator('[data-check-scopes="default"]').click();
      await page.locator('[data-account="default"] [data-scope="numbers:manage"][data-state="granted"]').waitFor();
      await page.getByLabel('Account name').fill('marketing');
      await page.getByLabel('API Key', { exact: true }).fill('not-a-key');
      await page.getByLabel('API Base URL').fill(infobip.url);
      await page.getByRole('button', { name: 'Connect another account' }).click();
      await page.locator('#apiKey-error').waitFor({ state: 'visible' });
      assert.match(await page.locator('#apiKey-error').textContent() ?? '', /does not accept this API key/);

      await page.getByLabel('API Key', { exact: true }).fill(KEYS.narrow);
      await page.getByRole('button', { name: 'Connect another account' }).click();
      await page.locator('[data-account="marketing"]').waitFor();
      const scope = (name: string) => page.locator(`[data-account="marketing"] [data-scope="${name}"]`).getAttribute('data-state');
      assert.equal(await scope('numbers:manage'), 'missing');
      assert.equal(await scope('subscriptions:manage'), 'missing');
      assert.equal(await scope('account-management:manage'), 'granted');
      assert.match(await page.locator('#notice').textContent() ?? '', /Missing scopes: numbers:manage/);
      assert.match(await page.locator('#notice').textContent() ?? '', /Subscriptions not created: the API key lacks subscriptions:manage, application-entity:manage/);
      await screenshot('2-accounts');
      assert.deepEqual((await tenant()).accounts.map((a) => a.name), ['default', 'marketing']);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Configure channels' }).waitFor();
    });

    it('Channels: custom domains and sender names as tokens', async () => {
      const domain = page.getByLabel('Custom Domain');
      await domain.fill('go.acme.com');
      await domain.press('Enter');
      const sms = page.getByLabel('SMS Sender Name');
      await sms.fill('ACME');
      await sms.press('Enter');
      await sms.fill('ACME2');
      await sms.press('Enter');
      // Keyboard: a token's remove button is reached and pressed without the mouse.
      await page.getByRole('button', { name: 'Remove ACME2' }).focus();
      await page.keyboard.press('Enter');
      await page.locator('[data-token="ACME2"]').waitFor({ state: 'detached' });
      await page.locator('#save-channels').click();
      await page.getByText('Channel settings of default saved.').waitFor();
      const saved = await tenant();
      const account = saved.accounts.find((a) => a.name === 'default')!;
      assert.deepEqual(saved.settings.channels?.[account.id], { customDomains: ['go.acme.com'], senders: { sms: ['ACME'], viber: [], kakao: [], rcs: [], zalo: [] } });
      assert.equal(saved.settings.senders.sms, 'ACME', 'the default account\'s first sender is the execute path\'s default');
    });

    it('Channels: External tracking checks the notification URLs', async () => {
      await page.locator('#load-des').click();
      // The step is drawn again when the list arrives (without the button): wait for that, or a
      // later redraw would undo what the test does next.
      await page.locator('#load-des').waitFor({ state: 'detached' });
      assert.ok((await page.locator('#de-smsDeliveryReports option').allTextContents()).includes('SMS Delivery Reports (SMS_Delivery_Reports)'), 'the picker lists the business unit\'s data extensions');
      assert.equal(await page.locator('#de-smsDeliveryReports').inputValue(), 'SMS_Delivery_Reports', 'defaults are preselected');
      // Keyboard: the arrow key moves the tracking choice from Native to External.
      await page.getByLabel('Native').focus();
      await page.keyboard.press('ArrowDown');
      await page.locator('#tracking-external-fields').waitFor({ state: 'visible' });
      assert.equal(await page.getByLabel('External').isChecked(), true);
      await page.getByLabel('SMS Notification URL').fill('ftp://hooks.acme.com/sms');
      await page.getByLabel('OMNI Notification URL').fill('https://hooks.acme.com/omni');
      await page.locator('#save-tracking').click();
      await page.locator('[data-field="sms.url"] #sms\\.url-error').waitFor({ state: 'visible' });
      assert.match(await page.locator('#sms\\.url-error').textContent() ?? '', /SMS Notification URL must use https/);
      await page.getByLabel('SMS Notification URL').fill('https://hooks.acme.com/sms');
      await page.locator('#save-tracking').click();
      await page.getByText('Delivery tracking saved.').waitFor();
      const { sms, omni } = (await tenant()).settings.reports!;
      assert.deepEqual({ sms, omni }, { sms: { mode: 'external', url: 'https://hooks.acme.com/sms' }, omni: { mode: 'external', url: 'https://hooks.acme.com/omni' } });
    });

    it('Channels: Subscriptions create the application and HMAC-secured subscriptions pointing at our webhooks', async () => {
      await page.locator('label[for="security-HMAC"]').click();
      await page.locator('#create-subscriptions').click();
      await page.getByText('Subscriptions created for default.').waitFor();
      const account = infobip.account(KEYS.main);
      assert.equal(account.applications.size, 1);
      const sms = [...account.subscriptions.get('SMS')!.values()][0] as { profile: { webhook: { notifyUrl: string }; security: { type: string } } };
      assert.match(sms.profile.webhook.notifyUrl, /\/hooks\/[^/]+\/delivery-reports$/);
      assert.equal(sms.profile.security.type, 'HMAC');
      const viberSeen = [...account.subscriptions.get('VIBER')!.values()].find((s) => (s.events as string[])[0] === 'SEEN') as { profile: { webhook: { notifyUrl: string } } };
      assert.match(viberSeen.profile.webhook.notifyUrl, /\/seen-reports$/);
      const smsClick = [...account.subscriptions.get('SMS')!.values()].find((s) => (s.events as string[])[0] === 'CLICK') as { profile: { webhook: { notifyUrl: string } } };
      assert.match(smsClick.profile.webhook.notifyUrl, /\/clicks$/);
      const saved = await tenant();
      assert.equal(saved.secrets.webhookSecurity?.type, 'HMAC');
      // The notification profile's key is the one the webhook intake will check.
      const profileKey = (sms.profile.security as unknown as { credentials: { secretKey: string } }).credentials.secretKey;
      assert.equal(profileKey, (saved.secrets.webhookSecurity as { secretKey: string }).secretKey);
    });

    it('Channels: inbound numbers show their state; create, use default, remove; shared and unpermitted numbers are disabled with the reason', async () => {
      const row = (number: string) => page.locator(`#numbers tr[data-number="${number}"]`);
      await row('447860041117').waitFor();
      assert.equal(await row('385919998877').getByRole('button').isDisabled(), true);
      assert.match(await row('385919998877').textContent() ?? '', /Shared number/);
      assert.equal(await row('14155550100').getByRole('button').isDisabled(), true);
      assert.match(await row('14155550100').textContent() ?? '', /No permission/);

      await row('447860041117').getByRole('button', { name: 'Create Configuration' }).click();
      await row('447860041117').getByRole('button', { name: 'Remove Configuration' }).waitFor();
      await row('447860041118').getByRole('button', { name: 'Use Default Configuration' }).click();
      await row('447860041118').getByRole('button', { name: 'Remove Configuration' }).waitFor();
      const urls = [...infobip.account(KEYS.main).inbound.values()].map((c) => c.forwarding?.url ?? '');
      assert.equal(urls.length, 2);
      for (const url of urls) assert.match(url, /\/hooks\/[^/]+\/inbound$/);

      await row('447860041117').getByRole('button', { name: 'Remove Configuration' }).click();
      await row('447860041117').getByRole('button', { name: 'Create Configuration' }).waitFor();
      assert.equal(infobip.account(KEYS.main).inbound.size, 1);
    });

    it('Channels: the account without numbers:manage says why its numbers cannot be listed', async () => {
      await page.locator('#account-picker').selectOption({ label: 'marketing' });
      await page.getByText('Numbers cannot be listed: the API key lacks the numbers:manage scope').waitFor();
      assert.equal(await page.locator('#create-subscriptions').isDisabled(), true);
      await page.locator('#account-picker').selectOption({ label: 'default' });
      await page.locator('#numbers tr[data-number="447860041117"]').waitFor();
    });

    it('Channels: Create / update data extensions reports what it did', async () => {
      await page.locator('#provision').click();
      await page.locator('[data-de="SampleAudience"]').waitFor();
      assert.equal(await page.locator('[data-de="SMS_Delivery_Reports"]').getAttribute('data-outcome'), 'fieldsAdded');
      for (const key of ['Omni_Reports', 'Unified_URL_Tracking', 'Inbound_Messages', 'SampleAudience']) {
        assert.equal(await page.locator(`[data-de="${key}"]`).getAttribute('data-outcome'), 'created', key);
      }
      await screenshot('3-channels');
    });

    it('Finish: the guide\'s confirmation; no secret ever reached the page', async () => {
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Finish' }).waitFor();
      await page.locator('#finish').click();
      await page.locator('#confirmation').waitFor();
      assert.match(await page.locator('#confirmation').textContent() ?? '', /The application has been successfully configured/);
      await screenshot('4-finish');
      assert.ok((await tenant()).settings.configuredAt! > 0);
      const html = await page.content();
      for (const secret of [S2S.clientSecret, WEB_APP.clientSecret, KEYS.main, KEYS.narrow]) assert.equal(html.includes(secret), false);
      assert.deepEqual(cspViolations, []);
    });

    it('a later visit signs in with Marketing Cloud (authorization code), lands signed in, fragment cleared', async () => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const visit = await context.newPage();
      await visit.goto(appUrl);
      await visit.getByRole('link', { name: 'Sign in with Marketing Cloud' }).click();
      await visit.getByLabel('Username').fill(USER.username);
      await visit.getByLabel('Password').fill(USER.password);
      if (UPDATE_SCREENSHOTS && index === 0) await visit.screenshot({ path: `${SCREENSHOTS}config-5-sign-in.png` });
      await visit.getByRole('button', { name: 'Log In' }).click();
      await visit.getByRole('heading', { name: 'Configure channels' }).waitFor();
      assert.equal(new URL(visit.url()).hash, '');
      // Another tenant's app does not take this page's session.
      const other = await running.admin.mustCreateTenant(tenantBody({ mid: '510000002' }));
      const status = await visit.evaluate(async (url) => {
        const token = Object.entries(sessionStorage).find(([k]) => k.startsWith('mc-relay-session:'))![1];
        return (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status;
      }, `${running.url}/t/${other.urlKey}/app/api/config`);
      assert.equal(status, 401);
      await context.close();
    });
  });
}
