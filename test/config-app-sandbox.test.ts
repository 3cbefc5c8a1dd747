// `npm run sandbox` names the Configuration app, and the sandbox's SFMC credentials sign in to it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { postJson } from './helpers/http.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

describe('the sandbox and the Configuration app', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startTestSandbox('sqlite');
  });
  after(() => sandbox.close());

  it('serves the app at configAppUrl, and the printed SFMC credentials sign in', async () => {
    const { configAppUrl, sfmc } = sandbox.info;
    const page = await fetch(configAppUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script type="module" src="app.js">/);
    const signIn = await postJson(`${configAppUrl}api/session`, {
      mid: sfmc.accountId,
      clientId: sfmc.clientId,
      clientSecret: sfmc.clientSecret,
      soapOrigin: sfmc.soapBaseUrl,
      authOrigin: sfmc.authBaseUrl,
    });
    assert.equal(signIn.status, 200, signIn.text);
    assert.equal(signIn.json!.config.accounts.length, 1);
  });
});
