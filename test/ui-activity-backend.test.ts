// The activity UIs' server side over HTTP: pages and assets under a CSP with no inline script,
// the API only for a Journey Builder user token of the tenant's business unit (verified with
// SFMC's v2/userinfo), the tenant's channels and accounts without secrets, validation with
// execute's rules, and WhatsApp's approved templates from Infobip's template list.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { addTenant, configureAccountChannels } from './helpers/flow.ts';
import { get, postJson } from './helpers/http.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { countMessages } from './helpers/messages.ts';

for (const dialect of testDialects) {
  describe(`activity UI backend (${dialect})`, () => {
    let sandbox: Sandbox;
    let token: string;
    let api: string;

    before(async () => {
      sandbox = await startTestSandbox(dialect);
      const { sfmc } = sandbox.info;
      const answer = await postJson(`${sfmc.authBaseUrl}v2/token`, { grant_type: 'client_credentials', client_id: sfmc.clientId, client_secret: sfmc.clientSecret, account_id: sfmc.accountId });
      token = answer.json!.access_token;
      api = `${sandbox.info.messageActivityUrl}api/`;
    });
    after(async () => sandbox?.close());
    const bearer = (t = token) => ({ authorization: `Bearer ${t}` });

    test('the pages and their files are served under a CSP without inline scripts, frameable by Journey Builder', async () => {
      for (const url of [`${sandbox.info.messageActivityUrl}index.html`, sandbox.info.reportsActivityUrl]) {
        const page = await get(url);
        assert.equal(page.status, 200);
        const response = await fetch(url);
        const csp = String(response.headers.get('content-security-policy'));
        assert.match(csp, /script-src 'self';/);
        assert.match(csp, /frame-ancestors 'self' https:\/\/\*\.exacttarget\.com/);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        assert.equal([...page.text.matchAll(/<script(?![^>]*\bsrc=)[^>]*>/g)].length, 0, 'every script is a file');
        assert.doesNotMatch(page.text, /\sstyle=|\son\w+=/);
      }
      const origin = new URL(sandbox.info.messageActivityUrl).origin;
      for (const path of ['/ui/postmonger.js', '/ui/shared/counters.js', '/ui/activities/message/message.js', '/ui/slds/styles/salesforce-lightning-design-system.min.css']) {
        const file = await fetch(`${origin}${path}`);
        assert.equal(file.status, 200, path);
        assert.match(String(file.headers.get('content-security-policy')), /default-src 'none'/, path);
      }
      const counters = await get(`${origin}/ui/shared/counters.js`);
      assert.match(counters.contentType, /^text\/javascript/);
      assert.doesNotMatch(counters.text, /node:|require\(/);
      const modes = await get(`${origin}/ui/shared/report-modes.js`);
      assert.match(modes.contentType, /^text\/javascript/);
      assert.match(modes.text, /^export const reportModes = \[\{"id":"delivery","label":"Delivery report",/);
      assert.doesNotMatch(modes.text, /lookup/, 'data only');
      assert.equal((await get(`${origin}/ui/shared/config.js`)).status, 404);
    });

    test("the API answers 401 without a token, with a token SFMC does not know, and with another business unit's token", async () => {
      assert.equal((await get(`${api}context`)).status, 401);
      assert.equal((await get(`${api}context`, bearer('not-a-real-token'))).status, 401);
      // A tenant of another MID: the sandbox user's token is not of its business unit.
      const other = await fetch(`${sandbox.info.adminUrl}/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sandbox.info.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Other BU',
          mid: '510000099',
          jwtSigningSecret: 'another-secret-of-enough-length',
          sfmc: { clientId: sandbox.info.sfmc.clientId, clientSecret: sandbox.info.sfmc.clientSecret, authBaseUrl: sandbox.info.sfmc.authBaseUrl },
          infobip: sandbox.info.infobip,
          senders: { sms: 'Other' },
        }),
      });
      assert.equal(other.status, 201, await other.clone().text());
      const otherApi = `${((await other.json()) as any).activities.message}api/`;
      const refused = await get(`${otherApi}context`, bearer());
      assert.equal(refused.status, 401);
      assert.match(refused.json!.message, /business unit/);
      assert.equal((await postJson(`${otherApi}validate`, { inArguments: [] }, bearer())).status, 401);
    });

    test("context: the channels the tenant can send on and its accounts, never a secret", async () => {
      const context = await get(`${api}context`, bearer());
      assert.equal(context.status, 200);
      assert.deepEqual(context.json!.channels.map((c: any) => c.id).sort(), ['kakao-alim', 'kakao-chingu', 'lms', 'mms', 'rcs', 'sms', 'viber', 'whatsapp', 'zalo']);
      assert.equal(context.json!.accounts.length, 1);
      assert.equal(context.json!.accounts[0].isDefault, true);
      assert.ok(!context.text.includes(sandbox.info.infobip.apiKey), 'no API key');
      assert.ok(!context.text.includes(sandbox.info.jwtSecret), 'no JWT secret');

      // Each account's sender names from the Configuration app, by sender kind, and each channel's kind.
      assert.deepEqual(context.json!.accounts[0].senders, {});
      await configureAccountChannels(sandbox, context.json!.accounts[0].id, { customDomains: [], senders: { sms: ['AcmeBank', 'AcmeAlerts'], kakao: ['acme-kakao'] } });
      const configured = (await get(`${api}context`, bearer())).json!;
      assert.deepEqual(configured.accounts[0].senders, { sms: ['AcmeBank', 'AcmeAlerts'], kakao: ['acme-kakao'] });
      assert.deepEqual(Object.fromEntries(configured.channels.map((c: any) => [c.id, c.senderKind])), { sms: 'sms', lms: 'sms', mms: 'sms', rcs: 'rcs', viber: 'viber', whatsapp: 'whatsapp', 'kakao-chingu': 'kakao', 'kakao-alim': 'kakao', zalo: 'zalo' });

      // A tenant with only an SMS sender is offered the SMS family only.
      const smsOnly = await addTenant(sandbox, { name: 'SMS only' });
      const offered = await get(`${smsOnly.messageActivityUrl}api/context`, bearer());
      assert.deepEqual(offered.json!.channels.map((c: any) => c.id).sort(), ['lms', 'mms', 'sms']);
    });

    test("validate runs execute's rules without storing, and names the field", async () => {
      const valid = await postJson(`${api}validate`, { inArguments: [{ channel: 'sms' }, { phone: '+4915110000000' }, { text: 'Hi #{FirstName}' }, { 'field.FirstName': 'Ada' }] }, bearer());
      assert.equal(valid.status, 200);
      assert.equal(valid.json!.ok, true);
      assert.equal(valid.json!.payload.content.text, 'Hi Ada');
      const invalid = await postJson(`${api}validate`, { inArguments: [{ channel: 'lms' }, { phone: '+4915110000000' }, { text: 'Hi' }, { resellerCode: '12' }] }, bearer());
      assert.deepEqual(invalid.json, { ok: false, messageStatus: 'Error: Invalid request: resellerCode must be the 9-digit business registration number', field: 'resellerCode' });
      const tooLong = await postJson(`${api}validate`, { inArguments: [{ channel: 'sms' }, { phone: '+4915110000000' }, { text: '€'.repeat(2000) }] }, bearer());
      assert.equal(tooLong.json!.field, 'text');
      assert.equal(await countMessages(sandbox.connector.store.db), 0, 'validation stores nothing');
    });

    test("WhatsApp templates: the sender's approved templates from Infobip, with their placeholders", async () => {
      const listed = await get(`${api}whatsapp-templates?sender=441134960000`, bearer());
      assert.equal(listed.status, 200);
      const byName = new Map(listed.json!.templates.map((t: any) => [t.name, t]));
      assert.deepEqual(byName.get('text_template'), { name: 'text_template', language: 'en', category: 'MARKETING', body: 'example {{1}} body', bodyPlaceholders: 1, buttons: [] });
      assert.deepEqual((byName.get('media_template') as any).header, { format: 'IMAGE', placeholders: 0 });
      assert.ok(listed.json!.templates.every((t: any) => typeof t.bodyPlaceholders === 'number'));
      assert.equal((await get(`${api}whatsapp-templates?sender=not-a-number`, bearer())).status, 400);
      assert.equal((await get(`${sandbox.info.infobip.baseUrl}/whatsapp/2/senders/441134960000/templates`)).status, 401, 'Infobip wants its API key');
    });

    test("Zalo templates: the sender's enabled templates from Infobip, and one template's registered placeholders", async () => {
      const sender = '4318274655102938471';
      const listed = await get(`${api}zalo-templates?sender=${sender}`, bearer());
      assert.equal(listed.status, 200, listed.text);
      assert.deepEqual(listed.json!.templates, [{ id: '900026', name: 'Template_2' }, { id: '322307', name: 'Order shipped' }], 'enabled ones only');
      const template = await get(`${api}zalo-templates/900026?sender=${sender}`, bearer());
      assert.deepEqual(template.json!.placeholders.map((p: any) => p.name), ['customer_name', 'order_code', 'date']);
      assert.equal((await get(`${api}zalo-templates/1?sender=${sender}`, bearer())).status, 502, "Infobip's 404 for an unknown template");
      assert.equal((await get(`${api}zalo-templates?sender=not-a-number`, bearer())).status, 400);
      assert.equal((await get(`${sandbox.info.infobip.baseUrl}/zalo/1/sender/${sender}/templates`)).status, 401, 'Infobip wants its API key');
    });

    test("the SFMC simulator's v2/userinfo names the token's business unit", async () => {
      const auth = sandbox.info.sfmc.authBaseUrl;
      assert.equal((await get(`${auth}v2/userinfo`)).status, 400);
      assert.equal((await get(`${auth}v2/userinfo`, bearer('nope'))).status, 401);
      const info = await get(`${auth}v2/userinfo`, bearer());
      assert.equal(info.status, 200);
      assert.equal(info.json!.organization.member_id, Number(sandbox.info.sfmc.accountId));
      assert.equal(info.json!.rest.rest_instance_url, sandbox.info.sfmc.restBaseUrl);
    });
  });
}
