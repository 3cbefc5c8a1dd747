// Every page Marketing Cloud frames (the activity UIs and the Configuration app) and their files
// may be framed only from Marketing Cloud's domains, or from the operator's list
// (MC_RELAY_FRAME_ANCESTORS), and send no X-Frame-Options, which would stop Marketing Cloud from
// framing them. Storage plays no part: SQLite only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { frameAncestors, MARKETING_CLOUD_FRAME_ANCESTORS } from '../src/security/frame-ancestors.ts';
import { startConnector, type RunningConnector } from './helpers/connector.ts';
import { createTestDatabase, type TestDatabase } from './helpers/databases.ts';
import { tenantBody } from './helpers/tenants.ts';

/** The pages and files of one tenant's UIs, as Marketing Cloud loads them. */
function uiUrls(running: RunningConnector, tenant: Record<string, any>): string[] {
  const app = `${running.url}/t/${tenant.urlKey}/app/`;
  return [
    app,
    `${app}app.js`,
    ...Object.values(tenant.activities as Record<string, string>).flatMap((base) => [base, `${base}index.html`]),
    `${running.url}/ui/activities/message/message.js`,
    `${running.url}/ui/postmonger.js`,
  ];
}

async function framingHeaders(url: string): Promise<{ frameAncestors: string | undefined; xFrameOptions: string | null }> {
  const response = await fetch(url);
  await response.body?.cancel();
  assert.equal(response.status, 200, url);
  const csp = response.headers.get('content-security-policy') ?? '';
  return { frameAncestors: /(?:^|;\s*)frame-ancestors ([^;]*)/.exec(csp)?.[1], xFrameOptions: response.headers.get('x-frame-options') };
}

for (const [name, configured, expected] of [
  ["Marketing Cloud's domains by default", undefined, MARKETING_CLOUD_FRAME_ANCESTORS],
  ['the operator\'s list with MC_RELAY_FRAME_ANCESTORS', 'https://mc.s7.exacttarget.com', 'https://mc.s7.exacttarget.com'],
] as const) {
  describe(`UI framing: ${name}`, () => {
    let database: TestDatabase;
    let running: RunningConnector;
    let tenant: Record<string, any>;

    before(async () => {
      database = await createTestDatabase('sqlite');
      running = await startConnector({ databaseUrl: database.url, dataDir: database.dataDir, ...(configured ? { frameAncestors: configured } : {}) });
      tenant = await running.admin.mustCreateTenant(tenantBody());
    });
    after(async () => {
      await running.close();
      await database.drop();
    });

    test('every activity UI and Configuration app page and file sends frame-ancestors and no X-Frame-Options', async () => {
      for (const url of uiUrls(running, tenant)) assert.deepEqual(await framingHeaders(url), { frameAncestors: expected, xFrameOptions: null }, url);
    });
  });
}

test('MC_RELAY_FRAME_ANCESTORS takes CSP sources only, so it cannot add a directive', () => {
  assert.equal(frameAncestors("'self' https://*.example.com", false), "'self' https://*.example.com");
  assert.equal(frameAncestors('  ', false), MARKETING_CLOUD_FRAME_ANCESTORS);
  assert.match(frameAncestors(undefined, true), /http:\/\/127\.0\.0\.1:\*/);
  for (const wrong of ['https://a.example; script-src *', 'https://a.example,https://b.example', "'unsafe-inline'"]) {
    assert.throws(() => frameAncestors(wrong, false), /MC_RELAY_FRAME_ANCESTORS/, wrong);
  }
});
