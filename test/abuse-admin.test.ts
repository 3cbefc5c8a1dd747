import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { anyJson, anyText, looseObject, propertyRuns } from './helpers/properties.ts';
import { newClientAddresses } from './helpers/clients.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { tenantBody } from './helpers/tenants.ts';

/** A value of the right type most of the time (so validation goes past the first field), else anything. */
const field = <T>(right: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: anyJson });
const url = fc.oneof(fc.webUrl(), fc.constantFrom('http://127.0.0.1:1/', 'ftp://x/', 'https://user:pw@example.com/', 'javascript:alert(1)'), anyText(100));

const tenantBodies = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          name: field(anyText(250)), mid: field(fc.oneof(fc.stringMatching(/^[0-9]{1,18}$/), anyText(20))), jwtSigningSecret: field(anyText(100)),
          sfmc: field(fc.record({ clientId: field(anyText(50)), clientSecret: field(anyText(50)), authBaseUrl: field(url) }, { requiredKeys: [] })),
          infobip: field(fc.record({ baseUrl: field(url), apiKey: field(anyText(50)) }, { requiredKeys: [] })),
          defaultCountry: field(fc.oneof(fc.constantFrom('DE', 'US', 'XX', 'de', 'ZZ'), anyText(3))),
          senders: field(looseObject(['sms', 'viber', 'kakao', 'rcs', 'zalo', 'whatsapp'], field(anyText(120)))),
          dataExtensions: field(fc.dictionary(fc.oneof(fc.constantFrom('smsDeliveryReports', 'clicks', 'inbound'), anyText(20)), field(anyText(210)))),
        },
        { requiredKeys: [] },
      )
      .map((changes) => ({ ...tenantBody(), ...changes })),
  },
  { weight: 1, arbitrary: anyJson },
);
const sink = fc.oneof(fc.record({ mode: fc.constant('native') }), fc.record({ mode: fc.constant('external'), url }), looseObject(['mode', 'url']));
const reportBodies = fc.oneof(
  fc.record(
    {
      sms: field(sink), omni: field(sink), replyWindowHours: field(fc.integer({ min: -5, max: 24 * 100 })),
      optOutKeywords: field(fc.dictionary(fc.oneof(fc.constantFrom('en', 'de', 'fra'), anyText(4)), field(fc.array(anyText(60), { maxLength: 60 })))),
      webhookSecurity: field(fc.oneof(
        fc.constant(null),
        fc.record({ type: fc.constant('BASIC'), username: anyText(300), password: anyText(300) }),
        fc.record({ type: fc.constant('HMAC'), algorithm: fc.constantFrom('HMAC_SHA_256', 'HMAC_SHA_1', 'HMAC_SHA256', 'MD5', 'none'), secretKey: anyText(300) }),
      )),
    },
    { requiredKeys: [] },
  ),
  anyJson,
);
const accountBodies = fc.oneof(
  fc.record({ name: field(anyText(120)), baseUrl: field(url), apiKey: field(anyText(60)), isDefault: field(fc.boolean()) }, { requiredKeys: [] }),
  anyJson,
);
const suppressionBodies = fc.oneof(fc.record({ destination: field(fc.oneof(fc.stringMatching(/^\+?[0-9 ()-]{5,30}$/), anyText(40))) }, { requiredKeys: [] }), anyJson);
/** Path segments: real ids, unknown ids, and text that tries to escape the path. */
const pathSegment = (known: string) => fc.oneof(fc.constant(known), fc.uuid(), anyText(60).filter((s) => s.length > 0 && s.length <= 1000), fc.constantFrom('..', '%2e%2e', '%00', '%', 'a/b'));

/**
 * Properties of the admin API over real HTTP (a sandbox on SQLite): whatever the body or path
 * holds, the answer is a documented one (200/201/204 or 400/404, JSON with a message naming the
 * field on 400), never a 5xx; without the token, always 401.
 */
describe('admin API properties (fast-check, real HTTP)', () => {
  let sandbox: Sandbox;
  let tenantId: string;
  let call: (method: string, path: string, body?: unknown, token?: string) => Promise<{ status: number; json: any; text: string; type: string }>;

  before(async () => {
    // Each request comes from a client of its own (X-Forwarded-For), so 100 wrong tokens test
    // their answer, not the failure limit.
    sandbox = await startTestSandbox('sqlite', { trustProxy: 'loopback' });
    const client = newClientAddresses();
    const list = await fetch(`${sandbox.info.adminUrl}/tenants`, { headers: { authorization: `Bearer ${sandbox.info.adminToken}` } });
    tenantId = ((await list.json()) as { tenants: { id: string }[] }).tenants[0]!.id;
    call = async (method, path, body, token = sandbox.info.adminToken) => {
      const response = await fetch(`${sandbox.info.adminUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': client(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) ?? 'null' }),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json, text, type: response.headers.get('content-type') ?? '' };
    };
  });
  after(() => sandbox.close());

  const documented = (answer: { status: number; json: any; text: string; type: string }, allowed: number[]) => {
    // Fastify's router refuses a path parameter above 100 characters (414) and a broken %-escape (400) before any handler.
    if (answer.status === 414 || (answer.status === 400 && answer.json?.code === 'FST_ERR_BAD_URL')) return;
    assert.ok(allowed.includes(answer.status), `${answer.status} ${answer.text.slice(0, 300)}`);
    if (answer.status === 204) return;
    assert.match(answer.type, /^application\/json/);
    if (answer.status === 400) assert.equal(typeof answer.json?.message, 'string');
  };
  /** As a client would send it: lone surrogates become U+FFFD; path tricks are sent raw. */
  const encode = (segment: string) => (/^%|^\.\.$|\//.test(segment) ? segment : encodeURIComponent(Buffer.from(segment).toString()));

  test('POST /admin/tenants: 201 or 400, never a 5xx', async () => {
    await fc.assert(fc.asyncProperty(tenantBodies, async (body) => documented(await call('POST', '/tenants', body), [201, 400])), propertyRuns('create tenant', 150));
  });

  test('PATCH /admin/tenants/:id/reports: 200, 400 or 404', async () => {
    await fc.assert(
      fc.asyncProperty(reportBodies, pathSegment(tenantId), async (body, id) => documented(await call('PATCH', `/tenants/${encode(id)}/reports`, body), [200, 400, 404])),
      propertyRuns('report settings', 150),
    );
  });

  test('POST /admin/tenants/:id/infobip-accounts: 201, 400, 404 or 409', async () => {
    await fc.assert(
      fc.asyncProperty(accountBodies, pathSegment(tenantId), async (body, id) => documented(await call('POST', `/tenants/${encode(id)}/infobip-accounts`, body), [201, 400, 404, 409])),
      propertyRuns('infobip accounts', 150),
    );
  });

  test('suppressions and reads: POST 201/400/404, DELETE 204/404, GET 200/404', async () => {
    await fc.assert(
      fc.asyncProperty(suppressionBodies, pathSegment(tenantId), anyText(40).filter((s) => s.length > 0 && s.length <= 1000), async (body, id, destination) => {
        documented(await call('POST', `/tenants/${encode(id)}/suppressions`, body), [201, 400, 404]);
        documented(await call('DELETE', `/tenants/${encode(id)}/suppressions/${encode(destination)}`), [204, 404]);
        documented(await call('GET', `/tenants/${encode(id)}`), [200, 404]);
        documented(await call('GET', `/tenants/${encode(id)}/suppressions`), [200, 404]);
      }),
      propertyRuns('suppressions', 100),
    );
  });

  test('without the admin token every admin route answers 401, whatever the token or body', async () => {
    const token = fc.oneof(anyText(100), fc.constant(''), fc.constant(`${'x'}${'y'}`)).filter((t) => t.length <= 4096 && /^[\t\x20-\x7e]*$/.test(t));
    await fc.assert(
      fc.asyncProperty(token, fc.constantFrom(['POST', '/tenants'], ['GET', '/tenants'], ['PATCH', `/tenants/${tenantId}/reports`], ['GET', `/tenants/${tenantId}`]), tenantBodies, async (t, [method, path], body) => {
        const answer = await call(method!, path!, method === 'GET' ? undefined : body, t);
        assert.equal(answer.status, 401, answer.text.slice(0, 200));
      }),
      propertyRuns('admin without token', 100),
    );
  });
});
